package portal

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/dvcqa/dvcqa/mocks/sso"
	"github.com/dvcqa/dvcqa/vocab"
)

const wso2Secret = "portal-s3cr:t/+"

// newWSO2WebEnv is newWebEnv with the SSO speaking dialect wso2: the
// portal's client is confidential, its keys at /oauth2/jwks. Token
// requests reaching the SSO are recorded.
func newWSO2WebEnv(t *testing.T, acr string) (*env, *tokenRequests) {
	t.Helper()
	ssoSrv := httptest.NewServer(nil)
	t.Cleanup(ssoSrv.Close)
	base := ssoSrv.URL + "/sso"
	iss := base + "/oauth2/token"
	e := newEnvFrom(t, envConfig{day: worldDay, prefix: portalPrefix, tweak: func(o *Options) {
		o.SSOIssuer = iss
		o.KeySet = nil
		o.SSOClient = SSOClient{Secret: wso2Secret, AuthMethod: "client_secret_basic", ACRValues: acr, JWKSURL: base + "/oauth2/jwks"}
	}})
	provider, err := sso.New(sso.Options{Issuer: base, Dialect: vocab.DialectSSOWSO2, Key: ssoKey,
		Accounts: []sso.Account{{PersonalID: an.ID, Password: password(an), Claims: map[string]string{"HoVaTen": an.Name}}},
		Clients:  []sso.Client{{ID: "dvcqa-portal", Secret: wso2Secret, RedirectURIs: []string{e.base + "/auth/callback"}}}})
	if err != nil {
		t.Fatal(err)
	}
	rec := &tokenRequests{}
	mux := http.NewServeMux()
	mux.Handle("/sso/", http.StripPrefix("/sso", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oauth2/token":
			rec.add(r.Header.Get("Authorization"))
		case "/oauth2/authorize":
			if r.URL.Query().Has("client_id") {
				rec.addAuthorize(r.URL.Query())
			}
		}
		provider.ServeHTTP(w, r)
	})))
	ssoSrv.Config.Handler = mux
	return e, rec
}

type tokenRequests struct {
	mu        sync.Mutex
	auth      []string
	authorize []url.Values
}

func (r *tokenRequests) add(h string) { r.mu.Lock(); r.auth = append(r.auth, h); r.mu.Unlock() }
func (r *tokenRequests) addAuthorize(q url.Values) {
	r.mu.Lock()
	r.authorize = append(r.authorize, q)
	r.mu.Unlock()
}

// TestWebLoginWSO2: the web login goes through WSO2's pages
// (/authenticationendpoint/login.do, /commonauth), asks acr_values=LoA1
// without PKCE, redeems the code with HTTP Basic and opens a session.
func TestWebLoginWSO2(t *testing.T) {
	e, rec := newWSO2WebEnv(t, "LoA1")
	b := e.browser()
	page := b.get("/dang-nhap?next=" + url.QueryEscape("/"))
	if page.status != http.StatusOK || !strings.HasSuffix(page.url.Path, "/sso/authenticationendpoint/login.do") {
		t.Fatalf("login did not reach the WSO2 login page: %d %s", page.status, page.url)
	}
	form := first(page.doc, func(n *html.Node) bool { return n.DataAtom == atom.Form })
	if form == nil || !strings.HasSuffix(attr(form, "action"), "/sso/commonauth") {
		t.Fatalf("login.do has no form posting to /commonauth: %s", page.body)
	}
	vals := url.Values{}
	for _, in := range all(form, func(n *html.Node) bool { return n.DataAtom == atom.Input }) {
		if name := attr(in, "name"); name != "" {
			vals.Set(name, attr(in, "value"))
		}
	}
	vals.Set("username", an.ID)
	vals.Set("password", password(an))
	back := b.post(attr(form, "action"), vals)
	if back.status != http.StatusOK || back.url.Path != portalPrefix+"/" || !strings.Contains(back.body, an.Name) {
		t.Fatalf("after login: %d %s, want the home page with the citizen's name", back.status, back.url)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.authorize) != 1 {
		t.Fatalf("%d authorization requests, want 1", len(rec.authorize))
	}
	q := rec.authorize[0]
	if q.Get("acr_values") != "LoA1" || q.Has("code_challenge") || q.Get("response_type") != "code" {
		t.Errorf("authorization request %v: want acr_values=LoA1, no PKCE", q)
	}
	// HTTP Basic of dvcqa-portal:portal-s3cr%3At%2F%2B (RFC 6749 §2.3.1), by hand.
	want := "Basic ZHZjcWEtcG9ydGFsOnBvcnRhbC1zM2NyJTNBdCUyRiUyQg=="
	if len(rec.auth) != 1 || rec.auth[0] != want {
		t.Errorf("token requests' Authorization = %q, want [%q]", rec.auth, want)
	}
}

// TestWebLoginWSO2RefusesLowACR: an ID token below the level asked for
// (the mock SSO reaches LoA2 at most, answering LoA1 to LoA3) opens no
// session.
func TestWebLoginWSO2RefusesLowACR(t *testing.T) {
	e, _ := newWSO2WebEnv(t, "LoA3")
	b := e.browser()
	page := b.get("/dang-nhap")
	form := first(page.doc, func(n *html.Node) bool { return n.DataAtom == atom.Form })
	if form == nil {
		t.Fatalf("no login form: %d %s", page.status, page.url)
	}
	vals := url.Values{}
	for _, in := range all(form, func(n *html.Node) bool { return n.DataAtom == atom.Input }) {
		if name := attr(in, "name"); name != "" {
			vals.Set(name, attr(in, "value"))
		}
	}
	vals.Set("username", an.ID)
	vals.Set("password", password(an))
	back := b.post(attr(form, "action"), vals)
	if back.status != http.StatusUnauthorized || !strings.Contains(back.body, "Mức độ xác thực") {
		t.Fatalf("login with acr LoA1 for LoA3: %d %s, want 401 and the level message", back.status, back.url)
	}
}
