package sso_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/dvcqa/dvcqa/mocks/sso"
	"github.com/dvcqa/dvcqa/vocab"
)

func newWSO2Env(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, func(o *sso.Options) { o.Dialect = vocab.DialectSSOWSO2 })
}

func readGolden(t *testing.T, name, base string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(b), "{{BASE}}", base)), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWSO2DiscoveryGolden: the document under the WSO2 issuer holds every
// member of the golden example (testdata), with the same values; the oidc
// paths are not served.
func TestWSO2DiscoveryGolden(t *testing.T) {
	e := newWSO2Env(t)
	if got := e.srv.Issuer(); got != e.issuer+"/oauth2/token" {
		t.Fatalf("Issuer = %q, want …/oauth2/token", got)
	}
	resp, body := e.get(e.issuer + "/oauth2/token/.well-known/openid-configuration")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("discovery: %d %s", resp.StatusCode, body)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	for k, want := range readGolden(t, "wso2_discovery.json", e.issuer) {
		if !reflect.DeepEqual(got[k], want) {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	if _, has := got["code_challenge_methods_supported"]; has {
		t.Error("wso2 advertises PKCE; the public configurations show none")
	}
	for _, p := range []string{"/.well-known/openid-configuration", "/authorize", "/jwks"} {
		if resp, _ := e.get(e.issuer + p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s in wso2 = %d, want 404", p, resp.StatusCode)
		}
	}
}

// wso2Login walks WSO2's round trip by hand: /oauth2/authorize →
// login.do → /commonauth → /oauth2/authorize?sessionDataKey → the
// callback, returning the callback's query.
func wso2Login(t *testing.T, e *env, params url.Values, password string) url.Values {
	t.Helper()
	resp, body := e.get(e.issuer + "/oauth2/authorize?" + params.Encode())
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil || loc.Path != "/sso/authenticationendpoint/login.do" || loc.Query().Get("sessionDataKey") == "" {
		t.Fatalf("authorize: %d %v %s, want a redirect to login.do with a sessionDataKey", resp.StatusCode, loc, body)
	}
	resp, body = e.get(loc.String())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login.do: %d %s", resp.StatusCode, body)
	}
	form := find(parseHTML(t, body), func(n *html.Node) bool { return n.DataAtom == atom.Form })
	if form == nil || attr(form, "action") != e.issuer+"/commonauth" {
		t.Fatalf("login.do has no form posting to /commonauth:\n%s", body)
	}
	values := hiddenInputs(form)
	values.Set("username", citizenID)
	values.Set("password", password)
	resp, body = e.postForm(attr(form, "action"), values)
	next, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("commonauth: %d %s", resp.StatusCode, body)
	}
	if password != citizenPW {
		if next.Query().Get("authFailure") != "true" || next.Path != "/sso/authenticationendpoint/login.do" {
			t.Fatalf("wrong password redirected to %s, want login.do?authFailure=true", next)
		}
		_, page := e.get(next.String())
		if !strings.Contains(string(page), "Số định danh hoặc mật khẩu không đúng") {
			t.Errorf("login.do after a failure does not say so:\n%s", page)
		}
		return nil
	}
	if next.Path != "/sso/oauth2/authorize" {
		t.Fatalf("commonauth redirected to %s, want /oauth2/authorize", next)
	}
	resp, body = e.get(next.String())
	cb, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("authorize with sessionDataKey: %d %s", resp.StatusCode, body)
	}
	if again, _ := e.get(next.String()); again.StatusCode != http.StatusBadRequest {
		t.Errorf("sessionDataKey used twice: %d, want 400", again.StatusCode)
	}
	return cb.Query()
}

// TestWSO2ConfidentialFlow: the confidential client logs in without PKCE,
// must authenticate at the token endpoint (Basic or post), and the ID
// token carries the acr asked for (LoA1 when none is).
func TestWSO2ConfidentialFlow(t *testing.T) {
	e := newWSO2Env(t)
	iss := e.issuer + "/oauth2/token"
	params := func(acr string) url.Values {
		v := url.Values{"response_type": {"code"}, "client_id": {confID}, "redirect_uri": {confRedirect}, "scope": {"openid"}, "state": {"st"}, "nonce": {"n"}}
		if acr != "" {
			v.Set("acr_values", acr)
		}
		return v
	}
	if q := wso2Login(t, e, params("LoA1"), "sai-mat-khau"); q != nil {
		t.Fatalf("wrong password answered %v", q)
	}
	for _, tc := range []struct {
		acr, want string
		auth      func(form url.Values) func(*http.Request)
	}{
		{"LoA2", "LoA2", func(url.Values) func(*http.Request) {
			return func(r *http.Request) { r.SetBasicAuth(url.QueryEscape(confID), url.QueryEscape(confSecret)) }
		}},
		{"", "LoA1", func(f url.Values) func(*http.Request) {
			f.Set("client_id", confID)
			f.Set("client_secret", confSecret)
			return func(*http.Request) {}
		}},
	} {
		q := wso2Login(t, e, params(tc.acr), citizenPW)
		if q.Get("state") != "st" || q.Get("code") == "" || q.Get("iss") != iss {
			t.Fatalf("callback %v: want state, code and iss %s", q, iss)
		}
		form := url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "redirect_uri": {confRedirect}}
		if status, m := e.tokenRequestAt(e.issuer+"/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "redirect_uri": {confRedirect}, "client_id": {confID}}); status != http.StatusUnauthorized || m["error"] != "invalid_client" {
			t.Errorf("token request without the secret: %d %v, want 401 invalid_client", status, m)
		}
		status, m := e.tokenRequestAt(e.issuer+"/oauth2/token", form, tc.auth(form))
		if status != http.StatusOK {
			t.Fatalf("token: %d %v", status, m)
		}
		for k, v := range readGolden(t, "wso2_token_response.json", "") {
			if _, has := m[k]; !has {
				t.Errorf("token response lacks %s (golden %v)", k, v)
			}
		}
		claims := claimsOf(t, m["id_token"].(string))
		if claims["acr"] != tc.want || claims["iss"] != iss || claims["nonce"] != "n" {
			t.Errorf("ID token acr %v iss %v nonce %v; want %s, %s, n", claims["acr"], claims["iss"], claims["nonce"], tc.want, iss)
		}
	}
}

// tokenRequestAt posts a form to a token endpoint and decodes the answer.
func (e *env) tokenRequestAt(u string, form url.Values, configure ...func(*http.Request)) (int, map[string]any) {
	e.t.Helper()
	resp, body := e.postForm(u, form, configure...)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		e.t.Fatalf("token response %d is not JSON: %v: %s", resp.StatusCode, err, body)
	}
	return resp.StatusCode, m
}
