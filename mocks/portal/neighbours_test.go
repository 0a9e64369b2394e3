package portal

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

func TestGatewayDataNotFoundIsEmpty(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "http://gw.test/gateway/oauth/token",
		httpmock.NewStringResponder(200, `{"access_token":"t","token_type":"Bearer","expires_in":3600,"scope":"population civil_status"}`))
	mt.RegisterResponder(http.MethodGet, "http://gw.test/gateway/api/v1/population/records",
		httpmock.NewStringResponder(200, `{"database":"population","records":[{"SoDinhDanh":"001090000001","HoVaTen":"Nguyễn Văn An"}]}`))
	mt.RegisterResponder(http.MethodGet, "http://gw.test/gateway/api/v1/civil_status/records",
		httpmock.NewStringResponder(404, `{"error":{"code":"not_found","message":"no record","message_vi":"Không có dữ liệu"}}`))
	mt.RegisterResponder(http.MethodGet, "http://gw.test/gateway/api/v1/land/records",
		httpmock.NewStringResponder(502, `{"error":{"code":"upstream_unavailable","message":"down","message_vi":"x"}}`))
	data := NewGatewayData("http://gw.test/gateway", "province-01", "s", &http.Client{Transport: mt})
	ctx := context.Background()
	recs, err := data.Lookup(ctx, "population", "SoDinhDanh", "001090000001", "prefill DV09")
	if err != nil || len(recs) != 1 || recs[0]["HoVaTen"] != "Nguyễn Văn An" {
		t.Fatalf("population: %v %v", recs, err)
	}
	if recs, err := data.Lookup(ctx, "civil_status", "SoDinhDanh", "001090000001", "prefill DV09"); err != nil || len(recs) != 0 {
		t.Fatalf("not found: %v %v, want no records and no error", recs, err)
	}
	if _, err := data.Lookup(ctx, "land", "SoDinhDanh", "001090000001", "prefill DV19"); err == nil {
		t.Fatal("an unavailable database is not an error")
	}
}

func TestDVCQGPortalFormatsHoSo(t *testing.T) {
	at := time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC) // 08:30 in Vietnam
	h := hoSoOf(NationalDossier{
		MaHoSo: "000.00.00.H01-260302-0001", TrangThaiHoSo: 10, NgayTiepNhan: at,
		DinhDanhCHS:   []NationalID{{"1", "001090000001"}},
		DanhSachLePhi: []NationalFee{{"Cấp hộ chiếu phổ thông", 200000}},
	})
	if h.TrangThaiHoSo != "10" || h.NgayTiepNhan != "20260302083000" || h.NgayHenTra != "" || h.NgayTra != "" ||
		h.DinhDanhCHS[0] != (NationalID{LoaiDinhDanh: "1", SoDinhDanh: "001090000001"}) || h.DanhSachLePhi[0].Gia != 200000 ||
		h.TaiLieuNop == nil || h.DanhSachGiayToKetQua == nil {
		t.Fatalf("HoSo %+v", h)
	}

	var sent []map[string]any
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "http://dvcqg.test/api/session", httpmock.NewStringResponder(200, `{"error_code":0,"session":"s1","message":"Thành công"}`))
	mt.RegisterResponder(http.MethodPost, "http://dvcqg.test/api/service", func(r *http.Request) (*http.Response, error) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return nil, err
		}
		sent = append(sent, body)
		return httpmock.NewStringResponse(200, `{"error_code":0,"message":"Thành công"}`), nil
	})
	p := NewDVCQGPortal("http://dvcqg.test", "portal-01", "p", "DST01", "000.00.00.H01", &http.Client{Transport: mt})
	ctx := context.Background()
	if err := p.Sync(ctx, NationalDossier{MaHoSo: "000.00.00.H01-260302-0001", TrangThaiHoSo: 1, NgayTiepNhan: at}, false); err != nil {
		t.Fatal(err)
	}
	if err := p.Progress(ctx, ProgressEntry{MaHoSo: "000.00.00.H01-260302-0001", TrangThai: 2, ThoiDiemXuLy: at, NgayBatDau: at, NgayKetThucTheoQuyDinh: at}); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 2 || sent[0]["service"] != "DongBoHoSoMC" || sent[0]["isUpdating"] != "False" || sent[1]["service"] != "CapNhatTienDoHoSoMC" {
		t.Fatalf("sent %v", sent)
	}
	entry := sent[1]["data"].([]any)[0].(map[string]any)
	if entry["TrangThai"] != "2" || entry["ThoiDiemXuLy"] != "20260302083000" {
		t.Fatalf("progress entry %v", entry)
	}
}

