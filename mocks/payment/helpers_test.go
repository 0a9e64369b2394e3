package payment

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/fixtures"
)

const partnerCode = "PORTAL-01"

var partnerSecret = fixtures.MockSecret(7, "payment:"+partnerCode)

// receiver is the partner's callback endpoint; it answers failFirst 500s
// before accepting.
type receiver struct {
	ts        *httptest.Server
	mu        sync.Mutex
	failFirst int
	hits      int
	accepted  []payment.Callback
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	rc := &receiver{failFirst: failFirst}
	rc.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var cb payment.Callback
		if err := json.NewDecoder(r.Body).Decode(&cb); err != nil {
			t.Errorf("callback body: %v", err)
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.hits++
		if rc.hits <= rc.failFirst {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		rc.accepted = append(rc.accepted, cb)
		w.Write([]byte(`{"MaLoi":"00"}`))
	}))
	t.Cleanup(rc.ts.Close)
	return rc
}

func (rc *receiver) seen() (hits int, accepted []payment.Callback) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.hits, append([]payment.Callback(nil), rc.accepted...)
}

type platform struct {
	srv     *Server
	ts      *httptest.Server
	base    string // where the world mounts the platform
	client  *payment.Client
	browser *http.Client // the citizen's: sees redirects instead of following them
	rc      *receiver
}

// newPlatform starts the mock under /payment on a port it learns before
// New, as the world starter does, plus a callback receiver.
func newPlatform(t *testing.T, failFirst int) *platform {
	t.Helper()
	return newPlatformWith(t, failFirst, nil)
}

// newPlatformWith is newPlatform with the options adjusted by tweak first.
func newPlatformWith(t *testing.T, failFirst int, tweak func(*Options)) *platform {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String() + "/payment"
	opts := Options{
		BaseURL:  base,
		Partners: []Partner{{Code: partnerCode, Secret: partnerSecret, Name: "Cổng dịch vụ công Hà Nội"}},
		Now:      func() time.Time { return time.Date(2026, 3, 2, 3, 30, 0, 0, time.UTC) },
	}
	if tweak != nil {
		tweak(&opts)
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts.Config.Handler = http.StripPrefix("/payment", srv)
	ts.Start()
	t.Cleanup(ts.Close)
	browser := *ts.Client()
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &platform{srv: srv, ts: ts, base: base, rc: newReceiver(t, failFirst), browser: &browser,
		client: &payment.Client{BaseURL: base, PartnerCode: partnerCode, Secret: partnerSecret, HTTP: ts.Client()}}
}

func (p *platform) initRequest(ref string, amount int64) payment.InitRequest {
	return payment.InitRequest{MaThamChieu: ref, SoTien: amount,
		ThongTinBienLai: payment.Receipt{MaHoSo: "000.00.00.H01-260302-0001", MaTTHC: "1.001193", MaDonVi: "000.00.00.H01",
			HoTenNguoiNop: "Nguyễn Văn An", ChiTiet: []payment.ReceiptLine{{NoiDung: "Lệ phí đăng ký", SoTien: amount}}},
		UrlCallback: p.rc.ts.URL + "/api/v1/payment/callback", UrlTraVe: "http://portal.test/payment/return?lang=vi"}
}

func (p *platform) open(t *testing.T, ref string, amount int64) *payment.InitResponse {
	t.Helper()
	resp, err := p.client.Init(context.Background(), p.initRequest(ref, amount))
	if err != nil {
		t.Fatalf("Init %s: %v", ref, err)
	}
	return resp
}

// transaction returns the platform's record of a reference.
func (p *platform) transaction(t *testing.T, ref string) Transaction {
	t.Helper()
	for _, tx := range p.srv.Transactions() {
		if tx.Request.MaThamChieu == ref {
			return tx
		}
	}
	t.Fatalf("no transaction for %s", ref)
	return Transaction{}
}
