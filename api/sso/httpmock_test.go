package sso_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/dvcqa/dvcqa/api/sso"
)

const idp = "https://idp.test/realms/citizens"

func discoveryJSON(issuer string) string {
	return `{"issuer":"` + issuer + `","authorization_endpoint":"` + idp + `/auth","token_endpoint":"` + idp +
		`/token","userinfo_endpoint":"` + idp + `/me","jwks_uri":"` + idp + `/certs","response_types_supported":["code"],` +
		`"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}`
}

// mockClient is a Client whose HTTP goes to a fresh httpmock transport.
func mockClient() (*sso.Client, *httpmock.MockTransport) {
	mt := httpmock.NewMockTransport()
	return &sso.Client{
		Issuer: idp, ClientID: "portal", RedirectURI: "https://portal.test/cb",
		HTTP: &http.Client{Transport: mt},
	}, mt
}

func TestDiscoverErrors(t *testing.T) {
	for _, c := range []struct {
		name      string
		responder httpmock.Responder
		want      string
	}{
		{"unavailable", httpmock.NewStringResponder(503, "maintenance"), "sso discover: GET " + idp + "/.well-known/openid-configuration: status 503: maintenance"},
		{"not JSON", httpmock.NewStringResponder(200, "<html>"), "sso discover: decode " + idp + "/.well-known/openid-configuration: "},
		{"issuer mismatch", httpmock.NewStringResponder(200, discoveryJSON(idp+"/")), `sso discover: issuer mismatch: configured "` + idp + `", provider says "` + idp + `/"`},
		{"no token endpoint", httpmock.NewStringResponder(200, strings.Replace(discoveryJSON(idp), `"token_endpoint"`, `"x"`, 1)), "lacks token_endpoint"},
		{"transport", httpmock.NewErrorResponder(http.ErrHandlerTimeout), "sso discover: Get \"" + idp + "/.well-known/openid-configuration\": "},
	} {
		cl, mt := mockClient()
		mt.RegisterResponder(http.MethodGet, idp+"/.well-known/openid-configuration", c.responder)
		d, err := cl.Discover(t.Context())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Discover = %v, %v; want error containing %q", c.name, d, err, c.want)
		}
		if n := mt.GetTotalCallCount(); n != 1 {
			t.Errorf("%s: %d calls, want 1", c.name, n)
		}
	}
}