// The signatures below were computed outside Go, with
// printf '%s' 'INIT|PORTAL-01|R1|200000|VND|http://p/cb|http://p/ret|sec' | sha256sum
// and the same for the callback fields, from docs/contracts.md's field lists.
const (
	initSigExample     = "e5a505c92c8cf894e58bcd23f972e041b32ac5a55d5995207e63670f9db19de5"
	callbackSigExample = "e1caedf5feb9f8de8f4fb035f00173b9f9055238262b0b7b02643caab34c49d3"
)

func TestPaymentPlatformClient(t *testing.T) {
	var got map[string]any
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, "http://pay.test/payment/api/v1/thanhtoan", func(r *http.Request) (*http.Response, error) {
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			return nil, err
		}
		return httpmock.NewStringResponse(200, `{"MaLoi":"00","MoTaLoi":"Thành công","MaGiaoDich":"GD1","UrlThanhToan":"http://pay.test/payment/pay/GD1"}`), nil
	})
	p := PaymentPlatform{BaseURL: "http://pay.test/payment", PartnerCode: "PORTAL-01", Secret: "sec", HTTP: &http.Client{Transport: mt}}
	payURL, txn, err := p.Init(context.Background(), PaymentRequest{Reference: "R1", Amount: 200000, DossierCode: "R1", AgencyID: "000.00.00.H01",
		PayerName: "Nguyễn Văn An", Lines: []PaymentLine{{"Cấp hộ chiếu phổ thông", 200000}}, CallbackURL: "http://p/cb", ReturnURL: "http://p/ret"})
	if err != nil || payURL != "http://pay.test/payment/pay/GD1" || txn != "GD1" {
		t.Fatalf("Init = %q %q %v", payURL, txn, err)
	}
	lines := got["ThongTinBienLai"].(map[string]any)["ChiTiet"].([]any)
	if got["MaThamChieu"] != "R1" || got["SoTien"] != float64(200000) || got["UrlCallback"] != "http://p/cb" ||
		lines[0].(map[string]any)["SoTien"] != float64(200000) || got["MaXacThuc"] != initSigExample {
		t.Fatalf("INIT sent %+v", got)
	}

	cb := map[string]any{"MaDoiTac": "PORTAL-01", "MaThamChieu": "R1", "MaGiaoDich": "GD1", "SoTien": 200000, "TrangThaiGD": "1",
		"ThoiGianGD": "20260302083000", "MaXacThuc": callbackSigExample}
	body, _ := json.Marshal(cb)
	pc, ok, err := p.VerifyCallback(body)
	if err != nil || !ok || pc != (PaymentCallback{Reference: "R1", TransactionID: "GD1", Amount: 200000, Status: PaymentSucceeded}) {
		t.Fatalf("genuine callback: %+v %v %v", pc, ok, err)
	}
	for name, change := range map[string]func(map[string]any){
		"altered amount":    func(m map[string]any) { m["SoTien"] = 2000 },
		"another partner":   func(m map[string]any) { m["MaDoiTac"] = "PORTAL-79" },
		"upper-case digest": func(m map[string]any) { m["MaXacThuc"] = strings.ToUpper(callbackSigExample) },
	} {
		forged := maps.Clone(cb)
		change(forged)
		body, _ = json.Marshal(forged)
		if _, ok, _ := p.VerifyCallback(body); ok {
			t.Errorf("%s: callback verified", name)
		}
	}
	if _, _, err := p.VerifyCallback([]byte("{")); err == nil {
		t.Fatal("malformed callback is not an error")
	}
}
