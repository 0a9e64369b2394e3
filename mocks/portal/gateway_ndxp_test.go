package portal

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
)

// ndxpMessage is a one-citizen SOAP answer of the ndxp dialect.
const ndxpMessage = `<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><CongdanCollection><CongDan>` +
	`<SoDinhDanh>001090000001</SoDinhDanh><HoVaTen><Ho>Nguyễn</Ho><ChuDem>Văn</ChuDem><Ten>An</Ten></HoVaTen>` +
	`<NgayThangNamSinh>19900115</NgayThangNamSinh><ThuongTru><MaTinhThanh>01</MaTinhThanh><MaQuanHuyen></MaQuanHuyen>` +
	`<MaPhuongXa></MaPhuongXa><ChiTiet>Số 2, thôn Tây, Xã Vĩnh Thành, Hà Nội</ChiTiet></ThuongTru>` +
	`<VoChong><HoVaTen><Ho>Lê</Ho><ChuDem></ChuDem><Ten>Na</Ten></HoVaTen><SoDinhDanh>001190000002</SoDinhDanh></VoChong>` +
	`</CongDan></CongdanCollection></soap:Body></soap:Envelope>`

func TestGatewayDataNDXP(t *testing.T) {
	var queries []map[string]string
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "http://gw.test/gateway/oauth/token",
		httpmock.NewStringResponder(200, `{"access_token":"t","token_type":"Bearer","expires_in":3600}`))
	mt.RegisterResponder(http.MethodPost, "http://gw.test/gateway/api/v1/population/query", func(r *http.Request) (*http.Response, error) {
		var q map[string]string
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			return nil, err
		}
		queries = append(queries, q)
		if q["HoVaTen"] != "Nguyễn Văn An" || q["NgayThangNamSinh"] != "19900115" {
			return httpmock.NewStringResponse(404, `{"error":{"code":"not_found","message":"no record"}}`), nil
		}
		return httpmock.NewJsonResponse(200, map[string]string{"message": ndxpMessage})
	})
	mt.RegisterResponder(http.MethodGet, "http://gw.test/gateway/api/v1/tax/records",
		httpmock.NewStringResponder(200, `{"records":[{"SoDinhDanh":"001090000001","MaSoThue":"8000000001"}]}`))
	data := NewGatewayData("http://gw.test/gateway", "province-01", "s", &http.Client{Transport: mt}).WithDialect("ndxp")
	an := citizen{ID: "001090000001", Name: "Nguyễn Văn An", DOB: "1990-01-15"}

	recs, err := data.Lookup(withApplicant(context.Background(), an), "population", "SoDinhDanh", an.ID, "prefill DV01")
	if err != nil || len(recs) != 1 {
		t.Fatalf("lookup: %v %v", recs, err)
	}
	r := recs[0]
	if r["HoVaTen"] != "Nguyễn Văn An" || r["NgayThangNamSinh"] != "1990-01-15" || r["ThuongTru"] != "Số 2, thôn Tây, Xã Vĩnh Thành, Hà Nội" ||
		r["MaTinhThuongTru"] != "01" || r["HoTenVoChong"] != "Lê Na" || r["SoDinhDanhVoChong"] != "001190000002" || r["HoTenCha"] != "" {
		t.Errorf("record %v", r)
	}
	if q := queries[0]; q["SoDinhDanh"] != an.ID || q["MaDVC"] != "DV01" || q["MaDonVi"] != "province-01" || q["MaYeuCau"] == "" {
		t.Errorf("query %v", q)
	}
	// Remembered: a later lookup of the same person from another context.
	if recs, err := data.Lookup(context.Background(), "population", "SoDinhDanh", an.ID, "prefill DV02"); err != nil || len(recs) != 1 {
		t.Errorf("remembered applicant: %v %v", recs, err)
	}
	// Nobody the portal knows, and no applicant: a clear error, no query.
	n := len(queries)
	_, err = data.Lookup(context.Background(), "population", "SoDinhDanh", "001190000002", "prefill DV01")
	if err == nil || !strings.Contains(err.Error(), "name and date of birth") || strings.Contains(err.Error(), "001190000002") || len(queries) != n {
		t.Errorf("unknown person: %v (%d queries)", err, len(queries)-n)
	}
	// Another person's ID while an applicant asks (prefill-wrong-citizen):
	// sent with the applicant's name and date of birth.
	if _, err := data.Lookup(withApplicant(context.Background(), an), "population", "SoDinhDanh", "001190000002", "prefill DV01"); err != nil ||
		len(queries) != n+1 || queries[n]["SoDinhDanh"] != "001190000002" || queries[n]["HoVaTen"] != an.Name {
		t.Errorf("another ID: %v %v", err, queries[n:])
	}
	// Other databases keep the REST lookup.
	if recs, err := data.Lookup(context.Background(), "tax", "SoDinhDanh", an.ID, "prefill DV03"); err != nil || len(recs) != 1 {
		t.Errorf("tax: %v %v", recs, err)
	}
	// A wrong date of birth in the token: the gateway's not found is no record.
	other := citizen{ID: "001090000003", Name: "Nguyễn Văn An", DOB: "1990-01-16"}
	if recs, err := data.Lookup(withApplicant(context.Background(), other), "population", "SoDinhDanh", other.ID, "prefill DV01"); err != nil || len(recs) != 0 {
		t.Errorf("not found: %v %v", recs, err)
	}
}
