package sso_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/dvcqa/dvcqa/api/sso"
)

// golden reads testdata/name with {{BASE}} replaced by base.
func golden(t *testing.T, name, base string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "{{BASE}}", base)
}

// fakeIdP serves a golden discovery document at its well-known path and
// records what reaches its other endpoints.
type fakeIdP struct {
	ts   *httptest.Server
	mu   sync.Mutex
	seen map[string]*http.Request // path → last request (body already parsed into PostForm)
	// answers by path; default 400.
	answers map[string]string
	calls   int
}

func newFakeIdP(t *testing.T, doc, wellKnown string) *fakeIdP {
	t.Helper()
	f := &fakeIdP{seen: map[string]*http.Request{}, answers: map[string]string{}}
	f.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.calls++
		f.mu.Unlock()
		if r.URL.Path == wellKnown {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(golden(t, doc, f.ts.URL)))
			return
		}
		_ = r.ParseForm()
		f.mu.Lock()
		f.seen[r.URL.Path] = r
		ans, ok := f.answers[r.URL.Path]
		f.mu.Unlock()
		if !ok {
			status := http.StatusBadRequest
			if strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration") {
				status = http.StatusNotFound
			}
			http.Error(w, "refused by the test", status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(ans))
	}))
	t.Cleanup(f.ts.Close)
	return f
}

func (f *fakeIdP) request(path string) *http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[path]
}

const wso2WellKnown = "/oauth2/token/.well-known/openid-configuration"

// TestDiscoverGoldenPerDialect: each dialect's document (testdata) is read
// whole, by a client of that dialect.
func TestDiscoverGoldenPerDialect(t *testing.T) {
	w := newFakeIdP(t, "wso2_discovery.json", wso2WellKnown)
	c := &sso.Client{Issuer: w.ts.URL + "/oauth2/token", ClientID: "dvcqa-portal", ClientSecret: "x", Dialect: sso.DialectWSO2, ClientAuth: sso.AuthBasic}
	d, err := c.Discover(t.Context())
	if err != nil {
		t.Fatalf("wso2 Discover: %v", err)
	}
	if d.AuthorizationEndpoint != w.ts.URL+"/oauth2/authorize" || d.TokenEndpoint != w.ts.URL+"/oauth2/token" ||
		d.UserinfoEndpoint != w.ts.URL+"/oauth2/userinfo" || d.JWKSURI != w.ts.URL+"/oauth2/jwks" ||
		strings.Join(d.ACRValuesSupported, " ") != "LoA1 LoA2" || len(d.CodeChallengeMethodsSupported) != 0 {
		t.Errorf("wso2 document = %+v", d)
	}
	o := newFakeIdP(t, "oidc_discovery.json", "/.well-known/openid-configuration")
	oc := &sso.Client{Issuer: o.ts.URL, ClientID: "dvcqa-portal"}
	if d, err := oc.Discover(t.Context()); err != nil || d.TokenEndpoint != o.ts.URL+"/token" {
		t.Errorf("oidc Discover = %+v, %v", d, err)
	}
}

