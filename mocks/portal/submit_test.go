package portal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	api "github.com/dvcqa/dvcqa/api/portal"
)

func TestUploadAttachment(t *testing.T) {
	e := newEnv(t)
	a := e.upload(e.as(an), "giay_chung_sinh", "application/pdf", pdfBytes)
	sum := sha256.Sum256(pdfBytes)
	if a.ID == "" || a.Type != "giay_chung_sinh" || a.ContentType != "application/pdf" || a.Size != int64(len(pdfBytes)) || a.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("attachment = %+v", a)
	}
}

func TestUploadRefusesWrongContentType(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	cases := []struct {
		name, declared string
		data           []byte
	}{
		{"text file", "text/plain", []byte("hello")},
		{"declared PNG, bytes are PDF", "image/png", pdfBytes},
		{"declared PDF, bytes are an executable", "application/pdf", append([]byte("MZ\x90\x00"), make([]byte, 32)...)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.UploadAttachment(context.Background(), "giay_chung_sinh", "f", tc.declared, tc.data)
			ae := apiErr(t, err, http.StatusUnprocessableEntity)
			if ae.Field("giay_chung_sinh") == nil || !strings.Contains(ae.Message, "giay_chung_sinh") {
				t.Fatalf("422 does not name the attachment type: %v", ae)
			}
		})
	}
}

func TestUploadTooLarge(t *testing.T) {
	e := newEnv(t)
	big := append(bytes.Clone(pdfBytes), make([]byte, 10<<20)...)
	_, err := e.as(an).UploadAttachment(context.Background(), "giay_chung_sinh", "big.pdf", "application/pdf", big)
	apiErr(t, err, http.StatusRequestEntityTooLarge)
}

func TestUploadMalformed(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/attachments", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+e.as(an).Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("non-multipart upload: %d", resp.StatusCode)
	}
	_, err = e.as(an).UploadAttachment(context.Background(), "Bad Type!", "f.pdf", "application/pdf", pdfBytes)
	apiErr(t, err, http.StatusBadRequest)
}

func TestSubmitCreatesDossier(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	req := e.birthRequest(c)
	d, replayed, err := c.Submit(context.Background(), "k1", req)
	if err != nil {
		t.Fatal(err)
	}
	if replayed {
		t.Fatal("first submission marked as replayed")
	}
	// The world clock runs fast: the date is the world date of submission.
	if want := "000.00.00.H01-" + d.SubmittedAt.Format("060102") + "-"; !strings.HasPrefix(d.Code, want) || len(d.Code) != len(want)+4 {
		t.Fatalf("code %q, want %sNNNN", d.Code, want)
	}
	if d.ServiceID != "DV09" || d.ProcedureCode != "1.001193.000.00.00.H01" || d.Province != "01" || d.Applicant != (api.Applicant{SoDinhDanh: an.ID, HoVaTen: an.Name}) {
		t.Fatalf("dossier = %+v", d)
	}
	if d.History[0].Status != api.StatusSubmitted || d.History[0].StatusCode != 1 || d.SubmittedAt.IsZero() {
		t.Fatalf("first history entry %+v", d.History)
	}
	// Prefilled fields the citizen left out come from national data.
	if d.Fields["NgaySinhNguoiYeuCau"] != an.Born || d.Fields["TinhTrangHonNhan"] != "Đã kết hôn" || d.Fields["HoTenTre"] != "Nguyễn Minh Khôi" {
		t.Fatalf("fields %v", d.Fields)
	}
	if len(d.Attachments) != 1 || d.Attachments[0].ID != req.Attachments[0].ID {
		t.Fatalf("attachments %+v", d.Attachments)
	}
	d2, _, err := c.Submit(context.Background(), "k2", e.birthRequest(c))
	if err != nil {
		t.Fatal(err)
	}
	if d2.ID == d.ID || d2.Code == d.Code || (d2.SubmittedAt.YearDay() == d.SubmittedAt.YearDay() && d2.Code[len(d2.Code)-4:] != "0002") {
		t.Fatalf("second dossier %s %s after %s", d2.ID, d2.Code, d.Code)
	}
}

