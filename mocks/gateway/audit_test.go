package gateway

import (
	"net/http"
	"strings"
	"testing"

	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

func TestAuditRecordsEveryLookup(t *testing.T) {
	w := newWorld(t, nil)
	tok01 := w.token(t, "province-01", secret01)
	tok79 := w.token(t, "province-79", secret79)

	w.lookup(t, tok01, "population", "SoDinhDanh="+alice, map[string]string{gwapi.HeaderPurpose: "prefill DV01", gwapi.HeaderRequestID: "r-1"})
	w.lookup(t, tok01, "land", "SoDinhDanh="+alice, map[string]string{gwapi.HeaderPurpose: "prefill DV19"})
	w.lookup(t, tok01, "population", "SoDinhDanh="+nobody, nil)
	w.lookup(t, tok79, "land", "SoDinhDanh="+alice, nil)    // 403
	w.lookup(t, "", "population", "SoDinhDanh="+alice, nil) // 401

	all := w.gw.Audit()
	if len(all) != 5 {
		t.Fatalf("audit has %d entries, want 5: %+v", len(all), all)
	}
	first := all[0]
	if first.ClientID != "province-01" || first.Database != "population" || first.Key != "SoDinhDanh" ||
		first.Value != alice || first.Purpose != "prefill DV01" || first.RequestID != "r-1" || first.Status != 200 || first.Code != "" {
		t.Errorf("first entry %+v", first)
	}
	if !first.At.Equal(w.clock.Now()) {
		t.Errorf("at %v, want the gateway clock %v", first.At, w.clock.Now())
	}
	if all[1].RequestID == "" {
		t.Error("an entry without X-Request-ID got no generated id")
	}
	wantStatus := []int{200, 200, 404, 403, 401}
	for i, e := range all {
		if e.Status != wantStatus[i] {
			t.Errorf("entry %d status %d, want %d", i, e.Status, wantStatus[i])
		}
	}
	if all[2].Code != "not_found" || all[3].Code != "forbidden" || all[3].ClientID != "province-79" || all[4].ClientID != "" {
		t.Errorf("refusals recorded as %+v", all[2:])
	}

	// Mutating the copy does not change the log.
	all[0].Value = "x"
	if w.gw.Audit()[0].Value != alice {
		t.Error("Audit returned the log itself, not a copy")
	}
}

func TestAuditEndpoint(t *testing.T) {
	w := newWorld(t, nil)
	tok01 := w.token(t, "province-01", secret01)
	tok79 := w.token(t, "province-79", secret79)
	w.lookup(t, tok01, "population", "SoDinhDanh="+alice, map[string]string{gwapi.HeaderPurpose: "prefill DV01"})
	w.lookup(t, tok01, "land", "SoDinhDanh="+alice, nil)
	w.lookup(t, tok01, "population", "SoDinhDanh="+bob, nil)
	w.lookup(t, tok79, "population", "SoDinhDanh="+alice, nil)

	get := func(tok, subject string) answer {
		req, _ := http.NewRequest(http.MethodGet, w.url+"/api/v1/audit?subject="+subject, nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		return do(t, req)
	}
	a := get(tok01, alice)
	var ar gwapi.AuditResponse
	a.decode(t, &ar)
	if a.status != 200 || len(ar.Entries) != 2 {
		t.Fatalf("province-01 about alice: %d %s", a.status, a.body)
	}
	for _, e := range ar.Entries {
		if e.ClientID != "province-01" || e.Value != "001*******45" {
			t.Errorf("entry %+v: want own entries, value masked", e)
		}
	}
	if ar.Entries[0].Purpose != "prefill DV01" || ar.Entries[1].Database != "land" {
		t.Errorf("entries %+v", ar.Entries)
	}
	if strings.Contains(a.body, alice) {
		t.Errorf("audit answer leaks the full ID: %s", a.body)
	}

	a = get(tok79, bob)
	a.decode(t, &ar)
	if a.status != 200 || len(ar.Entries) != 0 || !strings.Contains(a.body, `"entries":[]`) {
		t.Errorf("province-79 sees another client's lookups: %s", a.body)
	}
	get("", alice).wantError(t, 401, "unauthenticated")
	if e := get(tok01, "123").wantError(t, 400, "invalid_request"); e.Field != "subject" {
		t.Errorf("field %q", e.Field)
	}
}
