package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	m := NewMasker("S3cret-pass")
	in := `citizen 001085012345 and 079300123456, cmnd 123456789; token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln pw=S3cret-pass time=1234567890123 at 2026-11-22T17:57:38.919123439+00:00`
	out := m.Text(in)
	for _, leak := range []string{"001085012345", "079300123456", "123456789;", "S3cret-pass", "eyJhbGci"} {
		if strings.Contains(out, leak) {
			t.Errorf("masked text still contains %q: %s", leak, out)
		}
	}
	for _, keep := range []string{"001*******45", "079*******56", "[token]", "[secret]", "1234567890123", "17:57:38.919123439+00:00"} {
		if !strings.Contains(out, keep) {
			t.Errorf("masked text lacks %q: %s", keep, out)
		}
	}
}

func TestID(t *testing.T) {
	if got := ID("001085012345"); got != "001*******45" {
		t.Fatalf("ID = %q", got)
	}
	if got := ID("123"); got != "***" {
		t.Fatalf("short ID = %q", got)
	}
}

func TestNames(t *testing.T) {
	m := NewMasker("S3cret-pass").WithNames("Nguyễn Thị Bích Ngọc", "An")
	out := m.Text("applicant Nguyễn Thị Bích Ngọc, An Giang, pw S3cret-pass")
	if strings.Contains(out, "Bích Ngọc") || strings.Contains(out, "S3cret") || !strings.Contains(out, "An Giang") {
		t.Errorf("names: %s", out)
	}
}

