package browser

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/internal/testenv"
)

func TestParseEndpoints(t *testing.T) {
	got := ParseEndpoints(" http://127.0.0.1:9222, ws://grid:4444/session/abc/se/cdp ws://b:3000?token=x,\n")
	want := []string{"http://127.0.0.1:9222", "ws://grid:4444/session/abc/se/cdp", "ws://b:3000?token=x"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("ParseEndpoints = %q, want %q", got, want)
	}
	if len(ParseEndpoints("")) != 0 {
		t.Error("an empty list has endpoints")
	}
}

// TestProcessFailover: two remote endpoints (one given as http, one as
// ws), the first dies mid-use: it is taken out with one message naming it,
// the process moves to the second; when that dies too, the error names
// both. An endpoint that refuses from the start is taken out at once.
func TestProcessFailover(t *testing.T) {
	a, killA := testenv.RemoteChromiumKill(t)
	b, killB := testenv.RemoteChromiumKill(t)
	aHTTP := "http://" + strings.Split(strings.TrimPrefix(a, "ws://"), "/")[0]
	srv, _ := testServer(t)
	var mu sync.Mutex
	var msgs []string
	notify := func(m string) { mu.Lock(); msgs = append(msgs, m); mu.Unlock() }
	last := func() string { mu.Lock(); defer mu.Unlock(); return strings.Join(msgs, "\n") }

	p := &Process{}
	defer p.Close()
	br, err := p.Get(Options{RemoteURL: aHTTP + ", " + b, Notify: notify, StepTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !p.CanFailover() || br.Endpoint() != aHTTP {
		t.Fatalf("on %q, CanFailover %v; want the first endpoint", br.Endpoint(), p.CanFailover())
	}
	tab, err := br.NewTab(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := tab.Navigate(srv.URL + "/form"); err != nil {
		t.Fatal(err)
	}

	killA()
	stepErr := tab.Navigate(srv.URL + "/form")
	if stepErr == nil {
		t.Fatal("a step on the dead endpoint succeeded")
	}
	if !br.Lost() {
		t.Fatalf("the browser on the dead endpoint is not Lost (step error %v)", stepErr)
	}
	br2, err := p.Failover(br, stepErr)
	if err != nil {
		t.Fatalf("failover: %v", err)
	}
	if br2.Endpoint() != b {
		t.Errorf("moved to %q, want %q", br2.Endpoint(), b)
	}
	if m := last(); !strings.Contains(m, "browser endpoint "+aHTTP+" taken out: its DevTools connection closed (during: ") || !strings.Contains(m, "; 1 left") {
		t.Errorf("message = %q", m)
	}
	// Another spec that saw the same death gets the new browser, no message.
	if again, err := p.Failover(br, stepErr); again != br2 || err != nil || strings.Count(last(), "\n") != 0 {
		t.Errorf("a second Failover from the dead browser: %v, %v, messages %q", again, err, last())
	}
	tab2, err := br2.NewTab(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := tab2.Navigate(srv.URL + "/form"); err != nil {
		t.Fatalf("on the next endpoint: %v", err)
	}

	killB()
	stepErr = tab2.Navigate(srv.URL + "/form")
	if _, err := p.Failover(br2, stepErr); err == nil || !strings.Contains(err.Error(), "no browser endpoint left of "+aHTTP+", "+b) {
		t.Errorf("with none left: %v", err)
	}
}

func TestProcessSkipsARefusingEndpoint(t *testing.T) {
	b := testenv.RemoteChromium(t)
	var msgs []string
	p := &Process{}
	defer p.Close()
	br, err := p.Get(Options{RemoteURL: "http://127.0.0.1:1 " + b, Notify: func(m string) { msgs = append(msgs, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if br.Endpoint() != b || len(msgs) != 1 || !strings.Contains(msgs[0], "browser endpoint http://127.0.0.1:1 taken out: cannot attach") {
		t.Errorf("on %q, messages %q", br.Endpoint(), msgs)
	}
	// First spreads processes: process 2 starts on the second endpoint.
	p2 := &Process{}
	defer p2.Close()
	br2, err := p2.Get(Options{RemoteURL: b + ",http://127.0.0.1:1", First: 2, Notify: func(string) {}})
	if err != nil || br2.Endpoint() != b {
		t.Errorf("First 2 of 2 endpoints: %v, %v", br2, err)
	}
}
