package portal

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"

	api "github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/clock"
	"github.com/dvcqa/dvcqa/vocab"
)

const (
	issuer    = "http://sso.test/sso"
	audience  = "dvcqa-portal"
	paySecret = "pay-secret"
	worldDay  = 2 * time.Millisecond // real duration of one world day in tests
)

// worldStart is a Monday morning.
var worldStart = time.Date(2026, 3, 2, 8, 0, 0, 0, vocab.Vietnam)

var (
	ssoKey   = mustRSA()
	otherKey = mustRSA()
)

func mustRSA() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

// Citizens of the tests; national data knows An and Binh.
var (
	an   = person{ID: "001090000001", Name: "Nguyễn Văn An", Born: "1990-02-15"}
	binh = person{ID: "079085000002", Name: "Trần Thị Bình", Born: "1985-07-01"}
)

type person struct{ ID, Name, Born string }

// testCatalog has a free service, a paid one and an inter-linked one.
func testCatalog() *fixtures.Catalog {
	pdfJPEG := []string{"application/pdf", "image/jpeg"}
	return &fixtures.Catalog{
		Agencies: []fixtures.Agency{{ID: "btp", NameVI: "Bộ Tư pháp", NameEN: "Ministry of Justice"}, {ID: "bca", NameVI: "Bộ Công an", NameEN: "Ministry of Public Security"}},
		Services: []fixtures.Service{
			{
				ID: "DV09", ProcedureCode: "1.001193.000.00.00.H01", NameVI: "Đăng ký khai sinh", NameEN: "Birth registration",
				Agency: "btp", FieldCode: "HT", Databases: []string{"population", "civil_status"},
				Form: []fixtures.Field{
					{Name: "SoDinhDanh", LabelVI: "Số định danh cá nhân", LabelEN: "Personal ID number", Type: "id_number", Required: true, PrefillFrom: "population.SoDinhDanh"},
					{Name: "HoVaTenNguoiYeuCau", LabelVI: "Họ và tên người yêu cầu", LabelEN: "Applicant's full name", Type: "text", Required: true, PrefillFrom: "population.HoVaTen"},
					{Name: "NgaySinhNguoiYeuCau", LabelVI: "Ngày sinh người yêu cầu", LabelEN: "Applicant's date of birth", Type: "date", PrefillFrom: "population.NgayThangNamSinh"},
					{Name: "TinhTrangHonNhan", LabelVI: "Tình trạng hôn nhân", LabelEN: "Marital status", Type: "text", PrefillFrom: "civil_status.TinhTrangHonNhan"},
					{Name: "HoTenTre", LabelVI: "Họ tên trẻ", LabelEN: "Child's name", Type: "text", Required: true, MaxLen: 20},
					{Name: "NgaySinhTre", LabelVI: "Ngày sinh của trẻ", LabelEN: "Child's date of birth", Type: "date", Required: true},
					{Name: "GioiTinhTre", LabelVI: "Giới tính", LabelEN: "Sex", Type: "select", Required: true, Options: []string{"Nam", "Nữ"}},
					{Name: "SoDinhDanhMe", LabelVI: "Số định danh của mẹ", LabelEN: "Mother's ID", Type: "id_number"},
					{Name: "SoDienThoai", LabelVI: "Số điện thoại", LabelEN: "Phone", Type: "phone", Required: true},
					{Name: "ThuDienTu", LabelVI: "Thư điện tử", LabelEN: "Email", Type: "email"},
					{Name: "CanNang", LabelVI: "Cân nặng (gam)", LabelEN: "Weight (g)", Type: "number"},
					{Name: "MaBuuChinh", LabelVI: "Mã bưu chính", LabelEN: "Postcode", Type: "text", Pattern: "[0-9]{6}"},
				},
				Attachments: []fixtures.Attachment{
					{Type: "giay_chung_sinh", NameVI: "Giấy chứng sinh", NameEN: "Birth certificate from the hospital", Required: true, MimeTypes: pdfJPEG, MaxSizeKB: 5000},
					{Type: "giay_uy_quyen", NameVI: "Văn bản ủy quyền", NameEN: "Authorisation", MimeTypes: pdfJPEG, MaxSizeKB: 5000},
				},
				ProcessingDays: 3,
				Workflow:       []string{"submitted", "accepted", "processing", "finished", "delivered"},
				Result:         fixtures.ResultDoc{Type: "giay_khai_sinh", NameVI: "Giấy khai sinh", NameEN: "Birth certificate"},
			},
			{
				ID: "DV12", ProcedureCode: "", NameVI: "Cấp hộ chiếu phổ thông", NameEN: "Ordinary passport",
				Agency: "bca", FieldCode: "XNC",
				Form: []fixtures.Field{
					{Name: "HoVaTen", LabelVI: "Họ và tên", LabelEN: "Full name", Type: "text", Required: true, PrefillFrom: "population.HoVaTen"},
					{Name: "NoiNhan", LabelVI: "Nơi nhận", LabelEN: "Delivery", Type: "select", Required: true, Options: []string{"Trực tiếp", "Bưu chính"}},
				},
				Attachments: []fixtures.Attachment{
					{Type: "anh_chan_dung", NameVI: "Ảnh chân dung", NameEN: "Portrait", Required: true, MimeTypes: []string{"image/jpeg", "image/png"}, MaxSizeKB: 2},
				},
				FeeVND: 200000, ProcessingDays: 8,
				Workflow: []string{"submitted", "payment_required", "accepted", "processing", "finished", "delivered"},
				Result:   fixtures.ResultDoc{Type: "ho_chieu", NameVI: "Hộ chiếu phổ thông", NameEN: "Passport"},
			},
			{
				ID: "DV15", ProcedureCode: "1.004884", NameVI: "Liên thông đăng ký khai sinh, thường trú, cấp thẻ BHYT cho trẻ dưới 6 tuổi",
				NameEN: "Joint birth, residence and child health insurance", Agency: "btp", FieldCode: "HT",
				Form: []fixtures.Field{
					{Name: "HoTenTre", LabelVI: "Họ tên trẻ", LabelEN: "Child's name", Type: "text", Required: true},
				},
				ProcessingDays: 2,
				Workflow:       []string{"submitted", "accepted", "processing", "finished", "delivered"},
				Result:         fixtures.ResultDoc{Type: "giay_khai_sinh", NameVI: "Giấy khai sinh", NameEN: "Birth certificate"},
				Chain: []fixtures.ChainStep{
					{Step: "khai_sinh", NameVI: "Đăng ký khai sinh", NameEN: "Birth registration", Agency: "btp", Service: "DV09"},
					{Step: "the_bhyt", NameVI: "Cấp thẻ bảo hiểm y tế", NameEN: "Health insurance card", Agency: "bhxh"},
				},
			},
		},
	}
}

