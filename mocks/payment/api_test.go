package payment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/api/payment"
)

// wantAPIError asserts err is a protocol error with this status and MaLoi.
func wantAPIError(t *testing.T, what string, err error, status int, code string) {
	t.Helper()
	var e *payment.Error
	if !errors.As(err, &e) || e.Status != status || e.MaLoi != code {
		t.Errorf("%s: %v, want HTTP %d MaLoi %s", what, err, status, code)
	}
}

func TestInit(t *testing.T) {
	p := newPlatform(t, 0)
	resp := p.open(t, "REF-1", 150000)
	if resp.MaLoi != payment.CodeOK || resp.MaGiaoDich == "" || resp.UrlThanhToan != p.base+"/pay/"+resp.MaGiaoDich {
		t.Fatalf("INIT = %+v", resp)
	}
	if tx := p.transaction(t, "REF-1"); tx.TrangThaiGD != payment.StatusPending || tx.MaGiaoDich != resp.MaGiaoDich {
		t.Errorf("stored = %+v", tx)
	}
}

func TestInitRejections(t *testing.T) {
	p := newPlatform(t, 0)
	ctx := context.Background()

	wrong := *p.client
	wrong.Secret = "not-the-secret"
	_, err := wrong.Init(ctx, p.initRequest("REF-1", 150000))
	wantAPIError(t, "bad signature", err, http.StatusBadRequest, payment.CodeBadSignature)
	if err != nil && !strings.Contains(err.Error(), "Sai mã xác thực") {
		t.Errorf("bad signature message: %v", err)
	}

	stranger := *p.client
	stranger.PartnerCode = "PORTAL-99"
	_, err = stranger.Init(ctx, p.initRequest("REF-1", 150000))
	wantAPIError(t, "unknown partner", err, http.StatusUnauthorized, payment.CodeUnknownPartner)

	for name, mutate := range map[string]func(*payment.InitRequest){
		"zero amount":       func(r *payment.InitRequest) { r.SoTien, r.ThongTinBienLai.ChiTiet = 0, nil },
		"negative amount":   func(r *payment.InitRequest) { r.SoTien, r.ThongTinBienLai.ChiTiet = -5, nil },
		"lines off the sum": func(r *payment.InitRequest) { r.SoTien = 200000 },
		"currency":          func(r *payment.InitRequest) { r.MaTienTe = "USD" },
		"no reference":      func(r *payment.InitRequest) { r.MaThamChieu = "" },
		"relative callback": func(r *payment.InitRequest) { r.UrlCallback = "/callback" },
	} {
		req := p.initRequest("REF-2", 150000)
		mutate(&req)
		_, err := p.client.Init(ctx, req)
		wantAPIError(t, name, err, http.StatusBadRequest, payment.CodeMalformed)
	}
	if n := len(p.srv.Transactions()); n != 0 {
		t.Errorf("%d transactions stored from rejected INITs", n)
	}

	for name, body := range map[string]string{"not JSON": "LoaiBanTin=INIT", "unknown message": `{"LoaiBanTin":"REFUND"}`, "wrong type": `{"LoaiBanTin":"INIT","SoTien":"150000"}`} {
		resp, err := http.Post(p.base+"/api/v1/thanhtoan", "application/json", bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]string
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || out["MaLoi"] != payment.CodeMalformed {
			t.Errorf("%s: HTTP %d %v, want 400 MaLoi 01", name, resp.StatusCode, out)
		}
	}
}

func TestInitIsIdempotentPerReference(t *testing.T) {
	p := newPlatform(t, 0)
	first := p.open(t, "REF-1", 150000)
	again := p.open(t, "REF-1", 150000)
	if *again != *first {
		t.Errorf("second INIT = %+v, want %+v", again, first)
	}
	_, err := p.client.Init(context.Background(), p.initRequest("REF-1", 200000))
	wantAPIError(t, "same reference, other amount", err, http.StatusConflict, payment.CodeConflict)
	if n := len(p.srv.Transactions()); n != 1 {
		t.Errorf("transactions = %d, want 1", n)
	}
}

func TestQueryAndBill(t *testing.T) {
	p := newPlatform(t, 0)
	ctx := context.Background()
	_, err := p.client.Query(ctx, "REF-404")
	wantAPIError(t, "unknown reference", err, http.StatusNotFound, payment.CodeNotFound)

	opened := p.open(t, "REF-1", 150000)
	q, err := p.client.Query(ctx, "REF-1")
	if err != nil || q.TrangThaiGD != payment.StatusPending || q.MaGiaoDich != opened.MaGiaoDich || q.SoTien != 150000 || q.MaThamChieu != "REF-1" {
		t.Fatalf("Query = %+v, %v", q, err)
	}
	bill, err := p.client.Bill(ctx, "REF-1")
	if err != nil || bill.ThongTinBienLai.HoTenNguoiNop != "Nguyễn Văn An" || len(bill.ThongTinBienLai.ChiTiet) != 1 || bill.TrangThaiGD != payment.StatusPending {
		t.Fatalf("Bill = %+v, %v", bill, err)
	}

	forged := payment.QueryRequest{LoaiBanTin: payment.MsgQuery, MaDoiTac: partnerCode, MaThamChieu: "REF-1", MaXacThuc: strings.Repeat("0", 64)}
	b, _ := json.Marshal(forged)
	resp, err := http.Post(p.base+"/api/v1/thanhtoan", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("forged QUERY: HTTP %d, want 400", resp.StatusCode)
	}
}

func TestHealth(t *testing.T) {
	p := newPlatform(t, 0)
	resp, err := http.Get(p.base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&h)
	if resp.StatusCode != 200 || h["status"] != "ok" || h["system"] != "payment" || h["version"] != "mock-1" {
		t.Errorf("healthz: %d %v", resp.StatusCode, h)
	}
	if _, err := New(Options{BaseURL: "/payment"}); err == nil {
		t.Error("New accepted a relative BaseURL")
	}
}
