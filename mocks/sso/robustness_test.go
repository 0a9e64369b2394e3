package sso_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestBadInputNeverAnswers500 throws malformed requests at every endpoint.
func TestBadInputNeverAnswers500(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		method, path, contentType, body string
		status                          int
	}{
		{"GET", "/nope", "", "", 404},
		{"GET", "/", "", "", 404},
		{"DELETE", "/token", "", "", 405},
		{"GET", "/login", "", "", 405},
		{"PUT", "/authorize", "", "", 405},
		{"POST", "/authorize", "", "", 400},
		{"POST", "/authorize", "application/x-www-form-urlencoded", "%zz=%", 400},
		{"GET", "/authorize", "", "", 400},
		{"GET", "/authorize?client_id=%zz&redirect_uri=%", "", "", 400},
		{"POST", "/login", "application/x-www-form-urlencoded", "%zz=%", 400},
		{"POST", "/login", "application/x-www-form-urlencoded", "username=1&password=2", 400},
		{"POST", "/login", "application/x-www-form-urlencoded", strings.Repeat("a", 70<<10), 400},
		{"POST", "/token", "application/json", `{"grant_type":"authorization_code"}`, 401},
		{"POST", "/token", "application/x-www-form-urlencoded", "grant_type=%zz", 400},
		{"POST", "/token", "application/x-www-form-urlencoded", strings.Repeat("a", 70<<10), 400},
		{"GET", "/userinfo", "", "", 401},
		{"GET", "/logout?post_logout_redirect_uri=%3A%2F%2F", "", "", 400},
	} {
		req, err := http.NewRequestWithContext(e.ctx, c.method, e.issuer+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		if c.contentType != "" {
			req.Header.Set("Content-Type", c.contentType)
		}
		resp, body := e.do(req)
		if resp.StatusCode != c.status {
			t.Errorf("%s %s %.40q: %d, want %d: %.200s", c.method, c.path, c.body, resp.StatusCode, c.status, body)
		}
	}
}

// TestRequestLogHoldsNoSecrets: the log names each request but never the
// password, code or tokens.
func TestRequestLogHoldsNoSecrets(t *testing.T) {
	e := newEnv(t)
	tok := e.loginTokens()
	e.userinfoWith(tok.AccessToken)
	var seen []string
	for _, r := range e.srv.Requests() {
		seen = append(seen, r.Method+" "+r.Path+" "+http.StatusText(r.Status))
		if r.Time.IsZero() {
			t.Errorf("entry %v has no time", r)
		}
		for _, secret := range []string{citizenPW, tok.AccessToken, tok.RefreshToken, "code=", "?"} {
			if strings.Contains(r.Path, secret) {
				t.Errorf("log entry %v contains %q", r, secret)
			}
		}
	}
	want := []string{"GET /authorize OK", "POST /login Found", "POST /token OK", "GET /userinfo OK"}
	if strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Errorf("log = %v, want %v", seen, want)
	}
}