var testProvince = fixtures.Province{Code: "01", NameVI: "Hà Nội", NameEN: "Hanoi", AgencyID: "000.00.00.H01"}

// weekdays is a calendar without holidays.
type weekdays struct{}

func (weekdays) AddWorkingDays(from time.Time, n int) time.Time {
	f := from.In(vocab.Vietnam)
	day := time.Date(f.Year(), f.Month(), f.Day(), 17, 0, 0, 0, vocab.Vietnam)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return day
}

// fakeData is national data in memory, counting lookups.
type fakeData struct {
	mu      sync.Mutex
	records map[string]map[string]map[string]string // db → SoDinhDanh → record
	calls   []string                                // "db key=value purpose"
	fail    bool
}

func newFakeData() *fakeData {
	return &fakeData{records: map[string]map[string]map[string]string{
		"population": {
			an.ID:   {"SoDinhDanh": an.ID, "HoVaTen": an.Name, "NgayThangNamSinh": an.Born},
			binh.ID: {"SoDinhDanh": binh.ID, "HoVaTen": binh.Name, "NgayThangNamSinh": binh.Born},
		},
		"civil_status": {an.ID: {"SoDinhDanh": an.ID, "TinhTrangHonNhan": "Đã kết hôn"}},
	}}
}

func (f *fakeData) Lookup(ctx context.Context, db, key, value, purpose string) ([]map[string]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("%s %s=%s %s", db, key, value, purpose))
	if f.fail {
		return nil, errors.New("gateway down")
	}
	if rec, ok := f.records[db][value]; ok {
		return []map[string]string{rec}, nil
	}
	return nil, nil
}

func (f *fakeData) set(db, id, field, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records[db][id][field] = value
}

func (f *fakeData) callLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// fakeNational records what reaches the national portal.
type fakeNational struct {
	mu       sync.Mutex
	calls    []nationalCall
	failures int // fail this many calls first
	always   bool
}

type nationalCall struct {
	Kind     string // "sync" or "progress"
	Code     string
	Status   int
	Updating bool
	Dossier  NationalDossier
	Progress ProgressEntry
}

