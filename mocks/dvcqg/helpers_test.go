package dvcqg

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/vocab"
)

const (
	seed     = 7
	agency01 = "000.00.00.H01"
	agency79 = "000.00.00.H79"
	auditor  = "dvcqa-auditor"
)

// fakeClock lets tests expire sessions without waiting.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

type world struct {
	srv     *Server
	ts      *httptest.Server
	base    string // where the world mounts the portal
	clock   *fakeClock
	logins  atomic.Int32 // logins seen (POST /api/session or the dialect's login URL)
	dialect string       // Options.Dialect
}

func password(user string) string { return fixtures.MockSecret(seed, "dvcqg:"+user) }

// newWorld starts the mock under /dvcqg, as the world does, with two provinces' accounts and the auditor.
func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldWith(t, nil)
}

// newWorldWith is newWorld with seeded defects read from set.
func newWorldWith(t *testing.T, set Defects) *world {
	t.Helper()
	return newWorldTweaked(t, func(o *Options) { o.Defects = set })
}

// newWorldTweaked is newWorld with the options adjusted by tweak first.
func newWorldTweaked(t *testing.T, tweak func(*Options)) *world {
	t.Helper()
	w := &world{clock: &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, vocab.Vietnam)}}
	opts := Options{
		Accounts: []Account{
			{Username: "portal-01", Password: password("portal-01"), DstCode: "DST01", AgencyID: agency01},
			{Username: "portal-79", Password: password("portal-79"), DstCode: "DST79", AgencyID: agency79},
			{Username: auditor, Password: password(auditor), DstCode: "DVCQA", Auditor: true},
		},
		Procedures: []ThuTuc{{MaTTHC: "1.001193", TenTTHC: "Đăng ký khai sinh", MaLinhVuc: "HT", TenLinhVuc: "Hộ tịch"}},
		Now:        w.clock.Now,
	}
	tweak(&opts)
	w.dialect = opts.Dialect
	srv, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	w.srv = srv
	w.ts = httptest.NewServer(http.StripPrefix("/dvcqg", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/session" || r.URL.Path == opencpsAuth || r.URL.Path == restBase+"Login" {
			w.logins.Add(1)
		}
		srv.ServeHTTP(rw, r)
	})))
	w.base = w.ts.URL + "/dvcqg"
	t.Cleanup(w.ts.Close)
	return w
}

// client is the api client logged in as user (lazily).
func (w *world) client(user string) *dvcqg.Client {
	c := &dvcqg.Client{BaseURL: w.base, Username: user, Password: password(user), HTTP: w.ts.Client(), Dialect: w.dialect}
	switch user {
	case "portal-01":
		c.DstCode, c.AgencyID = "DST01", agency01
	case "portal-79":
		c.DstCode, c.AgencyID = "DST79", agency79
	case auditor:
		c.DstCode = "DVCQA"
	}
	return c
}

// post sends a raw JSON body and decodes the reply envelope.
func (w *world) post(t *testing.T, path string, header map[string]string, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, w.base+path, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := w.ts.Client().Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("POST %s: decode reply: %v", path, err)
	}
	return resp.StatusCode, out
}

// dossier is a valid dossier of agency01 (or the agency in code).
func dossier(code string) dvcqg.HoSo {
	return dvcqg.HoSo{
		MaHoSo: code, MaTTHC: "1.001193", TenTTHC: "Đăng ký khai sinh", MaLinhVuc: "HT",
		SoBienNhan: "BN-0001", ChuHoSo: "Nguyễn Văn An", LoaiDoiTuong: "1", MaDoiTuong: "079200001234",
		TrichYeuHoSo: "Đăng ký khai sinh cho con", NgayTiepNhan: "20260302090000", NgayHenTra: "20260305170000",
		TrangThaiHoSo: "1", DonViXuLy: "UBND phường Bến Nghé", KenhThucHien: "2",
		DinhDanhCHS:                 []dvcqg.DinhDanh{{LoaiDinhDanh: "1", SoDinhDanh: "079200001234"}},
		DanhSachLePhi:               []dvcqg.LePhi{{TenPhiLePhi: "Lệ phí", Gia: 8000}},
		TaiKhoanDuocXacThucVoiVNeID: "1", DuocThanhToanTrucTuyen: "1",
	}
}

// portalError asserts err is a portal answer with code and a message
// containing every part.
func portalError(t *testing.T, err error, code dvcqg.Code, parts ...string) {
	t.Helper()
	var e *dvcqg.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *dvcqg.Error", err, err)
	}
	if e.Code != code {
		t.Errorf("error_code = %d, want %d (%s)", e.Code, code, e.Message)
	}
	for _, p := range parts {
		if !strings.Contains(e.Message, p) {
			t.Errorf("message %q does not mention %q", e.Message, p)
		}
	}
}
