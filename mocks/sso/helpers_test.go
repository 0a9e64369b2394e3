package sso_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/oauth2"

	"github.com/dvcqa/dvcqa/mocks/sso"
)

const (
	citizenID    = "001090012345"
	citizenPW    = "Mk-correct-horse"
	citizenName  = "Nguyễn Thị Hoa"
	publicID     = "dvcqa-portal"
	confID       = "partner-app"
	confSecret   = "s3cr:et/+&="
	redirectURI  = "http://portal.test/01/auth/callback"
	loggedOutURI = "http://portal.test/01/"
	confRedirect = "http://partner.test/cb?tenant=01"
)

// testKey is shared: generating RSA keys is the slowest part of the tests.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// fakeClock is the server's clock, moved by the tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one mock provider mounted under /sso like the world does.
type env struct {
	t      *testing.T
	srv    *sso.Server
	issuer string
	clock  *fakeClock
	start  time.Time
	hc     *http.Client // never follows redirects
	ctx    context.Context
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with the options adjusted by tweak first.
func newEnvWith(t *testing.T, tweak func(*sso.Options)) *env {
	t.Helper()
	start := time.Now().Truncate(time.Second)
	clock := &fakeClock{t: start}
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	opts := sso.Options{
		Issuer: ts.URL + "/sso",
		Accounts: []sso.Account{{
			PersonalID: citizenID,
			Password:   citizenPW,
			Claims: map[string]string{
				"HoVaTen": citizenName, "NgayThangNamSinh": "19900215", "GioiTinh": "2",
				"ThuongTru": "Phường Ba Đình, Hà Nội", "SoDienThoai": "0912345678", "ThuDienTu": "hoa@example.vn",
			},
		}},
		Clients: []sso.Client{
			{ID: publicID, RedirectURIs: []string{redirectURI}, PostLogoutRedirectURIs: []string{loggedOutURI}},
			{ID: confID, Secret: confSecret, RedirectURIs: []string{confRedirect}, TokenTTL: time.Minute},
		},
		Now: clock.Now,
		Key: testKey(),
	}
	if tweak != nil {
		tweak(&opts)
	}
	srv, err := sso.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mux.Handle("/sso/", http.StripPrefix("/sso", srv))
	hc := ts.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &env{t: t, srv: srv, issuer: ts.URL + "/sso", clock: clock, start: start, hc: hc,
		ctx: oidc.ClientContext(t.Context(), hc)}
}

// oauthConfig is a plain x/oauth2 configuration from the mock's endpoints.
func (e *env) oauthConfig(clientID, secret, redirect string, style oauth2.AuthStyle) *oauth2.Config {
	return &oauth2.Config{
		ClientID: clientID, ClientSecret: secret, RedirectURL: redirect,
		Scopes: []string{oidc.ScopeOpenID, "profile", "address", "phone", "email"},
		Endpoint: oauth2.Endpoint{
			AuthURL: e.issuer + "/authorize", TokenURL: e.issuer + "/token", AuthStyle: style,
		},
	}
}

func (e *env) publicConfig() *oauth2.Config {
	return e.oauthConfig(publicID, "", redirectURI, oauth2.AuthStyleInParams)
}

func (e *env) do(req *http.Request) (*http.Response, []byte) {
	e.t.Helper()
	resp, err := e.hc.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read %s: %v", req.URL, err)
	}
	return resp, body
}

func (e *env) get(u string) (*http.Response, []byte) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.ctx, http.MethodGet, u, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(req)
}

func (e *env) postForm(u string, form url.Values, configure ...func(*http.Request)) (*http.Response, []byte) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, f := range configure {
		f(req)
	}
	return e.do(req)
}

// login opens the authorize URL, fills the page's form and returns the
// answer to the POST (not followed).
func (e *env) login(authURL, username, password string) (*http.Response, []byte) {
	e.t.Helper()
	resp, body := e.get(authURL)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET authorize: status %d: %s", resp.StatusCode, body)
	}
	doc := parseHTML(e.t, body)
	form := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Form })
	if form == nil {
		e.t.Fatalf("no form on login page:\n%s", body)
	}
	values := hiddenInputs(form)
	values.Set("username", username)
	values.Set("password", password)
	return e.postForm(attr(form, "action"), values)
}

// code logs the citizen in and returns the authorization code.
func (e *env) code(authURL, state string) string {
	e.t.Helper()
	resp, body := e.login(authURL, citizenID, citizenPW)
	if resp.StatusCode != http.StatusFound {
		e.t.Fatalf("POST login: status %d, want 302: %s", resp.StatusCode, body)
	}
	loc, err := resp.Location()
	if err != nil {
		e.t.Fatalf("login redirect: %v", err)
	}
	q := loc.Query()
	if q.Get("state") != state || q.Get("code") == "" || q.Get("iss") != e.issuer {
		e.t.Fatalf("login redirect %s: want state %q, a code and iss", loc, state)
	}
	return q.Get("code")
}

// tokenRequest posts to /token and decodes the JSON answer.
func (e *env) tokenRequest(form url.Values, configure ...func(*http.Request)) (int, map[string]any) {
	e.t.Helper()
	resp, body := e.postForm(e.issuer+"/token", form, configure...)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		e.t.Fatalf("token response %d is not JSON: %v: %s", resp.StatusCode, err, body)
	}
	return resp.StatusCode, m
}

func (e *env) provider() *oidc.Provider {
	e.t.Helper()
	p, err := oidc.NewProvider(e.ctx, e.issuer)
	if err != nil {
		e.t.Fatalf("oidc.NewProvider: %v", err)
	}
	return p
}

// loginTokens runs the whole flow with x/oauth2 for the public client.
func (e *env) loginTokens() *oauth2.Token {
	e.t.Helper()
	cfg := e.publicConfig()
	verifier := oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL("st", oidc.Nonce("n-1"), oauth2.S256ChallengeOption(verifier))
	tok, err := cfg.Exchange(e.ctx, e.code(authURL, "st"), oauth2.VerifierOption(verifier))
	if err != nil {
		e.t.Fatalf("Exchange: %v", err)
	}
	return tok
}

func idToken(t *testing.T, tok *oauth2.Token) string {
	t.Helper()
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		t.Fatal("token response lacks id_token")
	}
	return raw
}

func parseHTML(t *testing.T, body []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return doc
}

func find(root *html.Node, match func(*html.Node) bool) *html.Node {
	for n := range root.Descendants() {
		if n.Type == html.ElementNode && match(n) {
			return n
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hiddenInputs(form *html.Node) url.Values {
	v := url.Values{}
	for n := range form.Descendants() {
		if n.DataAtom == atom.Input && attr(n, "type") == "hidden" {
			v.Add(attr(n, "name"), attr(n, "value"))
		}
	}
	return v
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.TrimSpace(b.String())
}

func wantOAuthError(t *testing.T, status int, m map[string]any, wantStatus int, wantCode string) {
	t.Helper()
	if status != wantStatus || m["error"] != wantCode {
		t.Fatalf("got %d %v, want %d error %q", status, m, wantStatus, wantCode)
	}
	if d, _ := m["error_description"].(string); d == "" {
		t.Errorf("error %q has no error_description", wantCode)
	}
}