func (f *fakeNational) fail() error {
	if f.always {
		return errors.New("dvcqg unavailable")
	}
	if f.failures > 0 {
		f.failures--
		return errors.New("dvcqg hiccup")
	}
	return nil
}

func (f *fakeNational) Sync(ctx context.Context, d NationalDossier, updating bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail(); err != nil {
		return err
	}
	f.calls = append(f.calls, nationalCall{Kind: "sync", Code: d.MaHoSo, Status: d.TrangThaiHoSo, Updating: updating, Dossier: d})
	return nil
}

func (f *fakeNational) Progress(ctx context.Context, e ProgressEntry) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail(); err != nil {
		return err
	}
	f.calls = append(f.calls, nationalCall{Kind: "progress", Code: e.MaHoSo, Status: e.TrangThai, Progress: e})
	return nil
}

func (f *fakeNational) callsFor(code string) []nationalCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []nationalCall
	for _, c := range f.calls {
		if c.Code == code {
			out = append(out, c)
		}
	}
	return out
}

// fakePayments signs callbacks like the platform: SHA-256 over the fields
// joined by "|", secret last.
type fakePayments struct {
	mu    sync.Mutex
	inits []PaymentRequest
}

type fakeCallback struct {
	MaThamChieu, MaGiaoDich string
	SoTien                  int64
	TrangThaiGD, MaXacThuc  string
}

func (f *fakePayments) Init(ctx context.Context, req PaymentRequest) (string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inits = append(f.inits, req)
	txn := "GD-" + req.Reference
	return "http://payment.test/pay/" + txn, txn, nil
}

func (f *fakePayments) VerifyCallback(body []byte) (PaymentCallback, bool, error) {
	var cb fakeCallback
	if err := json.Unmarshal(body, &cb); err != nil {
		return PaymentCallback{}, false, err
	}
	ok := cb.MaXacThuc == cb.sign()
	return PaymentCallback{Reference: cb.MaThamChieu, TransactionID: cb.MaGiaoDich, Amount: cb.SoTien, Status: cb.TrangThaiGD}, ok, nil
}

func (cb fakeCallback) sign() string {
	sum := sha256.Sum256([]byte(strings.Join([]string{cb.MaThamChieu, cb.MaGiaoDich, fmt.Sprint(cb.SoTien), cb.TrangThaiGD, paySecret}, "|")))
	return hex.EncodeToString(sum[:])
}

// env is one portal on an httptest server with fakes around it.
type env struct {
	t        *testing.T
	srv      *httptest.Server
	base     string // the portal's BaseURL: srv.URL and the mount path
	portal   *Server
	clock    *clock.Clock
	data     *fakeData
	national *fakeNational
	payments *fakePayments
	signer   *Signer
	caPEM    []byte

	tokenClaims func(map[string]any) // adjusts the claims of tokens as mints; nil = none
	tokenKid    string               // key id of tokens as mints; "" = "k1"
}

func newEnv(t *testing.T) *env { return newEnvDay(t, worldDay) }

// newEnvDay is newEnv with a world day lasting day in real time.
func newEnvDay(t *testing.T, day time.Duration) *env { return newEnvWith(t, day, nil) }

// newEnvWith is newEnvDay with seeded defects (nil: none).
func newEnvWith(t *testing.T, day time.Duration, defects Defects) *env {
	t.Helper()
	return newEnvFrom(t, envConfig{day: day, defects: defects})
}

// envConfig is how newEnvFrom builds an env.
type envConfig struct {
	day     time.Duration
	defects Defects
	prefix  string         // mount path, like the world's "/portal/01"; "" = the root
	tweak   func(*Options) // adjusts the portal's options last
}

func newEnvFrom(t *testing.T, cfg envConfig) *env {
	t.Helper()
	day, defects := cfg.day, cfg.defects
	e := &env{t: t, data: newFakeData(), national: &fakeNational{}, payments: &fakePayments{}}
	ca, err := NewCA("dvcqa test CA")
	if err != nil {
		t.Fatal(err)
	}
	if e.signer, err = ca.NewSigner("Ủy ban nhân dân Hà Nội"); err != nil {
		t.Fatal(err)
	}
	e.caPEM = ca.CertPEM()
	e.clock = clock.New(worldStart, day)
	e.srv = httptest.NewServer(nil)
	e.base = e.srv.URL + cfg.prefix
	opts := Options{
		BaseURL: e.base, Province: testProvince, Catalog: testCatalog(), Calendar: weekdays{}, Clock: e.clock,
		SSOIssuer: issuer, KeySet: &oidc.StaticKeySet{PublicKeys: []crypto.PublicKey{&ssoKey.PublicKey}},
		Data: e.data, National: e.national, Payments: e.payments, Signer: e.signer, Defects: defects,
	}
	if cfg.tweak != nil {
		cfg.tweak(&opts)
	}
	e.portal, err = New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.portal.sync.backoff = time.Millisecond
	e.srv.Config.Handler = e.portal
	if cfg.prefix != "" {
		mux := http.NewServeMux() // mounted like the world mounts each province
		mux.Handle(cfg.prefix+"/", http.StripPrefix(cfg.prefix, e.portal))
		e.srv.Config.Handler = mux
	}
	t.Cleanup(func() {
		e.srv.Close()
		e.portal.Close()
		e.clock.Stop()
	})
	return e
}

