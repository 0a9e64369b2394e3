package gateway

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

func TestTokenIssuance(t *testing.T) {
	w := newWorld(t, nil)
	cc := url.Values{"grant_type": {"client_credentials"}}

	a := w.postToken(t, "province-01", secret01, cc, true)
	var tr gwapi.TokenResponse
	a.decode(t, &tr)
	if a.status != 200 || tr.AccessToken == "" || tr.TokenType != "Bearer" || tr.ExpiresIn != 3600 || tr.Scope != "population land vehicles" {
		t.Fatalf("basic auth: %d %s", a.status, a.body)
	}
	if a.header.Get("Cache-Control") != "no-store" {
		t.Errorf("token answer must not be cached: %v", a.header)
	}

	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"province-79"}, "client_secret": {secret79}}
	a = w.postToken(t, "", "", form, false)
	var tr2 gwapi.TokenResponse
	a.decode(t, &tr2)
	if a.status != 200 || tr2.Scope != "population" || tr2.AccessToken == tr.AccessToken {
		t.Fatalf("form auth: %d %s", a.status, a.body)
	}

	narrowed := url.Values{"grant_type": {"client_credentials"}, "scope": {"land"}}
	a = w.postToken(t, "province-01", secret01, narrowed, true)
	var tr3 gwapi.TokenResponse
	a.decode(t, &tr3)
	if a.status != 200 || tr3.Scope != "land" {
		t.Errorf("requested scope: %d %s", a.status, a.body)
	}
}

func TestTokenRefusals(t *testing.T) {
	w := newWorld(t, nil)
	cc := url.Values{"grant_type": {"client_credentials"}}
	for _, tc := range []struct {
		name       string
		id, secret string
		form       url.Values
		basic      bool
		status     int
		code       string
	}{
		{"bad secret", "province-01", "wrong", cc, true, 401, "invalid_client"},
		{"unknown client", "province-99", secret01, cc, true, 401, "invalid_client"},
		{"no credentials", "", "", cc, false, 401, "invalid_client"},
		{"bad form secret", "", "", url.Values{"grant_type": {"client_credentials"}, "client_id": {"province-01"}, "client_secret": {"x"}}, false, 401, "invalid_client"},
		{"both methods", "province-01", secret01, url.Values{"grant_type": {"client_credentials"}, "client_id": {"province-01"}}, true, 400, "invalid_request"},
		{"no grant", "province-01", secret01, url.Values{}, true, 400, "invalid_request"},
		{"other grant", "province-01", secret01, url.Values{"grant_type": {"password"}}, true, 400, "unsupported_grant_type"},
		{"scope not granted", "province-79", secret79, url.Values{"grant_type": {"client_credentials"}, "scope": {"land"}}, true, 400, "invalid_scope"},
	} {
		a := w.postToken(t, tc.id, tc.secret, tc.form, tc.basic)
		var oe gwapi.OAuthError
		a.decode(t, &oe)
		if a.status != tc.status || oe.Error != tc.code {
			t.Errorf("%s: got %d %s, want %d %s", tc.name, a.status, a.body, tc.status, tc.code)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, w.url+"/oauth/token", nil)
	if a := do(t, req); a.status != 405 {
		t.Errorf("GET /oauth/token: %d", a.status)
	}
}

func TestTokenExpiresAfterAnHour(t *testing.T) {
	w := newWorld(t, nil)
	tok := w.token(t, "province-01", secret01)
	w.clock.Advance(59 * time.Minute)
	if a := w.lookup(t, tok, "population", "SoDinhDanh="+alice, nil); a.status != 200 {
		t.Fatalf("after 59 min: %d %s", a.status, a.body)
	}
	w.clock.Advance(time.Minute)
	e := w.lookup(t, tok, "population", "SoDinhDanh="+alice, nil).wantError(t, 401, "unauthenticated")
	if e.Message != "access token expired" {
		t.Errorf("message %q", e.Message)
	}
}
