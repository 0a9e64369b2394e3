package gateway

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

func TestLookupHappyPath(t *testing.T) {
	w := newWorld(t, nil)
	tok := w.token(t, "province-01", secret01)
	a := w.lookup(t, tok, "population", "SoDinhDanh="+alice, map[string]string{gwapi.HeaderPurpose: "prefill DV01", gwapi.HeaderRequestID: "req-1"})
	var rr gwapi.RecordsResponse
	a.decode(t, &rr)
	if a.status != 200 || rr.Database != "population" || rr.Query["SoDinhDanh"] != alice ||
		len(rr.Records) != 1 || rr.Records[0]["HoVaTen"] != "Nguyễn Thị An" {
		t.Fatalf("got %d %s", a.status, a.body)
	}
	if a.header.Get(gwapi.HeaderRequestID) != "req-1" {
		t.Errorf("X-Request-ID not echoed: %v", a.header)
	}
	// The database saw the same request id: lookups correlate end to end.
	log := w.db["population"].Requests()
	if len(log) != 1 || log[0].RequestID != "req-1" || log[0].Value != alice || log[0].Status != 200 {
		t.Errorf("database log %+v", log)
	}

	// One-to-many, and a secondary key.
	a = w.lookup(t, tok, "land", "SoDinhDanh="+alice, nil)
	a.decode(t, &rr)
	if a.status != 200 || len(rr.Records) != 2 {
		t.Errorf("land parcels: %d %s", a.status, a.body)
	}
	a = w.lookup(t, tok, "vehicles", "BienSo=51A-12345", nil)
	a.decode(t, &rr)
	if a.status != 200 || len(rr.Records) != 1 || rr.Records[0]["SoDinhDanh"] != bob || rr.Query["BienSo"] != "51A-12345" {
		t.Errorf("by plate: %d %s", a.status, a.body)
	}
}

func TestLookupUnauthenticated(t *testing.T) {
	w := newWorld(t, nil)
	a := w.lookup(t, "", "population", "SoDinhDanh="+alice, nil)
	a.wantError(t, 401, "unauthenticated")
	if !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("no Bearer challenge: %v", a.header)
	}
	w.lookup(t, "not-a-token", "population", "SoDinhDanh="+alice, nil).wantError(t, 401, "unauthenticated")
	if n := len(w.db["population"].Requests()); n != 0 {
		t.Errorf("unauthenticated lookups reached the database %d times", n)
	}
}

func TestLookupOutsideScope(t *testing.T) {
	w := newWorld(t, nil)
	tok := w.token(t, "province-79", secret79)
	e := w.lookup(t, tok, "land", "SoDinhDanh="+alice, nil).wantError(t, 403, "forbidden")
	if !strings.Contains(e.Message, "province-79") || !strings.Contains(e.Message, "land") {
		t.Errorf("message %q", e.Message)
	}
}

func TestLookupBadQueries(t *testing.T) {
	w := newWorld(t, nil)
	tok := w.token(t, "province-01", secret01)
	for _, tc := range []struct{ query, field string }{
		{"SoDinhDanh=12345", "SoDinhDanh"},
		{"SoDinhDanh=0010990001450", "SoDinhDanh"},
		{"SoDinhDanh=00109900014a", "SoDinhDanh"},
		{"HoVaTen=An", "HoVaTen"},
		{"SoDinhDanh=" + alice + "&HoVaTen=An", "HoVaTen,SoDinhDanh"},
		{"", ""},
		{"SoDinhDanh=%zz", ""},
	} {
		e := w.lookup(t, tok, "population", tc.query, nil).wantError(t, 400, "invalid_request")
		if e.Field != tc.field {
			t.Errorf("%q: field %q, want %q", tc.query, e.Field, tc.field)
		}
	}
}