// TestTextShapes: golden inputs → masked outputs. Personal values go
// whatever labels them; protocol values (timestamps with a time, dossier
// codes, amounts, paths, spec names) stay readable.
func TestTextShapes(t *testing.T) {
	m := NewMasker()
	for _, c := range []struct{ in, want string }{
		{"Expected\n    <string>: Trần Anh Đạt\nto equal\n    <string>: Nguyễn Thị Bích Ngọc",
			"Expected\n    <string>: [họ tên 1]\nto equal\n    <string>: [họ tên 2]"},
		{"Trần Anh Đạt, again Trần Anh Đạt, and Lê Văn Tám", "[họ tên 1], again [họ tên 1], and [họ tên 2]"},
		{"applicant NGUYỄN VĂN AN and Ông Phạm Quốc Thịnh", "applicant [họ tên 1] and [họ tên 2]"},
		{"<string>: Số 2, thôn Tây, Xã Vĩnh Thành, Hà Nội", "<string>: [địa chỉ]"},
		{"new address: Phòng 305 nhà B2, ký túc xá Đại học Bách khoa, phường Bạch Mai, thành phố Hà Nội",
			"new address: [địa chỉ]"},
		{"notice to Số 8 đường Lê Lợi", "notice to [địa chỉ]"},
		{"born 1968-07-22 or 22/07/1968", "born [ngày 1] or [ngày 2]"},
		{"call 0912345678, +84 912 345 678 or 0912.345.678", "call [sđt 1], [sđt 2] or [sđt 3]"},
		{"mail nguyenvana.1990@example.vn.", "mail [email]."},
		{"plate 29-B1 123.45 and 30A-123.45", "plate [biển số 1] and [biển số 2]"},
		{"tax code 8712380642, insurance 0112345678, licence 010123456789", "tax code 871*****42, insurance 011*****78, licence 010*******89"},
		{`{"HoTenMe": "Lê Na", "GioiTinh": "Nam", "MaThuaDat": "01-29-412"}`, `{"HoTenMe": "[họ tên]", "GioiTinh": "Nam", "MaThuaDat": "[thửa đất]"}`},
		{"GET /x?SoDienThoai=0912345678&LyDo=abc", "GET /x?SoDienThoai=[sđt]&LyDo=abc"},
		// Kept: a timestamp, a dossier code, an amount, a spec name, a
		// province, an agency, a hospital, paths and Ginkgo's own lines.
		{"at 2026-12-01T08:47:43.214Z, appointment 2026-12-03 15:04", "at 2026-12-01T08:47:43.214Z, appointment 2026-12-03 15:04"},
		{"result of 000.00.00.H01-261230-0001: fee 50000 VND, HTTP 422", "result of 000.00.00.H01-261230-0001: fee 50000 VND, HTTP 422"},
		{"DV09 Đăng ký khai sinh [It] is processed end to end", "DV09 Đăng ký khai sinh [It] is processed end to end"},
		{"Thành phố Hồ Chí Minh; Bộ Công an; Trạm Y tế Phường Hòa Bình; Giấy khai sinh (bản điện tử)",
			"Thành phố Hồ Chí Minh; Bộ Công an; Trạm Y tế Phường Hòa Bình; Giấy khai sinh (bản điện tử)"},
		{"Running Suite: dvcqa - /work/suites/services/e2e.go:65 @ 12/01/26 08:47:43.321", "Running Suite: dvcqa - /work/suites/services/e2e.go:65 @ 12/01/26 08:47:43.321"},
		{"ginkgo.random_seed=1796114861, SoDinhDanh=001085012345", "ginkgo.random_seed=1796114861, SoDinhDanh=001*******45"},
		{"dvcqa.waiver.expires=2026-12-31 and \"NgayHenTra\": \"2026-12-09\"", "dvcqa.waiver.expires=2026-12-31 and \"NgayHenTra\": \"2026-12-09\""},
		{"prefilled HoTenMe of DV03 ≠ national database population.HoTenMe", "prefilled HoTenMe of DV03 ≠ national database population.HoTenMe"},
	} {
		if got := m.Text(c.in); got != c.want {
			t.Errorf("Text(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestKeyKind(t *testing.T) {
	for key, want := range map[string]Kind{
		"HoVaTen": KindName, "HoTenMe": KindName, "ho_ten_cha": KindName, "full_name": KindName, "motherName": KindName,
		"TenHoKinhDoanh": KindName, "NgayThangNamSinh": KindBirthDate, "NgaySinhTre": KindBirthDate, "date_of_birth": KindBirthDate,
		"DiaChiTamTru": KindAddress, "ThuongTru": KindAddress, "QueQuan": KindAddress, "NoiDangKyKhaiSinh": KindAddress, "address": KindAddress,
		"SoDienThoai": KindPhone, "SoDienThoaiLienHe": KindPhone, "phone": KindPhone, "ThuDienTu": KindEmail, "email": KindEmail,
		"SoDinhDanh": KindID, "SoDinhDanhVoChong": KindID, "CCCD": KindID, "MaSoThue": KindID, "tax_code": KindID, "MaSoBHXH": KindID,
		"SoGPLX": KindID, "BienSo": KindPlate, "SoThua": KindParcel, "MaThuaDat": KindParcel,
		"created_at": KindProtocol, "deliveredAt": KindProtocol, "NgayHenTra": KindProtocol,
		"status": KindNone, "code": KindNone, "name": KindNone, "service_id": KindNone, "fee_vnd": KindNone, "GioiTinh": KindNone, "Tenant": KindNone,
	} {
		if got := KeyKind(key); got != want {
			t.Errorf("KeyKind(%q) = %d, want %d", key, got, want)
		}
	}
}

// TestBody: JSON, forms and HTML are masked value by value, in order.
func TestBody(t *testing.T) {
	m := NewMasker("S3cret-pass")
	for _, c := range []struct{ ct, in, want string }{
		{"application/json",
			`{"service_id":"DV03","fields":[{"name":"SoDinhDanh","type":"id_number","value":"001085012345"},{"name":"HoTenChuHo","label_vi":"Họ tên chủ hộ","value":"Lê Na"}],` +
				`"records":[{"HoTenCha":"Ngô Hữu Hưng","NgayThangNamSinh":"1991-11-09","NoiOHienTai":"Số 157, thôn Tây, Xã Vĩnh Thành, Hà Nội","NgayCapNhat":"2023-02-07","SoDinhDanh":1085012345,` +
				`"note":"mẹ: Hồ Diệu Yến","status_code":10,"created_at":"2026-12-01","fee_vnd":50000,"ok":true,"x":null,"document_b64":"` + strings.Repeat("eyJh", 30) + `"}]}`,
			`{"service_id":"DV03","fields":[{"name":"SoDinhDanh","type":"id_number","value":"001*******45"},{"name":"HoTenChuHo","label_vi":"Họ tên chủ hộ","value":"[họ tên 1]"}],` +
				`"records":[{"HoTenCha":"[họ tên 2]","NgayThangNamSinh":"[ngày sinh]","NoiOHienTai":"[địa chỉ]","NgayCapNhat":"[ngày]","SoDinhDanh":"108*****45",` +
				`"note":"mẹ: [họ tên 3]","status_code":10,"created_at":"2026-12-01","fee_vnd":50000,"ok":true,"x":null,"document_b64":"[base64]"}]}`},
		{"application/json", `[{"name":"Trần Văn Hùng"},{"name":"LyDo"},{"RunTime":123456789012}]`, `[{"name":"[họ tên]"},{"name":"LyDo"},{"RunTime":123456789012}]`},
		{"application/x-www-form-urlencoded", "HoTenMe=L%C3%AA+Na&LoaiYeuCau=Cap+doi&password=S3cret-pass",
			"HoTenMe=%5Bh%E1%BB%8D+t%C3%AAn%5D&LoaiYeuCau=Cap+doi&password=%5Bsecret%5D"},
		{"text/html; charset=utf-8", `<input name="HoTenMe" value="Lê Na"><p>Người mẹ: Hồ Diệu Yến</p><input name="LyDo" value="ok">`,
			`<input name="HoTenMe" value="[họ tên 1]"><p>Người mẹ: [họ tên 2]</p><input name="LyDo" value="ok">`},
		{"application/json", `{"broken": "Trần Văn Hùng"`, `{"broken": "[họ tên]"`}, // not JSON: masked as text
	} {
		if got := m.Body(c.ct, []byte(c.in)); got != c.want {
			t.Errorf("Body(%s, %s)\n got %s\nwant %s", c.ct, c.in, got, c.want)
		}
	}
}

// TestMaskingTwiceChangesNothing: a masked text masked again (by the run's
// masker, after the suite's) keeps its placeholders and their numbers.
func TestMaskingTwiceChangesNothing(t *testing.T) {
	m := NewMasker().WithNames("Trần Anh Đạt")
	k := NewKnown()
	k.Learn([]byte(`{"HoVaTen":"[họ tên 1]","ThuongTru":"[địa chỉ 2]"}`))
	if k.Len() != 0 {
		t.Errorf("placeholders were learnt as personal values: %v", k.Values())
	}
	once := m.Body("application/json", []byte(`{"HoTenMe":"Lê Na","HoVaTen":"Trần Anh Đạt","SoDinhDanh":"001085012345","ThuongTru":"Số 2, thôn Tây, Xã Vĩnh Thành, Hà Nội"}`)) +
		"\n" + m.Body("application/json", []byte(`{"HoVaTen":"Trần Anh Đạt"}`))
	if twice := m.WithKnown(k).Text(once); twice != once {
		t.Errorf("masking twice changed the text:\n once %s\ntwice %s", once, twice)
	}
}

// TestKnown: values learnt from a record are masked in free text, also
// where no shape rule would find them.
func TestKnown(t *testing.T) {
	k := NewKnown()
	k.Learn([]byte(`{"records":[{"HoVaTen":"Lê Na","HoTenMe":"Hà My","ThuongTru":"Ấp 3 Tân Phú","MaThuaDat":"01-29-412","SoThua":"412","GioiTinh":"Nữ","NgayThangNamSinh":"1991-11-09"}]}`))
	m := NewMasker().WithKnown(k)
	got := m.Text("Lê Na, daughter of Hà My, lives at Ấp 3 Tân Phú on 01-29-412 (parcel 412), Nữ, born 1991-11-09")
	want := "[họ tên 1], daughter of [họ tên 2], lives at [địa chỉ] on [thửa đất] (parcel 412), Nữ, born [ngày sinh]"
	if got != want {
		t.Errorf("known values:\n got %q\nwant %q", got, want)
	}
	k.Learn([]byte(`{"account_type":"personal","SoTaiKhoan":"0123456789"}`))
	if got := m.Text("a personal account 0123456789"); got != "a personal account 012*****89" {
		t.Errorf("a word under an ID-like key is masked everywhere: %q", got)
	}
	k.Add(KindName, "Vũ Kim")
	if got := m.Text("Vũ Kim"); got != "[họ tên]" {
		t.Errorf("a value added later is not masked: %q", got)
	}
}

// TestCutKeepsRunes: a cut never splits a UTF-8 character, whatever n.
func TestCutKeepsRunes(t *testing.T) {
	s := "Nguyễn Thị Bích Ngọc, đường Lê Lợi, 😀 phường"
	for n := 0; n <= len(s)+1; n++ {
		got := Cut(s, n)
		if !utf8.ValidString(got) {
			t.Fatalf("Cut(%d) = %q is not valid UTF-8", n, got)
		}
		if n < len(s) && len(strings.TrimSuffix(got, "…")) > n {
			t.Fatalf("Cut(%d) = %q is longer than %d bytes", n, got, n)
		}
	}
	if Cut("abc", 3) != "abc" || Cut("abcd", 3) != "abc…" {
		t.Errorf("Cut of ASCII: %q %q", Cut("abc", 3), Cut("abcd", 3))
	}
}
