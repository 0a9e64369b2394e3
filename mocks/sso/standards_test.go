package sso_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/oauth2"

	"github.com/dvcqa/dvcqa/mocks/defects"
	"github.com/dvcqa/dvcqa/mocks/sso"
)

// The behaviours issue 10's standards specs hold the provider to, each
// proven right on a healthy provider and wrong with its seeded defect.

// withDefect is an env with one seeded defect switched on.
func withDefect(t *testing.T, name string) *env {
	t.Helper()
	return newEnvWith(t, func(o *sso.Options) { o.Defects = defects.NewSet(defects.Switch{Name: name}) })
}

// authQuery is a public client's authorization request for scope.
func authQuery(scope, verifier string) url.Values {
	return url.Values{
		"response_type": {"code"}, "client_id": {publicID}, "redirect_uri": {redirectURI},
		"scope": {scope}, "state": {"st"}, "nonce": {"n-1"},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"},
	}
}

// tokensFor logs the citizen in for scope and redeems the code.
func (e *env) tokensFor(scope string) map[string]any {
	e.t.Helper()
	verifier := oauth2.GenerateVerifier()
	code := e.code(e.issuer+"/authorize?"+authQuery(scope, verifier).Encode(), "st")
	status, m := e.tokenRequest(redeem(code, verifier))
	if status != http.StatusOK {
		e.t.Fatalf("redeem code: %d %v", status, m)
	}
	return m
}

func redeem(code, verifier string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI},
		"client_id": {publicID}, "code_verifier": {verifier}}
}

func TestPromptNoneAnswersLoginRequired(t *testing.T) {
	q := authQuery("openid", oauth2.GenerateVerifier())
	q.Set("prompt", "none")
	e := newEnv(t)
	resp, body := e.get(e.issuer + "/authorize?" + q.Encode())
	loc, _ := resp.Location()
	if resp.StatusCode != http.StatusFound || loc == nil || !strings.HasPrefix(loc.String(), redirectURI+"?") ||
		loc.Query().Get("error") != "login_required" || loc.Query().Get("state") != "st" {
		t.Fatalf("prompt=none: %d %v %.200s, want 302 to the redirect URI with error login_required and the state", resp.StatusCode, loc, body)
	}
	q.Set("prompt", "none login")
	resp, _ = e.get(e.issuer + "/authorize?" + q.Encode())
	if loc, _ := resp.Location(); loc == nil || loc.Query().Get("error") != "invalid_request" {
		t.Errorf("prompt=none login: %d %v, want invalid_request", resp.StatusCode, loc)
	}

	q.Set("prompt", "none")
	e = withDefect(t, "sso-prompt-none-shows-login")
	if resp, _ := e.get(e.issuer + "/authorize?" + q.Encode()); resp.StatusCode != http.StatusOK {
		t.Errorf("prompt=none with the defect on: %d, want the login page (200)", resp.StatusCode)
	}
}

func TestAuthorizeAcceptsPost(t *testing.T) {
	verifier := oauth2.GenerateVerifier()
	e := newEnv(t)
	resp, body := e.postForm(e.issuer+"/authorize", authQuery("openid profile", verifier))
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `name="password"`) {
		t.Fatalf("POST /authorize: %d %.200s, want the login page", resp.StatusCode, body)
	}
	form := find(parseHTML(t, body), func(n *html.Node) bool { return n.DataAtom == atom.Form })
	values := hiddenInputs(form)
	if values.Get("scope") != "openid profile" || values.Get("state") != "st" {
		t.Errorf("login page carries %v, want the posted parameters", values)
	}

	e = withDefect(t, "sso-authorize-post-refused")
	if resp, _ := e.postForm(e.issuer+"/authorize", authQuery("openid", verifier)); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /authorize with the defect on: %d, want 405", resp.StatusCode)
	}
}

