package faultproxy_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/internal/faultproxy"
	"github.com/dvcqa/dvcqa/internal/netreason"
)

// TestFaults: requests under the prefix meet the fault, in the words the
// harness reports it with; others pass through.
func TestFaults(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok","system":"payment","version":"1"}`)
	}))
	defer up.Close()
	for _, tc := range []struct {
		kind faultproxy.Kind
		want string
	}{
		{faultproxy.None, ""},
		{faultproxy.Latency, ""},
		{faultproxy.Blackhole, "timeout waiting for headers"},
		{faultproxy.Reset, "connection reset"},
		{faultproxy.Cut, "body cut after 16 bytes"},
		{faultproxy.Garbage, "malformed JSON at byte"},
		{faultproxy.HTML, "wrong content type"},
		{faultproxy.Huge, "body larger than the limit"},
		{faultproxy.Slow, "timeout reading the body"},
	} {
		p, err := faultproxy.New(faultproxy.Fault{Kind: tc.kind, Prefix: "/payment", Delay: 50 * time.Millisecond, HugeSize: 2 << 20, Rate: 16})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Forward(up.URL); err != nil {
			t.Fatal(err)
		}
		c := &http.Client{Timeout: 300 * time.Millisecond}
		get := func(path string) error {
			resp, err := c.Get(p.URL + path)
			if err != nil {
				return netreason.Transport(err)
			}
			defer resp.Body.Close()
			body, err := netreason.Read(resp, 1<<20)
			if err != nil {
				return err
			}
			var v map[string]any
			return netreason.Decode(body, &v)
		}
		err = get("/payment/healthz")
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.kind, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want %q", tc.kind, err, tc.want)
		}
		if err := get("/sso/healthz"); err != nil {
			t.Errorf("%s: another system met the fault: %v", tc.kind, err)
		}
		p.Close()
	}
}

// TestKill: the first request under the prefix is dropped unanswered, and
// from then on the server refuses every connection.
func TestKill(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	}))
	defer up.Close()
	p, err := faultproxy.New(faultproxy.Fault{Kind: faultproxy.Kill, Prefix: "/portal/01/api/v1/dossiers"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Forward(up.URL); err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Timeout: time.Second}
	get := func(path string) error {
		resp, err := c.Get(p.URL + path)
		if err != nil {
			return netreason.Transport(err)
		}
		resp.Body.Close()
		return nil
	}
	if err := get("/sso/healthz"); err != nil {
		t.Fatalf("before the kill: %v", err)
	}
	if err := get("/portal/01/api/v1/dossiers"); err == nil {
		t.Fatal("the killing request was answered")
	}
	// The listener closes just after the killing request.
	var last error
	for range 50 {
		if last = get("/sso/healthz"); last != nil && strings.Contains(last.Error(), "connection refused") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("after the kill: %v, want connection refused", last)
}