func TestDossierCodesAreSequentialPerDay(t *testing.T) {
	e := newEnvDay(t, 24*time.Hour) // the world stays on 2 March
	c := e.as(an)
	for i, want := range []string{"0001", "0002", "0003"} {
		d, _, err := c.Submit(context.Background(), fmt.Sprint("k", i), e.birthRequest(c))
		if err != nil {
			t.Fatal(err)
		}
		if d.Code != "000.00.00.H01-260302-"+want {
			t.Fatalf("dossier %d has code %s", i+1, d.Code)
		}
	}
}

func TestSubmitValidation(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	pdf := e.upload(c, "giay_chung_sinh", "application/pdf", pdfBytes)
	png := e.upload(c, "giay_chung_sinh", "image/png", pngBytes) // PNG is not accepted for DV09
	portrait := e.upload(c, "anh_chan_dung", "image/jpeg", jpgBytes)
	othersUpload := e.upload(e.as(binh), "giay_chung_sinh", "application/pdf", pdfBytes)

	cases := []struct {
		name  string
		edit  func(*api.SubmitRequest)
		field string
		msgVI string // substring of the Vietnamese message
	}{
		{"missing required field", func(r *api.SubmitRequest) { delete(r.Fields, "HoTenTre") }, "HoTenTre", "bắt buộc"},
		{"blank required field", func(r *api.SubmitRequest) { r.Fields["SoDienThoai"] = "  " }, "SoDienThoai", "bắt buộc"},
		{"malformed id_number", func(r *api.SubmitRequest) { r.Fields["SoDinhDanhMe"] = "12345" }, "SoDinhDanhMe", "12 chữ số"},
		{"id_number with letters", func(r *api.SubmitRequest) { r.Fields["SoDinhDanhMe"] = "00109000000A" }, "SoDinhDanhMe", "12 chữ số"},
		{"impossible date", func(r *api.SubmitRequest) { r.Fields["NgaySinhTre"] = "2026-02-30" }, "NgaySinhTre", "ngày hợp lệ"},
		{"date in another format", func(r *api.SubmitRequest) { r.Fields["NgaySinhTre"] = "20/02/2026" }, "NgaySinhTre", "ngày hợp lệ"},
		{"select outside options", func(r *api.SubmitRequest) { r.Fields["GioiTinhTre"] = "Khác" }, "GioiTinhTre", "danh sách"},
		{"bad phone", func(r *api.SubmitRequest) { r.Fields["SoDienThoai"] = "12345" }, "SoDienThoai", "điện thoại"},
		{"bad email", func(r *api.SubmitRequest) { r.Fields["ThuDienTu"] = "an at example" }, "ThuDienTu", "thư điện tử"},
		{"not a number", func(r *api.SubmitRequest) { r.Fields["CanNang"] = "3,2kg" }, "CanNang", "số"},
		{"pattern", func(r *api.SubmitRequest) { r.Fields["MaBuuChinh"] = "10000" }, "MaBuuChinh", "định dạng"},
		{"too long", func(r *api.SubmitRequest) { r.Fields["HoTenTre"] = strings.Repeat("Ngọc ", 5) }, "HoTenTre", "20 ký tự"},
		{"unknown field", func(r *api.SubmitRequest) { r.Fields["SoThich"] = "cờ vua" }, "SoThich", "không thuộc biểu mẫu"},
		{"read-only differs from national data", func(r *api.SubmitRequest) { r.Fields["HoVaTenNguoiYeuCau"] = "Nguyễn Văn Ánh" }, "HoVaTenNguoiYeuCau", "Giá trị không khớp dữ liệu quốc gia"},
		{"prefilled date differs", func(r *api.SubmitRequest) { r.Fields["NgaySinhNguoiYeuCau"] = "1990-02-16" }, "NgaySinhNguoiYeuCau", "không khớp"},
		{"required attachment missing", func(r *api.SubmitRequest) { r.Attachments = nil }, "giay_chung_sinh", "bắt buộc"},
		{"attachment of another type", func(r *api.SubmitRequest) {
			r.Attachments = []api.AttachmentRef{{Type: "giay_chung_sinh", ID: portrait.ID}}
		}, "giay_chung_sinh", "loại giấy tờ khác"},
		{"content type not accepted by the service", func(r *api.SubmitRequest) {
			r.Attachments = []api.AttachmentRef{{Type: "giay_chung_sinh", ID: png.ID}}
		}, "giay_chung_sinh", "Định dạng"},
		{"attachment type not of the service", func(r *api.SubmitRequest) {
			r.Attachments = append(r.Attachments, api.AttachmentRef{Type: "anh_chan_dung", ID: portrait.ID})
		}, "anh_chan_dung", "không thuộc"},
		{"another citizen's attachment", func(r *api.SubmitRequest) {
			r.Attachments = []api.AttachmentRef{{Type: "giay_chung_sinh", ID: othersUpload.ID}}
		}, "giay_chung_sinh", "Không tìm thấy"},
		{"unknown service", func(r *api.SubmitRequest) { r.ServiceID = "DV99" }, "service_id", "Không tìm thấy"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := api.SubmitRequest{ServiceID: "DV09", Fields: map[string]string{
				"HoVaTenNguoiYeuCau": an.Name, "HoTenTre": "Nguyễn Minh Khôi", "NgaySinhTre": "2026-02-20",
				"GioiTinhTre": "Nam", "SoDienThoai": "0912345678",
			}, Attachments: []api.AttachmentRef{{Type: "giay_chung_sinh", ID: pdf.ID}}}
			tc.edit(&req)
			_, _, err := c.Submit(context.Background(), "case-"+string(rune('a'+i)), req)
			ae := apiErr(t, err, http.StatusUnprocessableEntity)
			if ae.Code != api.CodeValidationFailed {
				t.Fatalf("code %q", ae.Code)
			}
			fe := ae.Field(tc.field)
			if fe == nil {
				t.Fatalf("422 does not name %s: %v", tc.field, ae)
			}
			if fe.Message == "" || !strings.Contains(fe.MessageVI, tc.msgVI) {
				t.Fatalf("field error %+v, want message and message_vi containing %q", fe, tc.msgVI)
			}
			if len(ae.Fields) != 1 {
				t.Fatalf("one bad field reported as %d: %v", len(ae.Fields), ae)
			}
		})
	}
	ds, err := c.Dossiers(context.Background())
	if err != nil || len(ds) != 0 {
		t.Fatalf("refused submissions created %d dossiers (%v)", len(ds), err)
	}
}

