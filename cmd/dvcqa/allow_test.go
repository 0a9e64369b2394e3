package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/runrecord"
	"github.com/dvcqa/dvcqa/mocks/world"
	"github.com/dvcqa/dvcqa/reports"
)

// recorder is a reverse proxy in front of a mock world that remembers every
// request the harness made (the world's systems reach one another directly,
// not through it).
type recorder struct {
	mu   sync.Mutex
	seen []string
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

// startRecordedWorld starts a mock world named by a recording proxy's URL.
func startRecordedWorld(t *testing.T, cat *fixtures.Catalog, seed int64) (*world.World, *recorder) {
	t.Helper()
	rec := &recorder{}
	var upstream *httputil.ReverseProxy
	var ready sync.WaitGroup
	ready.Add(1)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ready.Wait()
		rec.mu.Lock()
		rec.seen = append(rec.seen, r.Method+" "+r.URL.Path)
		rec.mu.Unlock()
		upstream.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	w, err := world.Start(world.Options{Seed: seed, Catalog: cat, URL: proxy.URL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	u, _ := url.Parse("http://" + w.Addr())
	upstream = &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(u)
		r.Out.Host = r.In.Host // the world names itself by the proxy's URL
	}}
	ready.Done()
	return w, rec
}

// TestNoSubmitMeansNoDossier: with allow.submit and allow.pay false, no
// spec creates, uploads or pays anything — negative specs included (a
// submission meant to be refused is still one) — as the requests that
// reached the standalone world prove; the specs that would have are
// skipped, so the services are NOT VERIFIED, never READY, and nothing
// fails.
func TestNoSubmitMeansNoDossier(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the suites against a standalone world")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	root, tmp, bin := buildDvcqa(ctx, t)
	cat := fixtures.MustLoad()
	tgt, err := fixtures.DefaultTarget(cat)
	if err != nil {
		t.Fatal(err)
	}
	w, rec := startRecordedWorld(t, cat, tgt.Seed)
	tgt.Name, tgt.URLs = "mock-read-only", w.URLs(tgt.Province)
	tgt.Allow = fixtures.Allow{Submit: false, Pay: false}
	file := filepath.Join(tmp, "target.yaml")
	if err := writeTargetFile(file, tgt); err != nil {
		t.Fatal(err)
	}
	const filter = "layer:api && (service:DV02 || service:DV09 || kind:platform)"
	s := runDvcqa(ctx, t, bin, root, tmp, "readonly", "--target", file, "--label-filter", filter)

	var mutating []string
	for _, r := range rec.list() {
		method, path, _ := strings.Cut(r, " ")
		if method != http.MethodGet && strings.Contains(path, "/portal/") && strings.Contains(path, "/api/v1/") {
			mutating = append(mutating, r)
		}
	}
	if len(mutating) > 0 {
		t.Errorf("with allow.submit: false the portal received data-mutating requests: %v", mutating)
	}
	// The run's record agrees: it created nothing to clean up.
	if _, err := os.Stat(filepath.Join(tmp, "readonly", "readonly", runrecord.File)); err != nil {
		t.Errorf("the run wrote no %s: %v", runrecord.File, err)
	}
	if r, err := runrecord.Read(filepath.Join(tmp, "readonly", "readonly")); err != nil || len(r.Dossiers) != 0 {
		t.Errorf("run record %+v, %v: want no dossier", r, err)
	}
	if len(rec.list()) == 0 {
		t.Fatal("no request reached the world: the run did not use it")
	}
	if s.Totals.Failed != 0 || s.Totals.Passed == 0 {
		t.Errorf("totals %+v: want passes and no failure", s.Totals)
	}
	for _, v := range s.Services {
		if v.ID != "DV02" && v.ID != "DV09" {
			continue
		}
		if v.Readiness != reports.NotVerified {
			t.Errorf("%s is %s, want NOT VERIFIED", v.ID, v.Readiness)
		}
		if got := v.Checks["negative"]; got != reports.CheckNotRun {
			t.Errorf("%s negative check %q, want %q (its submits were not allowed)", v.ID, got, reports.CheckNotRun)
		}
		found := false
		for _, u := range v.Unverified {
			found = found || strings.Contains(u.Reason, "allow.submit: false")
		}
		if !found {
			t.Errorf("%s unverified %+v: no reason names allow.submit", v.ID, v.Unverified)
		}
	}
}
