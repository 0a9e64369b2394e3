package nationaldb

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

const key = "internal-test-key"

var land = fixtures.Database{
	ID:     "land",
	Keys:   []string{"SoDinhDanh", "SoGiayChungNhan"},
	Fields: []string{"SoDinhDanh", "SoGiayChungNhan", "DiaChiThuaDat", "DienTich"},
}

func newLand(t *testing.T) *Server {
	t.Helper()
	s, err := New(Options{DB: land, InternalKey: key, Records: []map[string]string{
		{"SoDinhDanh": "001099000145", "SoGiayChungNhan": "CS-0001", "DiaChiThuaDat": "Thửa 12, Hà Đông", "DienTich": "80"},
		{"SoDinhDanh": "001099000145", "SoGiayChungNhan": "CS-0002", "DiaChiThuaDat": "Thửa 7, Sóc Sơn", "DienTich": "250"},
		{"SoDinhDanh": "079201000077", "SoGiayChungNhan": "CS-0003", "DiaChiThuaDat": "Thửa 3, Thủ Đức", "DienTich": "60"},
	}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

type answer struct {
	status int
	body   string
	recs   []gwapi.Record
	err    gwapi.ErrorDetail
}

func get(t *testing.T, h http.Handler, target string, withKey bool) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if withKey {
		req.Header.Set(gwapi.HeaderInternalKey, key)
	}
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	a := answer{status: rr.Code, body: rr.Body.String()}
	if ct := rr.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET %s: Content-Type %q, want JSON", target, ct)
	}
	if rr.Code == http.StatusOK {
		var ok gwapi.DatabaseAnswer
		if err := json.Unmarshal(rr.Body.Bytes(), &ok); err != nil {
			t.Fatalf("GET %s: decode %q: %v", target, a.body, err)
		}
		a.recs = ok.Records
	} else {
		var eb gwapi.ErrorBody
		if err := json.Unmarshal(rr.Body.Bytes(), &eb); err != nil || eb.Error.Code == "" {
			t.Fatalf("GET %s: %d body %q is not an error body (%v)", target, rr.Code, a.body, err)
		}
		a.err = eb.Error
	}
	return a
}

func TestLookupByEachKey(t *testing.T) {
	s := newLand(t)
	a := get(t, s, "/records?SoGiayChungNhan=CS-0003", true)
	if a.status != 200 || len(a.recs) != 1 || a.recs[0]["SoDinhDanh"] != "079201000077" || a.recs[0]["DiaChiThuaDat"] != "Thửa 3, Thủ Đức" {
		t.Fatalf("by certificate: %d %+v", a.status, a.recs)
	}
	a = get(t, s, "/records?SoDinhDanh=079201000077", true)
	if a.status != 200 || len(a.recs) != 1 || a.recs[0]["SoGiayChungNhan"] != "CS-0003" {
		t.Fatalf("by SoDinhDanh: %d %+v", a.status, a.recs)
	}
}

func TestOneToMany(t *testing.T) {
	a := get(t, newLand(t), "/records?SoDinhDanh=001099000145", true)
	if a.status != 200 || len(a.recs) != 2 {
		t.Fatalf("got %d %+v, want 2 parcels", a.status, a.recs)
	}
	if a.recs[0]["SoGiayChungNhan"] != "CS-0001" || a.recs[1]["SoGiayChungNhan"] != "CS-0002" {
		t.Errorf("parcels out of input order: %+v", a.recs)
	}
}

func TestNotFoundMasksID(t *testing.T) {
	a := get(t, newLand(t), "/records?SoDinhDanh=001099999945", true)
	if a.status != 404 || a.err.Code != "not_found" {
		t.Fatalf("got %d %+v", a.status, a.err)
	}
	if strings.Contains(a.body, "001099999945") || !strings.Contains(a.err.Message, "001*******45") {
		t.Errorf("message must name the masked ID only: %q", a.body)
	}
}

func TestMalformedQueries(t *testing.T) {
	s := newLand(t)
	for _, tc := range []struct{ target, field string }{
		{"/records?SoDinhDanh=12345", "SoDinhDanh"},
		{"/records?SoDinhDanh=00109900014X", "SoDinhDanh"},
		{"/records?SoDinhDanh=", "SoDinhDanh"},
		{"/records?HoVaTen=Nguyen", "HoVaTen"},
		{"/records?SoDinhDanh=001099000145&SoDinhDanh=079201000077", "SoDinhDanh"},
		{"/records?SoDinhDanh=001099000145&SoGiayChungNhan=CS-0001", "SoDinhDanh,SoGiayChungNhan"},
		{"/records", ""},
		{"/records?SoDinhDanh=%zz", ""},
	} {
		a := get(t, s, tc.target, true)
		if a.status != 400 || a.err.Code != "invalid_request" || a.err.Field != tc.field {
			t.Errorf("%s: got %d %+v, want 400 invalid_request field %q", tc.target, a.status, a.err, tc.field)
		}
	}
}

func TestInternalKeyRequired(t *testing.T) {
	s := newLand(t)
	if a := get(t, s, "/records?SoDinhDanh=001099000145", false); a.status != 401 || a.err.Code != "unauthenticated" {
		t.Errorf("no key: %d %+v", a.status, a.err)
	}
	req := httptest.NewRequest(http.MethodGet, "/records?SoDinhDanh=001099000145", nil)
	req.Header.Set(gwapi.HeaderInternalKey, "wrong")
	rr := httptest.NewRecorder()
	s.ServeHTTP(rr, req)
	if rr.Code != 401 {
		t.Errorf("wrong key: %d", rr.Code)
	}
}

func TestRecordsAreCopies(t *testing.T) {
	input := map[string]string{"SoDinhDanh": "001099000145", "SoGiayChungNhan": "CS-9"}
	s, err := New(Options{DB: land, InternalKey: key, Records: []map[string]string{input}})
	if err != nil {
		t.Fatal(err)
	}
	input["DienTich"] = "changed after New"
	recs := s.store.find("SoDinhDanh", "001099000145")
	recs[0]["SoGiayChungNhan"] = "changed by caller"
	again := s.store.find("SoDinhDanh", "001099000145")
	if again[0]["SoGiayChungNhan"] != "CS-9" || again[0]["DienTich"] != "" {
		t.Errorf("store was mutated: %+v", again[0])
	}
}

func TestNewRejectsBadData(t *testing.T) {
	for name, opts := range map[string]Options{
		"no internal key": {DB: land},
		"no keys":         {DB: fixtures.Database{ID: "x"}, InternalKey: key},
		"unknown field":   {DB: land, InternalKey: key, Records: []map[string]string{{"SoDinhDanh": "001099000145", "Bogus": "1"}}},
		"malformed ID":    {DB: land, InternalKey: key, Records: []map[string]string{{"SoDinhDanh": "0010990001"}}},
		"unreachable":     {DB: land, InternalKey: key, Records: []map[string]string{{"DienTich": "1"}}},
		"key not a field": {DB: fixtures.Database{ID: "x", Keys: []string{"A"}, Fields: []string{"B"}}, InternalKey: key},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}

func TestHealthAndUnknownPath(t *testing.T) {
	s := newLand(t)
	rr := httptest.NewRecorder()
	s.ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	var h gwapi.Health
	if err := json.Unmarshal(rr.Body.Bytes(), &h); err != nil || rr.Code != 200 || h.Status != "ok" || h.Database != "land" || h.Version != "mock-1" {
		t.Errorf("healthz: %d %s", rr.Code, rr.Body)
	}
	if a := get(t, s, "/nope", true); a.status != 404 {
		t.Errorf("unknown path: %d", a.status)
	}
	rr = httptest.NewRecorder()
	s.ServeHTTP(rr, httptest.NewRequest(http.MethodPost, "/records?SoDinhDanh=001099000145", nil))
	if rr.Code != 405 {
		t.Errorf("POST: %d", rr.Code)
	}
}

func TestDown(t *testing.T) {
	s := newLand(t)
	s.SetDown(true)
	if a := get(t, s, "/records?SoDinhDanh=001099000145", true); a.status != 503 {
		t.Errorf("records while down: %d", a.status)
	}
	if a := get(t, s, "/healthz", false); a.status != 503 {
		t.Errorf("healthz while down: %d", a.status)
	}
	s.SetDown(false)
	if a := get(t, s, "/records?SoDinhDanh=001099000145", true); a.status != 200 {
		t.Errorf("records after up: %d", a.status)
	}
}

func TestDelayRespectsContext(t *testing.T) {
	s := newLand(t)
	srv := httptest.NewServer(s)
	defer srv.Close()
	s.SetDelay(80 * time.Millisecond)

	start := time.Now()
	if a := get(t, s, "/records?SoDinhDanh=001099000145", true); a.status != 200 {
		t.Fatalf("delayed lookup: %d", a.status)
	}
	if took := time.Since(start); took < 80*time.Millisecond {
		t.Errorf("answer came after %v, want ≥ 80ms", took)
	}

	s.SetDelay(10 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/records?SoDinhDanh=001099000145", nil)
	req.Header.Set(gwapi.HeaderInternalKey, key)
	start = time.Now()
	if _, err := srv.Client().Do(req); err == nil {
		t.Fatal("want a timeout")
	}
	srv.Close() // waits for the handler: it must give up with the request, not after 10 s
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("handler held on for %v after the caller left", took)
	}
	log := s.Requests()
	if last := log[len(log)-1]; last.Status != StatusClientGone || last.Key != "SoDinhDanh" {
		t.Errorf("last log entry %+v, want status %d", last, StatusClientGone)
	}
}