func TestLogoutRedirectsOnlyToRegisteredURIs(t *testing.T) {
	e := newEnv(t)
	logout := func(e *env, target string, extra url.Values) *http.Response {
		q := url.Values{"post_logout_redirect_uri": {target}, "state": {"s"}}
		for k, v := range extra {
			q[k] = v
		}
		resp, _ := e.get(e.issuer + "/logout?" + q.Encode())
		return resp
	}
	id := url.Values{"client_id": {publicID}}
	if resp := logout(e, loggedOutURI, id); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != loggedOutURI+"?state=s" {
		t.Errorf("registered URI: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	tok := e.loginTokens()
	if resp := logout(e, loggedOutURI, url.Values{"id_token_hint": {idToken(t, tok)}}); resp.StatusCode != http.StatusFound {
		t.Errorf("registered URI, client named by id_token_hint: %d", resp.StatusCode)
	}
	for name, c := range map[string]struct {
		target string
		extra  url.Values
	}{
		"same origin, other path": {"http://portal.test/01/elsewhere", id},
		"redirect URI itself":     {redirectURI, id},
		"foreign host":            {"http://evil.test/", id},
		"no client named":         {loggedOutURI, nil},
		"another client":          {loggedOutURI, url.Values{"client_id": {confID}}},
	} {
		if resp := logout(e, c.target, c.extra); resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("%s: %d %q, want 400 without redirect", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}

	e = withDefect(t, "sso-logout-open-redirect")
	if resp := logout(e, "http://portal.test/01/elsewhere", id); resp.StatusCode != http.StatusFound {
		t.Errorf("same origin with the defect on: %d, want the redirect", resp.StatusCode)
	}
}

func TestClaimsFollowTheScope(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		scope         string
		idToken, info []string // identity claims released besides sub, SoDinhDanh, LoaiTaiKhoan
	}{
		{"openid", nil, nil},
		{"openid profile", []string{"HoVaTen", "NgayThangNamSinh", "GioiTinh"}, []string{"HoVaTen", "NgayThangNamSinh", "GioiTinh"}},
		{"openid phone email", nil, []string{"SoDienThoai", "ThuDienTu"}},
		{"openid address", nil, []string{"ThuongTru"}},
	} {
		m := e.tokensFor(c.scope)
		if m["scope"] != c.scope {
			t.Errorf("%s: granted scope %v", c.scope, m["scope"])
		}
		claims := claimsOf(t, m["id_token"].(string))
		info := e.userinfoMap(m["access_token"].(string))
		for _, k := range []string{"HoVaTen", "NgayThangNamSinh", "GioiTinh", "ThuongTru", "SoDienThoai", "ThuDienTu"} {
			if _, has := claims[k]; has != slices.Contains(c.idToken, k) {
				t.Errorf("scope %q: ID token has %s: %v", c.scope, k, has)
			}
			if _, has := info[k]; has != slices.Contains(c.info, k) {
				t.Errorf("scope %q: userinfo has %s: %v", c.scope, k, has)
			}
		}
		for _, k := range []string{"sub", "SoDinhDanh", "LoaiTaiKhoan"} {
			if info[k] == "" || claims[k] == nil {
				t.Errorf("scope %q lacks %s", c.scope, k)
			}
		}
	}

	e = withDefect(t, "sso-claims-beyond-scope")
	m := e.tokensFor("openid")
	if info := e.userinfoMap(m["access_token"].(string)); info["ThuongTru"] == "" || info["HoVaTen"] == "" {
		t.Errorf("scope openid with the defect on: userinfo %v, want every claim", info)
	}
}

func (e *env) userinfoMap(access string) map[string]string {
	e.t.Helper()
	resp, body := e.userinfoWith(access)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("userinfo: %d %s", resp.StatusCode, body)
	}
	return jsonStrings(e.t, body)
}

func TestReplayedCodeRevokesItsTokens(t *testing.T) {
	for _, c := range []struct {
		defect  string
		revoked bool
	}{{"", true}, {"sso-code-replay-keeps-tokens", false}} {
		e := newEnv(t)
		if c.defect != "" {
			e = withDefect(t, c.defect)
		}
		verifier := oauth2.GenerateVerifier()
		code := e.code(e.issuer+"/authorize?"+authQuery("openid profile", verifier).Encode(), "st")
		status, first := e.tokenRequest(redeem(code, verifier))
		if status != http.StatusOK {
			t.Fatalf("first redemption: %d %v", status, first)
		}
		status, m := e.tokenRequest(redeem(code, verifier))
		wantOAuthError(t, status, m, http.StatusBadRequest, "invalid_grant")
		resp, _ := e.userinfoWith(first["access_token"].(string))
		if got := resp.StatusCode == http.StatusUnauthorized; got != c.revoked {
			t.Errorf("defect %q: access token of the first redemption refused: %v, want %v", c.defect, got, c.revoked)
		}
		status, _ = e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first["refresh_token"].(string)}, "client_id": {publicID}})
		if got := status == http.StatusBadRequest; got != c.revoked {
			t.Errorf("defect %q: refresh token of the first redemption refused: %v, want %v", c.defect, got, c.revoked)
		}
	}
}