// TestDialectMismatchIsOneError: the profile says one dialect, the
// provider speaks the other: Discover answers one error naming sso and
// the dialect, after one request.
func TestDialectMismatchIsOneError(t *testing.T) {
	for _, tc := range []struct {
		name, doc, wellKnown, issuerPath string
		client                           sso.Client
		want                             []string
	}{
		{"profile wso2, provider oidc", "oidc_discovery.json", "/.well-known/openid-configuration", "",
			sso.Client{Dialect: sso.DialectWSO2, ClientSecret: "x"},
			[]string{"sso speaks another dialect than wso2", `authorization_endpoint`, "does not end in /oauth2/authorize", "is it dialect oidc?"}},
		{"profile oidc, provider wso2", "wso2_discovery.json", wso2WellKnown, "/oauth2/token",
			sso.Client{Dialect: sso.DialectOIDC},
			[]string{"sso speaks another dialect than oidc", "no public clients", "is it dialect wso2?"}},
		{"profile oidc at the wso2 host's base", "wso2_discovery.json", wso2WellKnown, "",
			sso.Client{Dialect: sso.DialectOIDC},
			[]string{"status 404", "no discovery document for dialect oidc", "sso.dialect"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idp := newFakeIdP(t, tc.doc, tc.wellKnown)
			c := tc.client
			c.Issuer, c.ClientID, c.RedirectURI = idp.ts.URL+tc.issuerPath, "dvcqa-portal", "http://127.0.0.1:1/cb"
			_, err := c.Login(t.Context(), "001090012345", "pw")
			if err == nil {
				t.Fatal("Login against a provider of another dialect succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			idp.mu.Lock()
			defer idp.mu.Unlock()
			if idp.calls != 1 {
				t.Errorf("%d requests, want 1: the mismatch stops the login at discovery", idp.calls)
			}
		})
	}
}

// TestAuthorizeURLPerDialect: golden authorization requests. wso2 asks
// for scope openid with acr_values=LoA1 and no PKCE (a confidential
// client); oidc for today's scopes with PKCE S256 and no acr_values.
func TestAuthorizeURLPerDialect(t *testing.T) {
	w := newFakeIdP(t, "wso2_discovery.json", wso2WellKnown)
	c := &sso.Client{Issuer: w.ts.URL + "/oauth2/token", ClientID: "dvcqa-portal", ClientSecret: "x", RedirectURI: "http://127.0.0.1:1/portal/01/auth/callback",
		Dialect: sso.DialectWSO2, ClientAuth: sso.AuthBasic, ACRValues: "LoA1", Scopes: []string{"openid"}}
	_, _ = c.Login(t.Context(), "001090012345", "pw") // the fake refuses the request
	r := w.request("/oauth2/authorize")
	if r == nil {
		t.Fatal("no authorization request reached /oauth2/authorize")
	}
	q := r.URL.Query()
	want := url.Values{"response_type": {"code"}, "client_id": {"dvcqa-portal"}, "redirect_uri": {"http://127.0.0.1:1/portal/01/auth/callback"},
		"scope": {"openid"}, "acr_values": {"LoA1"}}
	for k, v := range want {
		if q.Get(k) != v[0] {
			t.Errorf("wso2 %s = %q, want %q", k, q.Get(k), v[0])
		}
	}
	for _, k := range []string{"state", "nonce"} {
		if q.Get(k) == "" {
			t.Errorf("wso2 authorization request lacks %s", k)
		}
	}
	for _, k := range []string{"code_challenge", "code_challenge_method"} {
		if q.Has(k) {
			t.Errorf("wso2 confidential client sent %s", k)
		}
	}

	o := newFakeIdP(t, "oidc_discovery.json", "/.well-known/openid-configuration")
	oc := &sso.Client{Issuer: o.ts.URL, ClientID: "dvcqa-portal", RedirectURI: "http://127.0.0.1:1/cb"}
	_, _ = oc.Login(t.Context(), "001090012345", "pw")
	r = o.request("/authorize")
	if r == nil {
		t.Fatal("no authorization request reached /authorize")
	}
	q = r.URL.Query()
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || q.Has("acr_values") ||
		q.Get("scope") != "openid profile address phone email" {
		t.Errorf("oidc authorization request = %v", q)
	}
}

// goldenBasic is HTTP Basic of client dvcqa-portal with secret "s3cr:t/+ x",
// each form-encoded first (RFC 6749 §2.3.1): dvcqa-portal:s3cr%3At%2F%2B+x,
// written out by hand.
const goldenBasic = "Basic ZHZjcWEtcG9ydGFsOnMzY3IlM0F0JTJGJTJCK3g="

// TestClientAuthenticationGolden: client_secret_basic sends the golden
// header and no secret in the form, client_secret_post the secret in the
// form and no header, for the refresh grant (x/oauth2) and the raw token
// request alike; the golden token response decodes.
func TestClientAuthenticationGolden(t *testing.T) {
	resp := strings.Replace(golden(t, "wso2_token_response.json", ""), `"id_token": "{{ID_TOKEN}}",`, "", 1)
	for _, auth := range []string{sso.AuthBasic, sso.AuthPost} {
		t.Run(auth, func(t *testing.T) {
			w := newFakeIdP(t, "wso2_discovery.json", wso2WellKnown)
			w.answers["/oauth2/token"] = resp
			c := &sso.Client{Issuer: w.ts.URL + "/oauth2/token", ClientID: "dvcqa-portal", ClientSecret: "s3cr:t/+ x", RedirectURI: "http://127.0.0.1:1/cb",
				Dialect: sso.DialectWSO2, ClientAuth: auth}
			check := func(what string) {
				r := w.request("/oauth2/token")
				if r == nil {
					t.Fatalf("%s: no token request", what)
				}
				h, f := r.Header.Get("Authorization"), r.PostForm
				switch auth {
				case sso.AuthBasic:
					if h != goldenBasic || f.Has("client_secret") {
						t.Errorf("%s: Authorization %q, form %v; want %q and no client_secret", what, h, f, goldenBasic)
					}
				case sso.AuthPost:
					if h != "" || f.Get("client_id") != "dvcqa-portal" || f.Get("client_secret") != "s3cr:t/+ x" {
						t.Errorf("%s: Authorization %q, form %v; want the secret in the form", what, h, f)
					}
				}
			}
			tok, err := c.Refresh(t.Context(), "0b7c3f2e-8d41-3c5a-b9e6-2f4a1d7c8e53")
			if err != nil {
				t.Fatalf("Refresh: %v", err)
			}
			if tok.AccessToken != "c2c8f7e0-5b1a-3f7e-9d2c-6a1b7e4d9f10" || tok.RefreshToken != "0b7c3f2e-8d41-3c5a-b9e6-2f4a1d7c8e53" {
				t.Errorf("golden token response read as %+v", tok)
			}
			check("refresh grant")
			a, err := c.RefreshScope(t.Context(), "rt", "")
			if err != nil || a.Status != 200 || a.String("token_type") != "Bearer" || a.Members["expires_in"] != float64(3600) {
				t.Errorf("raw token request = %+v, %v", a, err)
			}
			check("raw token request")
		})
	}
}

// TestACRProblem: the ID token's acr is at least the level requested.
func TestACRProblem(t *testing.T) {
	for _, tc := range []struct {
		acr, asked string
		ok         bool
	}{
		{"LoA1", "LoA1", true},
		{"LoA2", "LoA1", true},
		{"loa3", "LoA2 LoA3", true},
		{"LoA1", "LoA2", false},
		{"", "LoA1", false},
		{"anything", "", true},
		{"urn:x:pwd", "urn:x:pwd urn:x:otp", true},
		{"urn:x:sms", "urn:x:pwd", false},
	} {
		why := sso.ACRProblem(tc.acr, tc.asked)
		if (why == "") != tc.ok {
			t.Errorf("ACRProblem(%q, %q) = %q, want ok=%v", tc.acr, tc.asked, why, tc.ok)
		}
	}
}
