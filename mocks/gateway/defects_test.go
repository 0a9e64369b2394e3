package gateway

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/dvcqa/dvcqa/mocks/defects"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

// auditAbout reads the audit endpoint as the client of tok.
func (w *world) auditAbout(t *testing.T, tok, subject string) []gwapi.AuditEntry {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.url+"/api/v1/audit?subject="+subject, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	a := do(t, req)
	var ar gwapi.AuditResponse
	a.decode(t, &ar)
	if a.status != http.StatusOK {
		t.Fatalf("audit: %d %s", a.status, a.body)
	}
	return ar.Entries
}

func TestDefectAuthBypass(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "gateway-auth-bypass"})
	w := newWorld(t, func(o *Options) { o.Defects = set })
	expired := w.token(t, "province-79", secret79)
	w.clock.Advance(tokenTTL)

	// Every kind of missing credential is served, as "anonymous".
	for name, tok := range map[string]string{"no token": "", "forged token": "forged-token-0000", "expired token": expired} {
		a := w.lookup(t, tok, "land", "SoDinhDanh="+alice, nil)
		var rr gwapi.RecordsResponse
		a.decode(t, &rr)
		if a.status != http.StatusOK || len(rr.Records) != 2 {
			t.Errorf("%s with the bypass: %d %s, want the records", name, a.status, a.body)
		}
	}
	for _, e := range w.gw.Audit() {
		if e.ClientID != anonymousClient || e.Status != http.StatusOK {
			t.Errorf("bypassed lookup audited as %+v, want client %q", e, anonymousClient)
		}
	}

	// A known client with a wrong secret gets a working token; an unknown
	// client still does not.
	wrong, err := w.tryToken("province-01", "wrong-secret")
	if err != nil {
		t.Fatalf("token with a wrong secret under the bypass: %v", err)
	}
	if a := w.lookup(t, wrong, "population", "SoDinhDanh="+bob, nil); a.status != http.StatusOK {
		t.Errorf("lookup with the wrongly issued token: %d %s", a.status, a.body)
	}
	w.postToken(t, "province-99", "x", url.Values{"grant_type": {"client_credentials"}}, true).
		wantError401(t)

	// Off again: the gateway authenticates as it should. The token issued
	// by mistake was a real token, so it stays valid until it expires.
	set.Replace(nil)
	for _, tok := range []string{"", "forged-token-0000", expired} {
		w.lookup(t, tok, "land", "SoDinhDanh="+alice, nil).wantError(t, http.StatusUnauthorized, "unauthenticated")
	}
	if _, err := w.tryToken("province-01", "wrong-secret"); err == nil {
		t.Error("token issued for a wrong secret after the switch went off")
	}
	if a := w.lookup(t, w.token(t, "province-01", secret01), "land", "SoDinhDanh="+alice, nil); a.status != http.StatusOK {
		t.Errorf("a proper lookup after the switch went off: %d %s", a.status, a.body)
	}
}

// wantError401 checks an /oauth/token refusal.
func (a answer) wantError401(t *testing.T) {
	t.Helper()
	var oe gwapi.OAuthError
	a.decode(t, &oe)
	if a.status != http.StatusUnauthorized || oe.Error != "invalid_client" {
		t.Errorf("got %d %s, want 401 invalid_client", a.status, a.body)
	}
}

func TestDefectAuditMissing(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "gateway-audit-missing"})
	w := newWorld(t, func(o *Options) { o.Defects = set })
	tok := w.token(t, "province-01", secret01)
	purpose := map[string]string{gwapi.HeaderPurpose: "prefill DV01"}

	if a := w.lookup(t, tok, "population", "SoDinhDanh="+alice, purpose); a.status != http.StatusOK {
		t.Fatalf("lookup: %d %s", a.status, a.body)
	}
	w.lookup(t, tok, "population", "SoDinhDanh="+nobody, nil) // 404
	w.lookup(t, "", "population", "SoDinhDanh="+alice, nil)   // 401
	if got := w.auditAbout(t, tok, alice); len(got) != 0 {
		t.Errorf("audit endpoint with the defect on: %+v, want no entries", got)
	}
	if all := w.gw.Audit(); len(all) != 0 {
		t.Errorf("audit log with the defect on: %+v, want empty", all)
	}

	set.Replace(nil)
	w.lookup(t, tok, "population", "SoDinhDanh="+alice, purpose)
	got := w.auditAbout(t, tok, alice)
	if len(got) != 1 || got[0].Purpose != "prefill DV01" || got[0].Status != http.StatusOK || got[0].ClientID != "province-01" {
		t.Errorf("audit after the switch went off: %+v, want the one later lookup", got)
	}
}

func TestDefectMalformed500(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "gateway-malformed-500"})
	w := newWorld(t, func(o *Options) { o.Defects = set })
	tok := w.token(t, "province-01", secret01)
	for _, q := range []string{"SoDinhDanh=12AB5", "HoVaTen=An"} {
		w.lookup(t, tok, "population", q, nil).wantError(t, http.StatusInternalServerError, "internal_error")
	}
	if a := w.lookup(t, tok, "population", "SoDinhDanh="+alice, nil); a.status != http.StatusOK {
		t.Errorf("a well-formed lookup with the defect on: %d %s", a.status, a.body)
	}
	set.Replace(nil)
	if e := w.lookup(t, tok, "population", "SoDinhDanh=12AB5", nil).wantError(t, http.StatusBadRequest, "invalid_request"); e.Field != "SoDinhDanh" {
		t.Errorf("400 after the switch went off names field %q, want SoDinhDanh", e.Field)
	}
}

func TestDefectUnknown200Empty(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "gateway-unknown-200-empty"})
	w := newWorld(t, func(o *Options) { o.Defects = set })
	tok := w.token(t, "province-01", secret01)
	a := w.lookup(t, tok, "population", "SoDinhDanh="+nobody, nil)
	var rr gwapi.RecordsResponse
	a.decode(t, &rr)
	if a.status != http.StatusOK || rr.Records == nil || len(rr.Records) != 0 {
		t.Errorf("unknown ID with the defect on: %d %s, want 200 with an empty list", a.status, a.body)
	}
	if a := w.lookup(t, tok, "population", "SoDinhDanh="+alice, nil); a.status != http.StatusOK {
		t.Errorf("a known ID with the defect on: %d %s", a.status, a.body)
	}
	set.Replace(nil)
	w.lookup(t, tok, "population", "SoDinhDanh="+nobody, nil).wantError(t, http.StatusNotFound, "not_found")
}