func TestDiscoverDecodes(t *testing.T) {
	cl, mt := mockClient()
	mt.RegisterResponder(http.MethodGet, idp+"/.well-known/openid-configuration", httpmock.NewStringResponder(200, discoveryJSON(idp)))
	d, err := cl.Discover(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if d.TokenEndpoint != idp+"/token" || d.UserinfoEndpoint != idp+"/me" || d.JWKSURI != idp+"/certs" {
		t.Errorf("discovery = %+v", d)
	}
}

func TestLoginPageWithoutForm(t *testing.T) {
	cl, mt := mockClient()
	mt.RegisterResponder(http.MethodGet, idp+"/.well-known/openid-configuration", httpmock.NewStringResponder(200, discoveryJSON(idp)))
	mt.RegisterResponder(http.MethodGet, idp+"/auth", httpmock.NewStringResponder(200,
		`<!DOCTYPE html><html><body><p>Vui lòng dùng ứng dụng VNeID để quét mã QR.</p><form action="/search"><input name="q"></form></body></html>`))
	_, err := cl.Login(t.Context(), "001090012345", "pw")
	if err == nil || !strings.HasPrefix(err.Error(), "sso login: no login form on page "+idp+"/auth?") {
		t.Errorf("err = %v", err)
	}
	if n := mt.GetCallCountInfo()["POST "+idp+"/auth"]; n != 0 {
		t.Errorf("posted %d times to a page without a login form", n)
	}
}

// TestLoginForeignForm drives a provider whose form differs from the mock's:
// other field names, a relative action, extra hidden inputs and a session
// cookie. The provider's redirect is unusable, in four ways.
func TestLoginForeignForm(t *testing.T) {
	for _, c := range []struct {
		name     string
		redirect func(state string) string
		want     string
	}{
		{"no code", func(st string) string { return "https://portal.test/cb?state=" + url.QueryEscape(st) }, "sso login: redirect lacks code"},
		{"other state", func(string) string { return "https://portal.test/cb?code=c&state=forged" }, `sso login: redirect has state "forged"`},
		{"other issuer", func(st string) string {
			return "https://portal.test/cb?code=c&iss=https%3A%2F%2Fevil.test&state=" + url.QueryEscape(st)
		}, `sso login: redirect names issuer "https://evil.test"`},
		{"error", func(st string) string {
			return "https://portal.test/cb?error=access_denied&error_description=locked&state=" + url.QueryEscape(st)
		}, "sso login: provider refused: access_denied: locked"},
	} {
		cl, mt := mockClient()
		cl.UsernameField, cl.PasswordField = "email", "pass"
		mt.RegisterResponder(http.MethodGet, idp+"/.well-known/openid-configuration", httpmock.NewStringResponder(200, discoveryJSON(idp)))
		mt.RegisterResponder(http.MethodGet, idp+"/auth", func(req *http.Request) (*http.Response, error) {
			q := req.URL.Query()
			if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || q.Get("nonce") == "" || q.Get("client_id") != "portal" {
				return httpmock.NewStringResponse(400, "bad authorize request "+req.URL.RawQuery), nil
			}
			resp := httpmock.NewStringResponse(200, `<html><body>
				<form id="search" action="/search"><input name="q"></form>
				<form method="post" action="login-actions/authenticate?session_code=abc">
				<input type="hidden" name="tab_id" value="t1"><input type="hidden" name="st" value="`+q.Get("state")+`">
				<input type="email" name="email"><input type="password" name="pass">
				<input type="checkbox" name="remember"><input type="submit" name="login" value="Sign in"></form></body></html>`)
			resp.Header.Set("Set-Cookie", "AUTH_SESSION=s1; Path=/")
			return resp, nil
		})
		mt.RegisterResponder(http.MethodPost, idp+"/login-actions/authenticate", func(req *http.Request) (*http.Response, error) {
			ck, _ := req.Cookie("AUTH_SESSION")
			if err := req.ParseForm(); err != nil || ck == nil || req.URL.Query().Get("session_code") != "abc" {
				return httpmock.NewStringResponse(400, "no session"), nil
			}
			f := req.PostForm
			if f.Get("email") != "user@example.vn" || f.Get("pass") != "pw" || f.Get("tab_id") != "t1" || f.Get("login") != "Sign in" || f.Has("remember") || f.Has("q") {
				return httpmock.NewStringResponse(422, "unexpected form "+f.Encode()), nil
			}
			resp := httpmock.NewStringResponse(http.StatusFound, "")
			resp.Header.Set("Location", c.redirect(f.Get("st")))
			return resp, nil
		})
		_, err := cl.Login(t.Context(), "user@example.vn", "pw")
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
		if n := mt.GetCallCountInfo()["GET https://portal.test/cb"]; n != 0 {
			t.Errorf("%s: the redirect URI was fetched", c.name)
		}
	}
}

func TestClaims(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	tok := enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{"sub":"001090012345","HoVaTen":"Lê Thị Mai"}`)) + ".sig"
	claims, err := sso.Claims(tok)
	if err != nil || claims["sub"] != "001090012345" || claims["HoVaTen"] != "Lê Thị Mai" {
		t.Errorf("Claims = %v, %v", claims, err)
	}
	for _, bad := range []string{"", "a.b", "a.!!!.c", "a." + enc([]byte("[1]")) + ".c"} {
		if _, err := sso.Claims(bad); err == nil || !strings.HasPrefix(err.Error(), "sso claims: ") {
			t.Errorf("Claims(%q) error = %v", bad, err)
		}
	}
}