// token mints an ID token; mutate adjusts the claims.
func token(key *rsa.PrivateKey, p person, mutate func(map[string]any)) string {
	return tokenKid(key, "k1", p, mutate)
}

// tokenKid is token with the key id kid in the header.
func tokenKid(key *rsa.PrivateKey, kid string, p person, mutate func(map[string]any)) string {
	now := time.Now()
	claims := map[string]any{
		"iss": issuer, "aud": audience, "sub": p.ID, "SoDinhDanh": p.ID, "HoVaTen": p.Name,
		"iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "LoaiTaiKhoan": "1",
	}
	if mutate != nil {
		mutate(claims)
	}
	b, _ := json.Marshal(claims)
	return oidctest.SignIDToken(key, kid, oidc.RS256, string(b))
}

// as is the API client of a logged-in citizen.
func (e *env) as(p person) *api.Client {
	kid := e.tokenKid
	if kid == "" {
		kid = "k1"
	}
	return &api.Client{BaseURL: e.base, Token: tokenKid(ssoKey, kid, p, e.tokenClaims)}
}

func (e *env) anon() *api.Client { return &api.Client{BaseURL: e.base} }

// apiErr asserts err is an *APIError with the given status.
func apiErr(t *testing.T, err error, status int) *api.APIError {
	t.Helper()
	ae, ok := errors.AsType[*api.APIError](err)
	if !ok {
		t.Fatalf("got error %v, want an API error %d", err, status)
	}
	if ae.Status != status {
		t.Fatalf("got %d %s (%s), want %d", ae.Status, ae.Code, ae.Error(), status)
	}
	if ae.Message == "" || ae.MessageVI == "" {
		t.Fatalf("error %d %s lacks message or message_vi: %+v", ae.Status, ae.Code, ae)
	}
	return ae
}

// Minimal files whose bytes sniff as their type.
var (
	pdfBytes = []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	jpgBytes = append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 64)...)
)

func (e *env) upload(c *api.Client, typ, contentType string, data []byte) *api.Attachment {
	e.t.Helper()
	a, err := c.UploadAttachment(context.Background(), typ, typ+".bin", contentType, data)
	if err != nil {
		e.t.Fatalf("upload %s: %v", typ, err)
	}
	return a
}

// birthRequest is a valid DV09 submission for An (prefilled fields left to the portal).
func (e *env) birthRequest(c *api.Client) api.SubmitRequest {
	a := e.upload(c, "giay_chung_sinh", "application/pdf", pdfBytes)
	return api.SubmitRequest{
		ServiceID: "DV09",
		Fields: map[string]string{
			"HoVaTenNguoiYeuCau": an.Name, "HoTenTre": "Nguyễn Minh Khôi", "NgaySinhTre": "2026-02-20",
			"GioiTinhTre": "Nam", "SoDienThoai": "0912345678", "ThuDienTu": "an@example.vn", "CanNang": "3200", "MaBuuChinh": "100000",
		},
		Attachments: []api.AttachmentRef{{Type: "giay_chung_sinh", ID: a.ID}},
	}
}

// waitFor polls the dossier until cond holds, failing after a few seconds.
func (e *env) waitFor(c *api.Client, id string, what string, cond func(*api.Dossier) bool) *api.Dossier {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		d, err := c.Dossier(context.Background(), id)
		if err != nil {
			e.t.Fatalf("read dossier %s: %v", id, err)
		}
		if cond(d) {
			return d
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("dossier %s never %s; last status %s, history %+v", d.Code, what, d.Status, d.History)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func delivered(d *api.Dossier) bool { return d.Status == api.StatusDelivered }

var _ http.Handler = (*Server)(nil)