func TestRefreshCannotWidenScope(t *testing.T) {
	refresh := func(e *env, rt, scope string) (int, map[string]any) {
		return e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {publicID}, "scope": {scope}})
	}
	e := newEnv(t)
	m := e.tokensFor("openid profile")
	status, wide := refresh(e, m["refresh_token"].(string), "openid profile phone")
	wantOAuthError(t, status, wide, http.StatusBadRequest, "invalid_scope")
	// The refused request did not use the token up; a narrower one is granted.
	status, narrow := refresh(e, m["refresh_token"].(string), "openid")
	if status != http.StatusOK || narrow["scope"] != "openid" {
		t.Fatalf("narrower refresh: %d %v", status, narrow)
	}
	if info := e.userinfoMap(narrow["access_token"].(string)); info["HoVaTen"] != "" {
		t.Errorf("narrowed access token still releases HoVaTen")
	}
	// The new refresh token keeps the login's scope (RFC 6749 §6).
	status, again := refresh(e, narrow["refresh_token"].(string), "openid profile")
	if status != http.StatusOK || again["scope"] != "openid profile" {
		t.Errorf("refresh back to the login's scope: %d %v", status, again)
	}

	e = withDefect(t, "sso-refresh-widens-scope")
	m = e.tokensFor("openid")
	if status, wide := refresh(e, m["refresh_token"].(string), "openid profile"); status != http.StatusOK || wide["scope"] != "openid profile" {
		t.Errorf("wider refresh with the defect on: %d %v, want it granted", status, wide)
	}
}

func TestTokenLifetimeDefect(t *testing.T) {
	e := withDefect(t, "sso-token-lifetime-too-long")
	m := e.tokensFor("openid")
	if m["expires_in"] != float64(24*time.Hour/time.Second) {
		t.Errorf("expires_in %v with the defect on, want a day", m["expires_in"])
	}
	for _, tok := range []string{"id_token", "access_token"} {
		c := claimsOf(t, m[tok].(string))
		if d := c["exp"].(float64) - c["iat"].(float64); d != float64(24*time.Hour/time.Second) {
			t.Errorf("%s lasts %vs, want a day", tok, d)
		}
	}
	// The short-lived clients keep theirs: the expiry specs stay meaningful.
	e = newEnvWith(t, func(o *sso.Options) {
		o.Defects = defects.NewSet(defects.Switch{Name: "sso-token-lifetime-too-long"})
		o.Clients[0].TokenTTL = 2 * time.Second
	})
	if m := e.tokensFor("openid"); m["expires_in"] != float64(2) {
		t.Errorf("short-lived client with the defect on: expires_in %v, want 2", m["expires_in"])
	}
}

func TestJWKSUseDefect(t *testing.T) {
	for defect, want := range map[string]string{"": `"use":"sig"`, "sso-jwks-use-missing": ""} {
		e := newEnv(t)
		if defect != "" {
			e = withDefect(t, defect)
		}
		_, body := e.get(e.issuer + "/jwks")
		if has := strings.Contains(string(body), `"use"`); has != (want != "") || (want != "" && !strings.Contains(string(body), want)) {
			t.Errorf("defect %q: JWKS %s", defect, body)
		}
	}
}

func TestPKCEVerifierDefect(t *testing.T) {
	for defect, wantStatus := range map[string]int{"": http.StatusBadRequest, "sso-pkce-verifier-ignored": http.StatusOK} {
		e := newEnv(t)
		if defect != "" {
			e = withDefect(t, defect)
		}
		verifier := oauth2.GenerateVerifier()
		code := e.code(e.issuer+"/authorize?"+authQuery("openid", verifier).Encode(), "st")
		if status, m := e.tokenRequest(redeem(code, oauth2.GenerateVerifier())); status != wantStatus {
			t.Errorf("defect %q: wrong verifier answered %d %v, want %d", defect, status, m, wantStatus)
		}
	}
}

func TestNoCredentialsGetNoErrorCode(t *testing.T) {
	e := newEnv(t)
	resp, body := e.userinfoWith("")
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != `Bearer realm="sso"` || len(body) != 0 {
		t.Errorf("no credentials: %d %q %s, want 401 with a bare Bearer challenge", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
	}
	e = withDefect(t, "sso-invalid-token-without-credentials")
	resp, _ = e.userinfoWith("")
	if !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("no credentials with the defect on: %q, want invalid_token", resp.Header.Get("WWW-Authenticate"))
	}
}

func jsonStrings(t *testing.T, body []byte) map[string]string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("not a JSON object of strings: %v: %s", err, body)
	}
	return m
}
