package world

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAdminNeedsTheToken: every /admin/ path answers 401 with a Bearer
// challenge without the world's token or with a wrong one, and 200 with it;
// a PUT refused leaves the defects as they were.
func TestAdminNeedsTheToken(t *testing.T) {
	w, err := Start(Options{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tok := w.AdminToken()
	if len(tok) < 32 {
		t.Fatalf("default admin token %q: want a random 128-bit token", tok)
	}
	if other, err := Start(Options{Seed: 5}); err != nil {
		t.Fatal(err)
	} else {
		if other.AdminToken() == tok {
			t.Error("two worlds got the same default admin token")
		}
		other.Close()
	}
	hc := &http.Client{Timeout: 5 * time.Second}
	do := func(method, path, auth, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, w.URL+path, strings.NewReader(body))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, c := range []struct {
		name, method, path, auth, body string
		want                           int
		challenge                      string
	}{
		{"GET without token", "GET", "/admin/defects", "", "", 401, `Bearer realm="dvcqa-mock-admin"`},
		{"PUT without token", "PUT", "/admin/defects", "", `{"defects":["population-db-down"]}`, 401, `Bearer realm="dvcqa-mock-admin"`},
		{"GET wrong token", "GET", "/admin/defects", "Bearer " + tok + "x", "", 401, `Bearer realm="dvcqa-mock-admin", error="invalid_token"`},
		{"PUT wrong token", "PUT", "/admin/defects", "Bearer nope", `{"defects":["population-db-down"]}`, 401, `Bearer realm="dvcqa-mock-admin", error="invalid_token"`},
		{"token as Basic", "GET", "/admin/defects", "Basic " + tok, "", 401, `Bearer realm="dvcqa-mock-admin", error="invalid_token"`},
		{"unknown admin path without token", "GET", "/admin/other", "", "", 401, `Bearer realm="dvcqa-mock-admin"`},
		{"GET with token", "GET", "/admin/defects", "Bearer " + tok, "", 200, ""},
		{"unknown admin path with token", "GET", "/admin/other", "Bearer " + tok, "", 404, ""},
	} {
		resp := do(c.method, c.path, c.auth, c.body)
		if resp.StatusCode != c.want || resp.Header.Get("WWW-Authenticate") != c.challenge {
			t.Errorf("%s: HTTP %d, WWW-Authenticate %q; want %d, %q", c.name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), c.want, c.challenge)
		}
	}
	if on := w.Defects.List(); len(on) != 0 {
		t.Errorf("refused PUTs switched defects on: %v", on)
	}
	if resp := do("PUT", "/admin/defects", "bearer "+tok, `{"defects":["population-db-down"]}`); resp.StatusCode != 200 {
		t.Fatalf("PUT with token: HTTP %d", resp.StatusCode)
	}
	if on := w.Defects.List(); len(on) != 1 || on[0].String() != "population-db-down" {
		t.Errorf("PUT with token: defects on %v", on)
	}
}

// TestNonLoopbackAddrRefused: a world bound beyond loopback needs
// AllowRemote; loopback forms pass.
func TestNonLoopbackAddrRefused(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:8080", "example.com:80", "nonsense"} {
		if _, err := Start(Options{Seed: 1, Addr: addr}); !errors.Is(err, ErrRemoteAddr) {
			t.Errorf("Start(%q): %v, want ErrRemoteAddr", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:8080", "[::1]:0", "127.0.0.2:1"} {
		if err := CheckAddr(addr, false); err != nil {
			t.Errorf("CheckAddr(%q): %v", addr, err)
		}
	}
	if err := CheckAddr("0.0.0.0:0", true); err != nil {
		t.Errorf("CheckAddr with allowRemote: %v", err)
	}
}

// TestReachableURL: a world bound to every interface names an address that
// can be dialled, never 0.0.0.0.
func TestReachableURL(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{"127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"[::1]:8080", "http://[::1]:8080"},
	} {
		a, _ := net.ResolveTCPAddr("tcp", c.addr)
		if got := reachableURL(a); got != c.want {
			t.Errorf("reachableURL(%s) = %s, want %s", c.addr, got, c.want)
		}
	}
	a, _ := net.ResolveTCPAddr("tcp", "0.0.0.0:8080")
	if got := reachableURL(a); strings.Contains(got, "0.0.0.0") || !strings.HasSuffix(got, ":8080") {
		t.Errorf("reachableURL(0.0.0.0:8080) = %s", got)
	}
}
