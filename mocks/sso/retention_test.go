package sso_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/dvcqa/dvcqa/mocks/sso"
)

// TestGrantsAndLogAreBounded: past MaxGrants the oldest refresh tokens
// (and codes, families) go — an evicted one is refused as unknown — while
// the newest still work; the request log keeps its newest MaxLog entries.
func TestGrantsAndLogAreBounded(t *testing.T) {
	e := newEnvWith(t, func(o *sso.Options) { o.MaxGrants, o.MaxLog = 2, 5 })
	var refresh []string
	for range 4 {
		refresh = append(refresh, e.loginTokens().RefreshToken)
	}
	use := func(rt string) (int, map[string]any) {
		t.Helper()
		return e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {publicID}})
	}
	status, m := use(refresh[0])
	wantOAuthError(t, status, m, http.StatusBadRequest, "invalid_grant")
	if status, m := use(refresh[3]); status != http.StatusOK {
		t.Errorf("the newest refresh token: %d %v", status, m)
	}
	if got := len(e.srv.Requests()); got != 5 {
		t.Errorf("request log holds %d, want 5", got)
	}
	if grants, log := e.srv.Evicted(); grants < 2 || log == 0 {
		t.Errorf("evicted %d grants, %d log entries; want ≥ 2 and > 0", grants, log)
	}
}
