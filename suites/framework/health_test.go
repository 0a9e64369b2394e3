package framework

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
)

// A real loopback world whose systems misbehave in the ways the health
// check must tell apart: down (refused, 5xx), unknown (404, no probe), ok.
func TestHealthOnlyEvidenceIsDown(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/sso/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"issuer":"x"}`))
	})
	mux.HandleFunc("/portal/01/healthz", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusServiceUnavailable) })
	// /dvcqg/healthz is not served: 404.
	mux.HandleFunc("/gateway/healthz", func(w http.ResponseWriter, r *http.Request) {
		// A word other than ok or down proves nothing: unknown.
		_, _ = w.Write([]byte(`{"status":"ok","databases":{"population":"ok","tax":"down","land":"degraded"}}`))
	})
	mux.HandleFunc("/gateway/api/v1/population/records", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream", http.StatusBadGateway)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + closed.Addr().String()
	closed.Close()

	tgt := &fixtures.Target{Timeouts: fixtures.TargetTimeouts{Request: 2 * time.Second},
		URLs: fixtures.URLs{SSO: srv.URL + "/sso", Portal: srv.URL + "/portal/01", DVCQG: srv.URL + "/dvcqg",
			Payment: refused + "/payment", Gateway: srv.URL + "/gateway"}}
	wire := newWireWatch(http.DefaultTransport, map[string]string{"gateway": tgt.URLs.Gateway, "payment": tgt.URLs.Payment})
	e := &Env{Target: tgt, HTTP: &http.Client{Transport: wire}, wire: wire}

	got := map[string]SystemHealth{}
	for _, h := range e.CheckHealth(context.Background()) {
		got[h.System] = h
	}
	want := map[string]string{"sso": HealthOK, "portal": HealthDown, "dvcqg": HealthUnknown, "payment": HealthDown,
		"gateway": HealthOK, "db:population": HealthOK, "db:tax": HealthDown, "db:land": HealthUnknown}
	for sys, st := range want {
		if got[sys].Status != st {
			t.Errorf("%s: status %q (%s), want %q", sys, got[sys].Status, got[sys].Detail, st)
		}
	}
	if !strings.Contains(got["payment"].Detail, "connection refused") {
		t.Errorf("payment detail %q does not say connection refused", got["payment"].Detail)
	}

	// No probe at all is unknown, not down.
	e.Target.Health = fixtures.HealthProbes{SSO: fixtures.HealthNone}
	if h := e.probe(context.Background(), "sso", e.Target.Health.Probe("sso", tgt.URLs.SSO)); h.Status != HealthUnknown {
		t.Errorf("sso without a probe: %q, want unknown", h.Status)
	}

	// A spec's own request is evidence too: the gateway's 502 on a lookup
	// blames the database behind it, not the gateway.
	wire.reset()
	resp, err := e.HTTP.Get(tgt.URLs.Gateway + "/api/v1/population/records?SoDinhDanh=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, _ = e.HTTP.Get(tgt.URLs.Payment + "/api/init")
	seen := map[string]string{}
	for _, o := range wire.observed() {
		seen[o.System] = o.Detail
	}
	if !strings.Contains(seen["db:population"], "HTTP 502") || seen["gateway"] != "" {
		t.Errorf("gateway 502 on a lookup: observed %v, want db:population down and the gateway not", seen)
	}
	if !strings.Contains(seen["payment"], "connection refused") {
		t.Errorf("refused payment request: observed %v", seen)
	}
	merged := mergeObserved([]SystemHealth{{System: "db:population", Status: HealthOK}}, wire.observed())
	if merged[0].Status != HealthDown || merged[0].Source != SourceRequest {
		t.Errorf("a spec's failing request must override an ok probe: %+v", merged)
	}
}

// TestHealthWantsTheSystemsAnswer: a 2xx that is not the system's health
// document proves nothing ("unknown", wrong answer), a late right answer
// is "slow" with its latency, never down.
func TestHealthWantsTheSystemsAnswer(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	mux := http.NewServeMux()
	mux.HandleFunc("/sso/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`)) // no issuer: not a discovery document
	})
	mux.HandleFunc("/portal/01/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<html><body>Hệ thống đang bảo trì</body></html>`))
	})
	mux.HandleFunc("/dvcqg/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok",`))
	})
	mux.HandleFunc("/payment/healthz", func(w http.ResponseWriter, r *http.Request) {
		select { // answers, late: 1.6 s of a 3 s budget (a loaded machine adds to both sides of half)
		case <-time.After(1600 * time.Millisecond):
		case <-release:
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok","system":"payment"}`))
	})
	mux.HandleFunc("/gateway/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok","databases":{"population":"ok"}}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	tgt := &fixtures.Target{Timeouts: fixtures.TargetTimeouts{Request: 3 * time.Second},
		URLs: fixtures.URLs{SSO: srv.URL + "/sso", Portal: srv.URL + "/portal/01", DVCQG: srv.URL + "/dvcqg",
			Payment: srv.URL + "/payment", Gateway: srv.URL + "/gateway"}}
	e := &Env{Target: tgt, HTTP: &http.Client{Timeout: tgt.Timeouts.Request}}
	got := map[string]SystemHealth{}
	for _, h := range e.CheckHealth(context.Background()) {
		got[h.System] = h
	}
	for sys, want := range map[string][2]string{
		"sso":     {HealthUnknown, "wrong answer: HTTP 200 JSON is not a discovery document"},
		"portal":  {HealthUnknown, `wrong content type "text/html; charset=utf-8"`},
		"dvcqg":   {HealthUnknown, "malformed JSON (the body ends after 15 bytes"},
		"payment": {HealthSlow, "over half the 3s request timeout"},
		"gateway": {HealthOK, ""},
	} {
		if got[sys].Status != want[0] || !strings.Contains(got[sys].Detail, want[1]) {
			t.Errorf("%s: %q (%s), want %q (%s)", sys, got[sys].Status, got[sys].Detail, want[0], want[1])
		}
	}
}
