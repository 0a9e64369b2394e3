package gateway

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
	"github.com/dvcqa/dvcqa/mocks/nationaldb"
	"github.com/dvcqa/dvcqa/vocab"
)

const (
	internalKey = "test-internal-key"
	secret01    = "secret-01"
	secret79    = "secret-79"
	alice       = "001099000145" // in population and land (two parcels)
	bob         = "079201000077" // in population only
	nobody      = "001099999945"
)

var testDBs = []fixtures.Database{
	{ID: "population", Keys: []string{"SoDinhDanh"}, Fields: []string{"SoDinhDanh", "HoVaTen", "NgayThangNamSinh"}},
	{ID: "land", Keys: []string{"SoDinhDanh", "SoGiayChungNhan"}, Fields: []string{"SoDinhDanh", "SoGiayChungNhan", "DienTich"}},
	{ID: "vehicles", Keys: []string{"SoDinhDanh", "BienSo"}, Fields: []string{"SoDinhDanh", "BienSo", "NhanHieu"}},
}

var testRecords = map[string][]map[string]string{
	"population": {
		{"SoDinhDanh": alice, "HoVaTen": "Nguyễn Thị An", "NgayThangNamSinh": "19990412"},
		{"SoDinhDanh": bob, "HoVaTen": "Trần Văn Bình", "NgayThangNamSinh": "20010101"},
	},
	"land": {
		{"SoDinhDanh": alice, "SoGiayChungNhan": "CS-0001", "DienTich": "80"},
		{"SoDinhDanh": alice, "SoGiayChungNhan": "CS-0002", "DienTich": "250"},
	},
	"vehicles": {
		{"SoDinhDanh": bob, "BienSo": "51A-12345", "NhanHieu": "Honda"},
	},
}

// clock is a settable time source, for token expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// world is a gateway with three database servers, all over real HTTP.
type world struct {
	gw    *Server
	url   string
	clock *clock
	db    map[string]*nationaldb.Server
	dbSrv map[string]*httptest.Server
}

func newWorld(t *testing.T, tweak func(*Options)) *world {
	t.Helper()
	w := &world{
		clock: &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, vocab.Vietnam)},
		db:    map[string]*nationaldb.Server{},
		dbSrv: map[string]*httptest.Server{},
	}
	urls := map[string]string{}
	for _, d := range testDBs {
		s, err := nationaldb.New(nationaldb.Options{DB: d, Records: testRecords[d.ID], InternalKey: internalKey})
		if err != nil {
			t.Fatalf("nationaldb %s: %v", d.ID, err)
		}
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		w.db[d.ID], w.dbSrv[d.ID], urls[d.ID] = s, srv, srv.URL
	}
	opts := Options{
		Databases:    testDBs,
		DatabaseURLs: urls,
		InternalKey:  internalKey,
		Clients: []Client{
			{ID: "province-01", Secret: secret01, Scopes: []string{"population", "land", "vehicles"}},
			{ID: "province-79", Secret: secret79, Scopes: []string{"population"}},
		},
		Now: w.clock.Now,
	}
	if tweak != nil {
		tweak(&opts)
	}
	gw, err := New(opts)
	if err != nil {
		t.Fatalf("gateway.New: %v", err)
	}
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	w.gw, w.url = gw, srv.URL
	return w
}

// token gets an access token for a client, failing the test otherwise.
func (w *world) token(t *testing.T, id, secret string) string {
	t.Helper()
	tok, err := w.tryToken(id, secret)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// tryToken is token for goroutines, which must not call t.Fatal.
func (w *world) tryToken(id, secret string) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest(http.MethodPost, w.url+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	a, err := tryDo(req)
	if err != nil {
		return "", err
	}
	var tr gwapi.TokenResponse
	if err := json.Unmarshal([]byte(a.body), &tr); err != nil || a.status != http.StatusOK {
		return "", fmt.Errorf("token for %s: %d %s", id, a.status, a.body)
	}
	return tr.AccessToken, nil
}

func (w *world) postToken(t *testing.T, id, secret string, form url.Values, basic bool) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.url+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(id, secret)
	}
	return do(t, req)
}

// lookup calls GET /api/v1/{db}/records with a raw query.
func (w *world) lookup(t *testing.T, token, db, rawQuery string, hdr map[string]string) answer {
	t.Helper()
	a, err := w.tryLookup(token, db, rawQuery, hdr)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (w *world) tryLookup(token, db, rawQuery string, hdr map[string]string) (answer, error) {
	req, _ := http.NewRequest(http.MethodGet, w.url+"/api/v1/"+db+"/records?"+rawQuery, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return tryDo(req)
}

type answer struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	a, err := tryDo(req)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func tryDo(req *http.Request) (answer, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: read: %w", req.Method, req.URL.Path, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}, nil
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(a.body), v); err != nil {
		t.Fatalf("decode %q: %v", a.body, err)
	}
}

// wantError decodes an error body, failing unless status and code match.
func (a answer) wantError(t *testing.T, status int, code string) gwapi.ErrorDetail {
	t.Helper()
	var eb gwapi.ErrorBody
	a.decode(t, &eb)
	if a.status != status || eb.Error.Code != code {
		t.Fatalf("got %d %s, want %d %s", a.status, a.body, status, code)
	}
	if eb.Error.Message == "" || eb.Error.MessageVI == "" {
		t.Errorf("error without message/message_vi: %s", a.body)
	}
	return eb.Error
}
