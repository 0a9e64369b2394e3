package sso_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/oauth2"
)

func TestAuthorizeRefusesUnregisteredRedirectWithoutRedirecting(t *testing.T) {
	e := newEnv(t)
	challenge := oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())
	for name, q := range map[string]url.Values{
		"unregistered redirect_uri":  {"client_id": {publicID}, "redirect_uri": {"http://evil.test/cb"}},
		"prefix of a registered one": {"client_id": {publicID}, "redirect_uri": {"http://portal.test/01/auth"}},
		"missing redirect_uri":       {"client_id": {publicID}},
		"unknown client":             {"client_id": {"nobody"}, "redirect_uri": {redirectURI}},
		"repeated redirect_uri":      {"client_id": {publicID}, "redirect_uri": {redirectURI, "http://evil.test/cb"}},
	} {
		q.Set("response_type", "code")
		q.Set("scope", "openid")
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
		resp, body := e.get(e.issuer + "/authorize?" + q.Encode())
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("%s: %d location %q, want 400 without redirect", name, resp.StatusCode, resp.Header.Get("Location"))
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(body, []byte(`role="alert"`)) {
			t.Errorf("%s: want an HTML error page, got %s", name, body)
		}
	}
}

func TestAuthorizeErrorsRedirectToRegisteredURI(t *testing.T) {
	e := newEnv(t)
	cfg := e.publicConfig()
	challenge := oauth2.S256ChallengeOption(oauth2.GenerateVerifier())
	for _, c := range []struct {
		name, authURL, code string
	}{
		{"public client without code_challenge", cfg.AuthCodeURL("st"), "invalid_request"},
		{"plain PKCE", cfg.AuthCodeURL("st", oauth2.SetAuthURLParam("code_challenge", strings.Repeat("a", 43)),
			oauth2.SetAuthURLParam("code_challenge_method", "plain")), "invalid_request"},
		{"token response type", cfg.AuthCodeURL("st", challenge, oauth2.SetAuthURLParam("response_type", "token")), "unsupported_response_type"},
		{"no openid scope", cfg.AuthCodeURL("st", challenge, oauth2.SetAuthURLParam("scope", "profile")), "invalid_scope"},
	} {
		resp, _ := e.get(c.authURL)
		loc, err := resp.Location()
		if resp.StatusCode != http.StatusFound || err != nil {
			t.Errorf("%s: %d, want 302 to the client", c.name, resp.StatusCode)
			continue
		}
		q := loc.Query()
		if !strings.HasPrefix(loc.String(), redirectURI+"?") || q.Get("error") != c.code || q.Get("state") != "st" || q.Has("code") {
			t.Errorf("%s: redirect %s, want error %s and state", c.name, loc, c.code)
		}
	}

	// The hidden fields are checked again at POST /login: dropping the
	// challenge there does not yield a code either.
	page := cfg.AuthCodeURL("st", challenge)
	resp, body := e.get(page)
	form := find(parseHTML(t, body), func(n *html.Node) bool { return n.DataAtom == atom.Form })
	values := hiddenInputs(form)
	values.Del("code_challenge")
	values.Del("code_challenge_method")
	values.Set("username", citizenID)
	values.Set("password", citizenPW)
	resp, _ = e.postForm(e.issuer+"/login", values)
	if loc, _ := resp.Location(); loc == nil || loc.Query().Get("error") != "invalid_request" || loc.Query().Has("code") {
		t.Errorf("login without challenge: %d %v, want an invalid_request redirect", resp.StatusCode, loc)
	}
}

