package platform

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/sso"
)

// Each judge of sso_standards.go passes the answer the standard prescribes
// and fails a wrong one, naming system, operation and field; no network.

const (
	cbURI     = "https://portal.test/01/auth/callback"
	logoutURI = "https://portal.test/01/"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// wantJudged: err is nil when ok, else names every fragment.
func wantJudged(t *testing.T, name string, err error, ok bool, fragments ...string) {
	t.Helper()
	switch {
	case ok && err != nil:
		t.Errorf("%s: right answer refused: %v", name, err)
	case !ok && err == nil:
		t.Errorf("%s: wrong answer passed", name)
	case !ok:
		for _, f := range append([]string{"sso "}, fragments...) {
			if !strings.Contains(err.Error(), f) {
				t.Errorf("%s: failure does not name %q: %v", name, f, err)
			}
		}
	}
}

func TestPromptNoneProblems(t *testing.T) {
	for _, c := range []struct {
		name string
		a    *sso.AuthorizeAnswer
		ok   bool
		frag []string
	}{
		{"login_required redirect", &sso.AuthorizeAnswer{Status: 302, Callback: mustURL(t, cbURI+"?error=login_required&state=st&iss=x")}, true, nil},
		{"login page", &sso.AuthorizeAnswer{Status: 200, LoginForm: true}, false, []string{"GET /authorize (prompt=none, no session) redirect", "login_required", "HTTP 200 page"}},
		{"other error", &sso.AuthorizeAnswer{Status: 302, Callback: mustURL(t, cbURI+"?error=interaction_required&state=st")}, false, []string{"error: want \"login_required\", got \"interaction_required\""}},
		{"state lost", &sso.AuthorizeAnswer{Status: 302, Callback: mustURL(t, cbURI+"?error=login_required")}, false, []string{"state: want \"st\", got \"\""}},
		{"a code anyway", &sso.AuthorizeAnswer{Status: 302, Callback: mustURL(t, cbURI+"?code=abc&state=st")}, false, []string{"code: want \"\", got \"(present)\""}},
		{"elsewhere", &sso.AuthorizeAnswer{Status: 302, Callback: mustURL(t, "https://portal.test/01/other?error=login_required&state=st")}, false, []string{"redirect_uri"}},
	} {
		wantJudged(t, c.name, promptNoneProblems(c.a, cbURI, "st"), c.ok, c.frag...)
	}
}

func TestAuthorizePostProblems(t *testing.T) {
	get := &sso.AuthorizeAnswer{Status: 200, LoginForm: true}
	wantJudged(t, "same answer", authorizePostProblems(get, &sso.AuthorizeAnswer{Status: 200, LoginForm: true}), true)
	wantJudged(t, "405", authorizePostProblems(get, &sso.AuthorizeAnswer{Status: 405}), false,
		"POST /authorize HTTP status: want 200 (as sso GET /authorize told it), got 405", "POST /authorize login form")
	wantJudged(t, "GET broken", authorizePostProblems(&sso.AuthorizeAnswer{Status: 500}, &sso.AuthorizeAnswer{Status: 500}), false,
		"GET /authorize login form: want the provider's login form")
}

// jwtOf is an unsigned JWT of the claims (the judges never verify).
func jwtOf(t *testing.T, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc(b) + ".c2ln"
}

func tokenAnswer(t *testing.T, tweak func(m map[string]any)) *sso.TokenAnswer {
	t.Helper()
	now := float64(time.Now().Unix())
	m := map[string]any{
		"access_token":  jwtOf(t, map[string]any{"iat": now, "exp": now + 600}),
		"id_token":      jwtOf(t, map[string]any{"iat": now, "exp": now + 600}),
		"refresh_token": "r-1", "token_type": "Bearer", "expires_in": float64(600), "scope": "openid profile",
	}
	if tweak != nil {
		tweak(m)
	}
	return &sso.TokenAnswer{Status: 200, Members: m}
}

func TestTokenResponseProblems(t *testing.T) {
	now := float64(time.Now().Unix())
	for _, c := range []struct {
		name  string
		tweak func(m map[string]any)
		ok    bool
		frag  []string
	}{
		{"whole", nil, true, nil},
		{"lower-case bearer, scope reordered, opaque access token", func(m map[string]any) {
			m["token_type"], m["scope"], m["access_token"] = "bearer", "profile openid", "opaque"
		}, true, nil},
		{"scope left out", func(m map[string]any) { delete(m, "scope") }, true, nil},
		{"token_type mac", func(m map[string]any) { m["token_type"] = "mac" }, false, []string{"POST /token (authorization_code) token_type", `got "mac"`}},
		{"expires_in absent", func(m map[string]any) { delete(m, "expires_in") }, false, []string{"expires_in", "sso.max_token_lifetime", "got (absent)"}},
		{"expires_in a day", func(m map[string]any) { m["expires_in"] = float64(86400) }, false, []string{"expires_in", "≤ 3600", "got 86400"}},
		{"expires_in zero", func(m map[string]any) { m["expires_in"] = float64(0) }, false, []string{"expires_in"}},
		{"expires_in a string", func(m map[string]any) { m["expires_in"] = "600" }, false, []string{"expires_in"}},
		{"scope wider", func(m map[string]any) { m["scope"] = "openid profile phone" }, false, []string{"scope: want \"openid profile\", the scope requested"}},
		{"no refresh token", func(m map[string]any) { delete(m, "refresh_token") }, false, []string{"refresh_token: want present, got \"(absent)\""}},
		{"no id token", func(m map[string]any) { delete(m, "id_token") }, false, []string{"id_token: want present"}},
		{"id token lives a day", func(m map[string]any) { m["id_token"] = jwtOf(t, map[string]any{"iat": now, "exp": now + 86400}) }, false,
			[]string{"id_token exp − iat: want in (0, 1h0m0s] (sso.max_token_lifetime), got \"24h0m0s\""}},
		{"access token expired at birth", func(m map[string]any) { m["access_token"] = jwtOf(t, map[string]any{"iat": now, "exp": now}) }, false,
			[]string{"access_token exp − iat", `got "0s"`}},
		{"id token without exp", func(m map[string]any) { m["id_token"] = jwtOf(t, map[string]any{"iat": now}) }, false, []string{"id_token exp − iat"}},
	} {
		wantJudged(t, c.name, tokenResponseProblems(tokenAnswer(t, c.tweak), "openid profile", time.Hour), c.ok, c.frag...)
	}
	wantJudged(t, "an error answer", tokenResponseProblems(&sso.TokenAnswer{Status: 400, Members: map[string]any{"error": "invalid_grant"}}, "openid", time.Hour), false,
		"HTTP status: want 200, got 400", `error: want "", got "invalid_grant"`)
}

func TestTokenRefusedAndIssued(t *testing.T) {
	refusal := &sso.TokenAnswer{Status: 400, Members: map[string]any{"error": "invalid_grant", "error_description": "used"}}
	wantJudged(t, "invalid_grant", tokenRefused(refusal, "POST /token (replayed code)", "invalid_grant"), true)
	wantJudged(t, "wrong code", tokenRefused(refusal, "POST /token (wider scope)", "invalid_scope"), false,
		`POST /token (wider scope) error: want "invalid_scope", got "invalid_grant"`)
	wantJudged(t, "issued", tokenRefused(tokenAnswer(t, nil), "POST /token (wrong code_verifier)", "invalid_grant"), false,
		"(wrong code_verifier) HTTP status: want 400, got 200", `access_token: want (absent): nothing issued, got "(present)"`)
	wantJudged(t, "500", tokenRefused(&sso.TokenAnswer{Status: 500}, "POST /token", "invalid_grant"), false, "HTTP status: want 400, got 500")

	wantJudged(t, "tokens", tokensIssued(tokenAnswer(t, nil), "POST /token"), true)
	wantJudged(t, "no id token", tokensIssued(tokenAnswer(t, func(m map[string]any) { delete(m, "id_token") }), "POST /token"), false, "id_token: want present")
	wantJudged(t, "refused", tokensIssued(refusal, "POST /token"), false, "HTTP status: want 200, got 400", "invalid_grant")
}

func TestResourceRefused(t *testing.T) {
	wantJudged(t, "401", resourceRefused(&sso.ResourceAnswer{Status: 401, WWWAuthenticate: `Bearer error="invalid_token"`}, "GET /userinfo (access token of a replayed code)"), true)
	wantJudged(t, "200", resourceRefused(&sso.ResourceAnswer{Status: 200}, "GET /userinfo (access token of a replayed code)"), false,
		"GET /userinfo (access token of a replayed code) HTTP status: want 401, got 200")
}

func TestLogoutJudges(t *testing.T) {
	wantJudged(t, "registered", logoutRedirected(&sso.LogoutAnswer{Status: 302, Location: logoutURI + "?state=s"}, logoutURI, "s"), true)
	wantJudged(t, "no redirect", logoutRedirected(&sso.LogoutAnswer{Status: 400}, logoutURI, "s"), false, "GET /logout (registered post_logout_redirect_uri) Location", "HTTP 400 without a redirect")
	wantJudged(t, "state lost", logoutRedirected(&sso.LogoutAnswer{Status: 302, Location: logoutURI}, logoutURI, "s"), false, `state: want "s", got ""`)
	wantJudged(t, "elsewhere", logoutRedirected(&sso.LogoutAnswer{Status: 302, Location: "https://portal.test/02/?state=s"}, logoutURI, "s"), false, "redirect_uri")

	bad := unregisteredLogoutURIs(logoutURI)
	if len(bad) != 2 || bad[0] != "https://portal.test/01/dvcqa-unregistered-logout" || !strings.Contains(bad[1], ".invalid/") {
		t.Errorf("unregistered URIs %v", bad)
	}
	wantJudged(t, "refused", logoutRefused(&sso.LogoutAnswer{Status: 400}, bad[0]), true)
	wantJudged(t, "own page", logoutRefused(&sso.LogoutAnswer{Status: 302, Location: "https://sso.test/logged-out"}, bad[0]), true)
	wantJudged(t, "redirected", logoutRefused(&sso.LogoutAnswer{Status: 302, Location: bad[0] + "?state=s"}, bad[0]), false,
		"GET /logout (unregistered post_logout_redirect_uri "+bad[0]+") Location: want no redirect")
	wantJudged(t, "500", logoutRefused(&sso.LogoutAnswer{Status: 500}, bad[1]), false, "HTTP status: want the provider's own refusal (not 5xx), got 500")
}

func TestReleasedClaimsProblems(t *testing.T) {
	base := func() (map[string]any, map[string]any) {
		id := map[string]any{"iss": "x", "sub": "001090012345", "aud": "c", "exp": 2.0, "iat": 1.0, "nonce": "n", "auth_time": 1.0,
			"SoDinhDanh": "001090012345", "LoaiTaiKhoan": "1"}
		info := map[string]any{"sub": "001090012345", "SoDinhDanh": "001090012345", "LoaiTaiKhoan": "1"}
		return id, info
	}
	id, info := base()
	wantJudged(t, "openid", releasedClaimsProblems(id, info, "openid"), true)
	id["HoVaTen"], info["HoVaTen"], info["NgayThangNamSinh"], info["GioiTinh"] = "Nguyễn Thị Hoa", "Nguyễn Thị Hoa", "19900215", "2"
	wantJudged(t, "profile", releasedClaimsProblems(id, info, "openid profile"), true)
	err := releasedClaimsProblems(id, info, "openid")
	wantJudged(t, "profile claims under openid", err, false,
		`POST /token id_token (scope openid) HoVaTen: want absent: scope "openid" does not release it, got "(released)"`,
		"GET /userinfo (scope openid) NgayThangNamSinh")
	if err != nil && strings.Contains(err.Error(), "Nguyễn") {
		t.Errorf("the failure prints personal data: %v", err)
	}
	info["SoDienThoai"], info["ThuongTru"] = "0912345678", "Hà Nội"
	wantJudged(t, "phone and address under profile", releasedClaimsProblems(id, info, "openid profile"), false,
		"GET /userinfo (scope openid profile) SoDienThoai", "ThuongTru")
	wantJudged(t, "phone and address asked", releasedClaimsProblems(id, info, "openid profile phone address"), true)
	id, info = base()
	info["CCCD"] = "x"
	wantJudged(t, "a claim nobody names", releasedClaimsProblems(id, info, "openid"), false, "GET /userinfo (scope openid) CCCD")
	id, info = base()
	delete(info, "SoDinhDanh")
	wantJudged(t, "account not identified", releasedClaimsProblems(id, info, "openid"), false, "SoDinhDanh: want present")
}

func TestJWKSUseProblems(t *testing.T) {
	sig := jwk{Kty: "RSA", Use: "sig", Alg: "RS256", Kid: "k1"}
	wantJudged(t, "sig", jwksUseProblems([]jwk{sig}), true)
	wantJudged(t, "sig and a JWE key", jwksUseProblems([]jwk{sig, {Kty: "RSA", Use: "enc", Alg: "RSA-OAEP", Kid: "e1"}}), true)
	wantJudged(t, "use missing", jwksUseProblems([]jwk{{Kty: "RSA", Alg: "RS256", Kid: "k1"}}), false, `GET /jwks keys[0] (kid "k1").use: want "sig", got "(absent)"`)
	wantJudged(t, "signing key marked enc", jwksUseProblems([]jwk{{Kty: "RSA", Use: "enc", Alg: "RS256", Kid: "k1"}}), false, `.use: want "sig", got "enc"`)
	wantJudged(t, "enc without alg", jwksUseProblems([]jwk{sig, {Kty: "RSA", Use: "enc", Kid: "e1"}}), false, `keys[1] (kid "e1").use`)
	wantJudged(t, "no keys", jwksUseProblems(nil), false, "GET /jwks keys")
	// The discovery spec's judge stays as it was: a missing use is its
	// spec's business, not the discovery spec's.
	if p := jwksProblems([]jwk{{Kty: "RSA", Alg: "RS256", Kid: "k1", N: "AQAB", E: "AQAB"}}, ""); len(p) != 1 || !strings.Contains(p[0], "parts, want 3") {
		t.Errorf("jwksProblems on a key without use: %v", p)
	}
}

func TestPKCEAdvertised(t *testing.T) {
	wantJudged(t, "S256", pkceAdvertised(&sso.Discovery{Issuer: "https://sso.test", CodeChallengeMethodsSupported: []string{"plain", "S256"}}), true)
	wantJudged(t, "plain only", pkceAdvertised(&sso.Discovery{Issuer: "https://sso.test", CodeChallengeMethodsSupported: []string{"plain"}}), false,
		"discovery document of https://sso.test", `GET /.well-known/openid-configuration code_challenge_methods_supported: want a list holding "S256", got ["plain"]`)
	wantJudged(t, "omitted", pkceAdvertised(&sso.Discovery{Issuer: "https://sso.test"}), false, "code_challenge_methods_supported")
}

func TestNoCredentialsProblems(t *testing.T) {
	for _, c := range []struct {
		name string
		a    *sso.ResourceAnswer
		ok   bool
		frag []string
	}{
		{"bare challenge", &sso.ResourceAnswer{Status: 401, WWWAuthenticate: `Bearer realm="sso"`}, true, nil},
		{"bare scheme", &sso.ResourceAnswer{Status: 401, WWWAuthenticate: `Bearer`}, true, nil},
		{"description only is not an error code", &sso.ResourceAnswer{Status: 401, WWWAuthenticate: `Bearer realm="sso", error_description="log in"`}, true, nil},
		{"invalid_token", &sso.ResourceAnswer{Status: 401, WWWAuthenticate: `Bearer realm="sso", error="invalid_token"`}, false,
			[]string{"GET /userinfo (no Authorization header) WWW-Authenticate: want a Bearer challenge without an error code"}},
		{"invalid_request", &sso.ResourceAnswer{Status: 401, WWWAuthenticate: `Bearer error="invalid_request"`}, false, []string{"WWW-Authenticate"}},
		{"invalid_token in the body", &sso.ResourceAnswer{Status: 401, WWWAuthenticate: `Bearer`, Body: []byte(`{"error":"invalid_token"}`)}, false,
			[]string{`error: want no invalid_token`}},
		{"no challenge", &sso.ResourceAnswer{Status: 401}, false, []string{"WWW-Authenticate"}},
		{"Basic", &sso.ResourceAnswer{Status: 401, WWWAuthenticate: `Basic realm="sso"`}, false, []string{"WWW-Authenticate"}},
		{"served", &sso.ResourceAnswer{Status: 200, WWWAuthenticate: ``}, false, []string{"HTTP status: want 401, got 200"}},
	} {
		wantJudged(t, c.name, noCredentialsProblems(c.a), c.ok, c.frag...)
	}
}

func TestSameScope(t *testing.T) {
	if !sameScope("openid profile", "profile  openid") || sameScope("openid", "openid profile") {
		t.Error("sameScope")
	}
}