func TestLookupNotFound(t *testing.T) {
	w := newWorld(t, nil)
	tok := w.token(t, "province-01", secret01)
	w.lookup(t, tok, "passports", "SoDinhDanh="+alice, nil).wantError(t, 404, "unknown_database")

	a := w.lookup(t, tok, "population", "SoDinhDanh="+nobody, nil)
	e := a.wantError(t, 404, "not_found")
	if e.Message != "no record in population for SoDinhDanh 001*******45" {
		t.Errorf("message %q", e.Message)
	}
	if strings.Contains(a.body, nobody) {
		t.Errorf("answer leaks the full ID: %s", a.body)
	}
	// Known to population, not to land: still a plain not_found.
	w.lookup(t, tok, "vehicles", "SoDinhDanh="+alice, nil).wantError(t, 404, "not_found")
}

func TestLookupUpstreamUnavailable(t *testing.T) {
	w := newWorld(t, nil)
	tok := w.token(t, "province-01", secret01)

	w.db["land"].SetDown(true) // 503 from the database
	w.lookup(t, tok, "land", "SoDinhDanh="+alice, nil).wantError(t, 502, "upstream_unavailable")

	w.dbSrv["population"].Close() // connection refused
	a := w.lookup(t, tok, "population", "SoDinhDanh="+alice, nil)
	a.wantError(t, 502, "upstream_unavailable")
	if strings.Contains(a.body, alice) {
		t.Errorf("answer leaks the full ID: %s", a.body)
	}
}

func TestLookupUpstreamTimeout(t *testing.T) {
	w := newWorld(t, func(o *Options) { o.UpstreamTimeout = 50 * time.Millisecond })
	tok := w.token(t, "province-01", secret01)
	w.db["population"].SetDelay(5 * time.Second)
	start := time.Now()
	w.lookup(t, tok, "population", "SoDinhDanh="+alice, nil).wantError(t, 504, "upstream_timeout")
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("504 took %v; the timeout is 50ms", took)
	}
}

func TestLookupMisroutedDatabase(t *testing.T) {
	// A database URL pointing at the wrong path answers 404 for everything;
	// that must not look like "no such person".
	var w *world
	w = newWorld(t, func(o *Options) {
		o.DatabaseURLs = map[string]string{
			"population": o.DatabaseURLs["population"] + "/wrong",
			"land":       o.DatabaseURLs["land"],
			"vehicles":   o.DatabaseURLs["vehicles"],
		}
	})
	tok := w.token(t, "province-01", secret01)
	w.lookup(t, tok, "population", "SoDinhDanh="+alice, nil).wantError(t, 502, "upstream_error")
}

func TestLookupWrongInternalKey(t *testing.T) {
	w := newWorld(t, func(o *Options) { o.InternalKey = "stale" })
	tok := w.token(t, "province-01", secret01)
	w.lookup(t, tok, "population", "SoDinhDanh="+alice, nil).wantError(t, 502, "upstream_error")
}

// TestNeverServerError throws odd requests at the gateway: none may 500.
func TestNeverServerError(t *testing.T) {
	w := newWorld(t, nil)
	tok := w.token(t, "province-01", secret01)
	for _, tc := range []struct{ method, path, auth string }{
		{"GET", "/api/v1//records?SoDinhDanh=" + alice, tok},
		{"GET", "/api/v1/population/records?SoDinhDanh=" + alice + "&SoDinhDanh=" + bob, tok},
		{"POST", "/api/v1/population/records?SoDinhDanh=" + alice, tok},
		{"GET", "/api/v1/population%2Fx/records?SoDinhDanh=" + alice, tok},
		{"GET", "/api/v1/audit", tok},
		{"GET", "/api/v1/audit?subject=abc", tok},
		{"GET", "/api/v1/audit?subject=" + alice, ""},
		{"GET", "/nope", ""},
		{"DELETE", "/healthz", ""},
		{"POST", "/oauth/token?grant_type=client_credentials", ""},
	} {
		req, _ := http.NewRequest(tc.method, w.url+tc.path, nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", "Bearer "+tc.auth)
		}
		a := do(t, req)
		if a.status >= 500 || a.status < 400 {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, a.status, a.body)
		}
		var eb gwapi.ErrorBody
		var oe gwapi.OAuthError
		if json.Unmarshal([]byte(a.body), &eb) != nil || eb.Error.Code == "" {
			if json.Unmarshal([]byte(a.body), &oe) != nil || oe.Error == "" {
				t.Errorf("%s %s: body %q has no error code", tc.method, tc.path, a.body)
			}
		}
	}
}
