package framework

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
)

// TestWireGivesUpOnADeadSystem: after GiveUpAfter consecutive transport
// failures a system is not asked again — the next request fails at once,
// naming the system and the first failure — while an answer read to its
// end ends a streak before it gets there.
func TestWireGivesUpOnADeadSystem(t *testing.T) {
	release := make(chan struct{})
	var reached sync.Map // paths the server was asked for
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Store(r.URL.Path, true)
		if strings.HasPrefix(r.URL.Path, "/silent") && r.URL.Path != "/silent/ok" {
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	}))
	defer srv.Close()
	defer close(release)
	// The transport's own header timeout, not the client's: a client timeout
	// returns to the caller before the transport has counted the failure,
	// which made the streak below race.
	next := &http.Transport{ResponseHeaderTimeout: 100 * time.Millisecond}
	defer next.CloseIdleConnections()
	wire := newWireWatch(next, map[string]string{"payment": srv.URL + "/silent", "sso": srv.URL + "/sso"})
	c := &http.Client{Transport: wire, Timeout: 5 * time.Second}
	get := func(url string) error {
		resp, err := c.Get(url)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		return err
	}
	// Two failures, an answer, two failures: no streak of three.
	for _, path := range []string{"/silent/a", "/silent/b", "/silent/ok", "/silent/c", "/silent/d"} {
		_ = get(srv.URL + path)
	}
	if g := wire.givenUp("payment"); g != nil {
		t.Fatalf("given up after a streak of 2: %v", g)
	}
	_ = get(srv.URL + "/silent/e")
	err := get(srv.URL + "/silent/f")
	var g *GivenUpError
	if !errors.As(err, &g) {
		t.Fatalf("after 3 failures: %v, want a GivenUpError", err)
	}
	// Given up means not asked again: no wait on the silent system.
	if _, asked := reached.Load("/silent/f"); asked {
		t.Error("the given-up system was asked again")
	}
	if down, why := TransportFailure(err); !down || !strings.Contains(why, "payment stopped answering: 3 consecutive transport failures, the first GET /silent/c: timeout waiting for headers") {
		t.Errorf("TransportFailure: %v %q", down, why)
	}
	if g := wire.givenUpAny(specSystems(nil, []string{"system:payment"})); g == nil || g.System != "payment" {
		t.Errorf("a payment platform spec is not blocked at once: %v", g)
	}
	if g := wire.givenUp("sso"); g != nil {
		t.Errorf("sso given up: %v", g)
	}
}

// TestSpecSystems: what a spec needs comes from its labels and the catalog.
func TestSpecSystems(t *testing.T) {
	cat := &fixtures.Catalog{Services: []fixtures.Service{{ID: "DV07", Systems: []string{"sso", "dvcqg", "gateway", "db:population", "payment"}}}}
	got := strings.Join(specSystems(cat, []string{"service:DV07", "layer:api"}), ",")
	if got != "portal,sso,dvcqg,gateway,payment" {
		t.Errorf("DV07 needs %s", got)
	}
	if got := strings.Join(specSystems(cat, []string{"db:tax", "kind:connection"}), ","); got != "gateway" {
		t.Errorf("a database connection spec needs %s", got)
	}
}
