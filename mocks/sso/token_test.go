package sso_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/dvcqa/dvcqa/mocks/sso"
)

// TestTokenExpiryAndRefresh: tokens die after the client's TTL, refresh
// gives new valid ones and rotates the refresh token.
func TestTokenExpiryAndRefresh(t *testing.T) {
	e := newEnv(t)
	provider := e.provider()
	verifierAt := func(now time.Time) *oidc.IDTokenVerifier {
		return provider.Verifier(&oidc.Config{ClientID: publicID, Now: func() time.Time { return now }})
	}
	tok := e.loginTokens()
	raw := idToken(t, tok)
	if _, err := verifierAt(e.start.Add(sso.DefaultTokenTTL-time.Second)).Verify(e.ctx, raw); err != nil {
		t.Fatalf("ID token rejected before expiry: %v", err)
	}
	_, err := verifierAt(e.start.Add(sso.DefaultTokenTTL+time.Second)).Verify(e.ctx, raw)
	var expired *oidc.TokenExpiredError
	if !errors.As(err, &expired) {
		t.Fatalf("ID token at T+TTL+1s: %v, want TokenExpiredError", err)
	}

	e.clock.Add(sso.DefaultTokenTTL + time.Second)
	resp, _ := e.userinfoWith(tok.AccessToken)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("userinfo with an expired access token: %d, want 401", resp.StatusCode)
	}

	e.clock.Add(time.Hour)
	refreshed, err := e.publicConfig().TokenSource(e.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if refreshed.RefreshToken == tok.RefreshToken || refreshed.RefreshToken == "" {
		t.Error("refresh token was not rotated")
	}
	idt, err := verifierAt(e.clock.Now()).Verify(e.ctx, idToken(t, refreshed))
	if err != nil {
		t.Fatalf("refreshed ID token: %v", err)
	}
	var claims struct {
		AuthTime int64  `json:"auth_time"`
		Nonce    string `json:"nonce"`
	}
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if !idt.IssuedAt.Equal(e.clock.Now()) || claims.AuthTime != e.start.Unix() || claims.Nonce != "" {
		t.Errorf("refreshed ID token iat %v auth_time %d nonce %q; want now, the original login, none", idt.IssuedAt, claims.AuthTime, claims.Nonce)
	}
	if resp, _ := e.userinfoWith(refreshed.AccessToken); resp.StatusCode != http.StatusOK {
		t.Errorf("userinfo with the refreshed access token: %d", resp.StatusCode)
	}

	// The rotated token is dead; replaying it revokes the whole grant.
	for i, rt := range []string{tok.RefreshToken, refreshed.RefreshToken} {
		status, m := e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {publicID}})
		wantOAuthError(t, status, m, http.StatusBadRequest, "invalid_grant")
		if i == 0 && !strings.Contains(m["error_description"].(string), "already used") {
			t.Errorf("replay description = %v", m["error_description"])
		}
	}
}

func TestRefreshTokenLastsEightHours(t *testing.T) {
	e := newEnv(t)
	tok := e.loginTokens()
	e.clock.Add(sso.RefreshTTL + time.Second)
	status, m := e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {publicID}})
	wantOAuthError(t, status, m, http.StatusBadRequest, "invalid_grant")
}

func TestRefreshTokenBoundToClient(t *testing.T) {
	e := newEnv(t)
	tok := e.loginTokens()
	status, m := e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}},
		func(r *http.Request) { r.SetBasicAuth(confID, url.QueryEscape(confSecret)) })
	wantOAuthError(t, status, m, http.StatusBadRequest, "invalid_grant")
}

func TestUserinfoRejectsBadTokens(t *testing.T) {
	e := newEnv(t)
	tok := e.loginTokens()
	parts := strings.Split(tok.AccessToken, ".")
	for name, token := range map[string]string{
		"garbage":       "not-a-jwt",
		"ID token":      idToken(t, tok),
		"bad signature": parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2])),
		"three dots":    "a.b.c",
	} {
		resp, body := e.userinfoWith(token)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), `"invalid_token"`) ||
			!strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: %d %q %s, want 401 invalid_token with WWW-Authenticate", name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
		}
	}
}

func (e *env) userinfoWith(token string) (*http.Response, []byte) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.ctx, http.MethodGet, e.issuer+"/userinfo", nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.do(req)
}

func TestTokenEndpointErrors(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		code   string
	}{
		{"no client", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}, 401, "invalid_client"},
		{"unknown client", url.Values{"grant_type": {"authorization_code"}, "client_id": {"nobody"}}, 401, "invalid_client"},
		{"public client with secret", url.Values{"grant_type": {"authorization_code"}, "client_id": {publicID}, "client_secret": {"x"}}, 401, "invalid_client"},
		{"no grant type", url.Values{"client_id": {publicID}}, 400, "invalid_request"},
		{"password grant", url.Values{"grant_type": {"password"}, "client_id": {publicID}}, 400, "unsupported_grant_type"},
		{"no code", url.Values{"grant_type": {"authorization_code"}, "client_id": {publicID}}, 400, "invalid_request"},
		{"unknown code", url.Values{"grant_type": {"authorization_code"}, "client_id": {publicID}, "code": {"nope"}}, 400, "invalid_grant"},
		{"no refresh token", url.Values{"grant_type": {"refresh_token"}, "client_id": {publicID}}, 400, "invalid_request"},
		{"unknown refresh token", url.Values{"grant_type": {"refresh_token"}, "client_id": {publicID}, "refresh_token": {"nope"}}, 400, "invalid_grant"},
		{"repeated parameter", url.Values{"grant_type": {"refresh_token", "refresh_token"}, "client_id": {publicID}}, 400, "invalid_request"},
	} {
		status, m := e.tokenRequest(c.form)
		if status != c.status || m["error"] != c.code {
			t.Errorf("%s: %d %v, want %d %s", c.name, status, m, c.status, c.code)
		}
	}
}
