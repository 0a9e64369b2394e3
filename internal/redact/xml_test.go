package redact

import (
	"strings"
	"testing"
)

// TestMaskXMLInJSON: the SOAP XML of an ndxp answer, inside a JSON string,
// shows no name part, address, ID or date; the markup stays.
func TestMaskXMLInJSON(t *testing.T) {
	body := `{"message":"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>` +
		`<CongdanCollection><CongDan><SoDinhDanh>001085012345</SoDinhDanh><HoVaTen><Ho>Trần</Ho><ChuDem>Anh</ChuDem><Ten>Đạt</Ten></HoVaTen>` +
		`<GioiTinh>Nam</GioiTinh><NgayThangNamSinh>19850314</NgayThangNamSinh><ThuongTru><MaTinhThanh>01</MaTinhThanh><MaQuanHuyen></MaQuanHuyen>` +
		`<ChiTiet>Số 2, thôn Tây, Xã Vĩnh Thành, Hà Nội</ChiTiet></ThuongTru><Me><HoVaTen><Ho>Lê</Ho><ChuDem/><Ten>Na</Ten></HoVaTen></Me>` +
		`</CongDan></CongdanCollection></soap:Body></soap:Envelope>"}`
	out := NewMasker().Body("application/json", []byte(body))
	for _, leak := range []string{"Trần", ">Anh<", "Đạt", "Lê", ">Na<", "thôn Tây", "19850314", "001085012345"} {
		if strings.Contains(out, leak) {
			t.Errorf("%q shows: %s", leak, out)
		}
	}
	for _, keep := range []string{"<GioiTinh>Nam</GioiTinh>", "<soap:Body>", "<HoVaTen><Ho>", "</CongdanCollection>"} {
		if !strings.Contains(out, keep) {
			t.Errorf("%q lost: %s", keep, out)
		}
	}
	if got := NewMasker().Text("a < b and c > d"); got != "a < b and c > d" {
		t.Errorf("plain text changed: %q", got)
	}
}