// TestLoginPageIsVietnameseAndEscaped checks the contract's page and that
// hostile parameters come back as data, not markup.
func TestLoginPageIsVietnameseAndEscaped(t *testing.T) {
	e := newEnv(t)
	hostile := `"><script>alert('xss')</script>`
	verifier := oauth2.GenerateVerifier()
	authURL := e.publicConfig().AuthCodeURL(hostile, oidc.Nonce(hostile), oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("acr_values", "<b>2</b>"))
	resp, body := e.get(authURL)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("login page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if bytes.Contains(body, []byte("<script")) || bytes.Contains(body, []byte("<b>")) {
		t.Errorf("hostile input rendered as markup:\n%s", body)
	}
	checkWellFormed(t, body)

	doc := parseHTML(t, body)
	htmlEl := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Html })
	meta := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Meta && attr(n, "charset") != "" })
	title := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Title })
	if attr(htmlEl, "lang") != "vi" || meta == nil || !strings.EqualFold(attr(meta, "charset"), "utf-8") ||
		textOf(title) != "Đăng nhập - Tài khoản định danh điện tử VNeID (mô phỏng)" {
		t.Errorf("page head: lang %q, meta %v, title %q", attr(htmlEl, "lang"), meta, textOf(title))
	}
	form := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Form })
	if form == nil || attr(form, "method") != "post" || attr(form, "action") != e.issuer+"/login" {
		t.Fatalf("form = %v, want POST to %s/login", form, e.issuer)
	}
	for _, f := range []struct{ id, typ, label string }{
		{"username", "text", "Số định danh cá nhân"},
		{"password", "password", "Mật khẩu"},
	} {
		in := find(form, func(n *html.Node) bool { return n.DataAtom == atom.Input && attr(n, "name") == f.id })
		label := find(form, func(n *html.Node) bool { return n.DataAtom == atom.Label && attr(n, "for") == f.id })
		if in == nil || attr(in, "id") != f.id || attr(in, "type") != f.typ || label == nil || textOf(label) != f.label {
			t.Errorf("field %s: input %v, label %v", f.id, in, label)
		}
	}
	button := find(form, func(n *html.Node) bool { return n.DataAtom == atom.Button })
	if button == nil || attr(button, "type") != "submit" || textOf(button) != "Đăng nhập" {
		t.Errorf("submit button = %v", button)
	}
	got := hiddenInputs(form)
	want, _ := url.Parse(authURL)
	for k, v := range want.Query() {
		if !slices.Equal(got[k], v) {
			t.Errorf("hidden %s = %q, want %q", k, got[k], v)
		}
	}

	// The re-rendered page after a failure escapes the typed username too.
	got.Set("username", `<img src=x onerror=alert(1)>`)
	got.Set("password", "x")
	resp, body = e.postForm(e.issuer+"/login", got)
	if resp.StatusCode != http.StatusUnauthorized || bytes.Contains(body, []byte("<img")) {
		t.Errorf("failed login page: %d, hostile username rendered:\n%s", resp.StatusCode, body)
	}
	checkWellFormed(t, body)
}

// checkWellFormed checks a doctype, and that every non-void element is
// closed in order.
func checkWellFormed(t *testing.T, body []byte) {
	t.Helper()
	void := map[string]bool{"meta": true, "input": true, "br": true, "img": true, "link": true, "hr": true}
	z := html.NewTokenizer(bytes.NewReader(body))
	var stack []string
	doctype := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			if !errors.Is(z.Err(), io.EOF) {
				t.Fatalf("tokenize: %v", z.Err())
			}
			if !doctype || len(stack) != 0 {
				t.Errorf("doctype %v, unclosed elements %v", doctype, stack)
			}
			return
		case html.DoctypeToken:
			doctype = true
		case html.StartTagToken:
			if name, _ := z.TagName(); !void[string(name)] {
				stack = append(stack, string(name))
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if len(stack) == 0 || stack[len(stack)-1] != string(name) {
				t.Fatalf("</%s> closes %v", name, stack)
			}
			stack = stack[:len(stack)-1]
		case html.SelfClosingTagToken:
			name, _ := z.TagName()
			t.Errorf("self-closing <%s/> in HTML5", name)
		}
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	resp, body := e.get(e.issuer + "/logout")
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("Bạn đã đăng xuất")) {
		t.Errorf("logout page: %d %s", resp.StatusCode, body)
	}
	resp, _ = e.get(e.issuer + "/logout?" + url.Values{"post_logout_redirect_uri": {loggedOutURI}, "client_id": {publicID}, "state": {"s"}}.Encode())
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != "http://portal.test/01/?state=s" {
		t.Errorf("logout redirect: %d %q", resp.StatusCode, loc)
	}
	resp, _ = e.get(e.issuer + "/logout?post_logout_redirect_uri=" + url.QueryEscape("http://evil.test/"))
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
		t.Errorf("logout to an unregistered origin: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}
