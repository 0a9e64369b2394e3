package payment

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/vocab"
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
	bodies    [][]byte // accepted bodies as sent
	published bool     // bodies in the published dialect: not decoded into accepted
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	rc := &receiver{failFirst: failFirst}
	rc.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		var cb payment.Callback
		if !rc.published {
			if err := json.Unmarshal(body, &cb); err != nil {
				t.Errorf("callback body: %v", err)
			}
		}
		rc.hits++
		if rc.hits <= rc.failFirst {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		rc.accepted = append(rc.accepted, cb)
		rc.bodies = append(rc.bodies, body)
		w.Write([]byte(`{"MaLoi":"00"}`))
	}))
	t.Cleanup(rc.ts.Close)
	return rc
}

// raw is the accepted callback bodies, as sent.
func (rc *receiver) raw() [][]byte {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([][]byte(nil), rc.bodies...)
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
	rc := newReceiver(t, failFirst)
	opts := Options{
		BaseURL: base,
		// The registered URLs serve the published dialect; dvcqa's INITs name theirs.
		Partners: []Partner{{Code: partnerCode, Secret: partnerSecret, Name: "Cổng dịch vụ công Hà Nội",
			CallbackURL: rc.ts.URL + "/api/v1/payment/callback", ReturnURL: "http://portal.test/payment/return?lang=vi"}},
		Now: func() time.Time { return time.Date(2026, 3, 2, 3, 30, 0, 0, time.UTC) },
	}
	if tweak != nil {
		tweak(&opts)
	}
	rc.published = opts.Dialect == vocab.DialectPaymentPublished
	srv, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts.Config.Handler = http.StripPrefix("/payment", srv)
	ts.Start()
	t.Cleanup(ts.Close)
	browser := *ts.Client()
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &platform{srv: srv, ts: ts, base: base, rc: rc, browser: &browser,
		client: &payment.Client{BaseURL: base, PartnerCode: partnerCode, Secret: partnerSecret, HTTP: ts.Client(), Dialect: opts.Dialect}}
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