func TestSubmitReportsEveryBadField(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	_, _, err := c.Submit(context.Background(), "k", api.SubmitRequest{ServiceID: "DV09", Fields: map[string]string{
		"HoVaTenNguoiYeuCau": "Ai đó", "NgaySinhTre": "hôm qua", "SoDinhDanhMe": "1",
	}})
	ae := apiErr(t, err, http.StatusUnprocessableEntity)
	for _, f := range []string{"HoVaTenNguoiYeuCau", "HoTenTre", "NgaySinhTre", "GioiTinhTre", "SoDinhDanhMe", "SoDienThoai", "giay_chung_sinh"} {
		if ae.Field(f) == nil {
			t.Errorf("%s not reported: %v", f, ae)
		}
	}
}

func TestSubmitPerServiceAttachmentSize(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	big := e.upload(c, "anh_chan_dung", "image/png", append(bytes.Clone(pngBytes), make([]byte, 3000)...)) // DV12 allows 2 KB
	_, _, err := c.Submit(context.Background(), "k", api.SubmitRequest{ServiceID: "DV12",
		Fields:      map[string]string{"NoiNhan": "Trực tiếp"},
		Attachments: []api.AttachmentRef{{Type: "anh_chan_dung", ID: big.ID}}})
	ae := apiErr(t, err, http.StatusUnprocessableEntity)
	if fe := ae.Field("anh_chan_dung"); fe == nil || !strings.Contains(fe.Message, "2 KB") {
		t.Fatalf("size error not reported for anh_chan_dung: %v", ae)
	}
}

func TestSubmitMalformedRequests(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	_, _, err := c.Submit(context.Background(), "", e.birthRequest(c))
	apiErr(t, err, http.StatusBadRequest)

	for _, body := range []string{"", "{", `{"service_id":"DV09","fields":{"HoTenTre":5}}`, `{"service":"DV09"}`, `{} {}`} {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/dossiers", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+c.Token)
		req.Header.Set(api.HeaderIdempotencyKey, "raw")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("body %q: status %d, want 400", body, resp.StatusCode)
		}
	}
}

func TestSubmitNationalDataDown(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	req := e.birthRequest(c)
	e.data.mu.Lock()
	e.data.fail = true
	e.data.mu.Unlock()
	_, _, err := c.Submit(context.Background(), "k", req)
	apiErr(t, err, http.StatusBadGateway)
	e.data.mu.Lock()
	e.data.fail = false
	e.data.mu.Unlock()
	// The key was not used up by the failed attempt.
	if _, replayed, err := c.Submit(context.Background(), "k", req); err != nil || replayed {
		t.Fatalf("retry after upstream failure: replayed=%v err=%v", replayed, err)
	}
}

func TestSubmitReadOnlyCheckedAgainstFreshNationalData(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	req := e.birthRequest(c)
	// National data changed after the form was read: the old value is refused.
	e.data.set("population", an.ID, "HoVaTen", "Nguyễn Văn An Bình")
	_, _, err := c.Submit(context.Background(), "k", req)
	ae := apiErr(t, err, http.StatusUnprocessableEntity)
	if fe := ae.Field("HoVaTenNguoiYeuCau"); fe == nil || fe.Message != "does not match national data" {
		t.Fatalf("got %v", ae)
	}
}

func TestIdempotency(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	ctx := context.Background()
	req := e.birthRequest(c)
	d1, _, err := c.Submit(ctx, "same-key", req)
	if err != nil {
		t.Fatal(err)
	}
	d2, replayed, err := c.Submit(ctx, "same-key", req)
	if err != nil {
		t.Fatal(err)
	}
	if !replayed || d2.ID != d1.ID || d2.Code != d1.Code {
		t.Fatalf("replay: replayed=%v id %s code %s, want %s %s", replayed, d2.ID, d2.Code, d1.ID, d1.Code)
	}
	changed := req
	changed.Fields = map[string]string{}
	for k, v := range req.Fields {
		changed.Fields[k] = v
	}
	changed.Fields["HoTenTre"] = "Nguyễn Minh Khang"
	_, _, err = c.Submit(ctx, "same-key", changed)
	if ae := apiErr(t, err, http.StatusConflict); ae.Code != api.CodeIdempotencyReused {
		t.Fatalf("got %v", ae)
	}
	// Keys belong to a citizen: Bình may use the same key.
	b := e.as(binh)
	breq := e.birthRequest(b)
	breq.Fields["HoVaTenNguoiYeuCau"] = binh.Name
	if d, replayed, err := b.Submit(ctx, "same-key", breq); err != nil || replayed || d.ID == d1.ID {
		t.Fatalf("another citizen's same key: %v replayed=%v", err, replayed)
	}
	ds, err := c.Dossiers(ctx)
	if err != nil || len(ds) != 1 {
		t.Fatalf("An has %d dossiers (%v), want 1", len(ds), err)
	}
}

func TestIdempotencyUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	req := e.birthRequest(c)
	const n = 10
	var wg sync.WaitGroup
	ids := make([]string, n)
	replays := make([]bool, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			d, r, err := c.Submit(context.Background(), "burst", req)
			if err == nil {
				ids[i], replays[i] = d.ID, r
			}
			errs[i] = err
		})
	}
	close(start)
	wg.Wait()
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Fatalf("request %d got dossier %s, request 0 got %s", i, ids[i], ids[0])
		}
		if !replays[i] {
			created++
		}
	}
	if created != 1 {
		t.Fatalf("%d requests created a dossier, want 1", created)
	}
	ds, err := c.Dossiers(context.Background())
	if err != nil || len(ds) != 1 {
		t.Fatalf("%d dossiers (%v), want 1", len(ds), err)
	}
}

func TestOtherCitizensDossiersAreNotFound(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.as(an)
	d, _, err := c.Submit(ctx, "k", e.birthRequest(c))
	if err != nil {
		t.Fatal(err)
	}
	b := e.as(binh)
	_, err = b.Dossier(ctx, d.ID)
	apiErr(t, err, http.StatusNotFound)
	_, err = b.Result(ctx, d.ID)
	apiErr(t, err, http.StatusNotFound)
	_, err = b.StartPayment(ctx, d.ID)
	apiErr(t, err, http.StatusNotFound)
	ds, err := b.Dossiers(ctx)
	if err != nil || len(ds) != 0 {
		t.Fatalf("Bình sees %d dossiers (%v)", len(ds), err)
	}
	if got, err := c.Dossier(ctx, d.ID); err != nil || got.ID != d.ID {
		t.Fatalf("owner cannot read own dossier: %v", err)
	}
}
