package selftest

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"
)

// TestBrowserSuitesOnRemoteChromium runs browser specs against a Chromium
// started separately with --remote-debugging-port, the way a team points
// dvcqa at a browser grid (DVCQA_BROWSER_URL).
func TestBrowserSuitesOnRemoteChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium and runs browser specs; `make selftest` runs it")
	}
	exe := "/usr/lib/chromium/chromium"
	if _, err := os.Stat(exe); err != nil {
		t.Skip("Debian chromium is not installed (scripts/setup.sh installs it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	profile := t.TempDir()
	chrome := exec.CommandContext(ctx, exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage",
		"--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir="+profile)
	chrome.Env = append(os.Environ(), "TMPDIR="+profile)
	stderr, err := chrome.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := chrome.Start(); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		_ = chrome.Process.Kill()
		_ = chrome.Wait()
	})
	devtools := regexp.MustCompile(`DevTools listening on (ws://\S+)`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := devtools.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	var url string
	select {
	case url = <-found:
	case <-time.After(30 * time.Second):
		t.Fatal("remote Chromium printed no DevTools URL within 30 s")
	}

	t.Setenv("DVCQA_BROWSER_URL", url)
	// Three flows (free DV09, paid DV02 and DV07: login, search, form,
	// upload, payment page, status, result) and DV09's visible-error and
	// accessibility specs: what the remote browser must drive. All 25 flows
	// run on a local Chromium in `make suites`.
	o, err := suites.Run(ctx, t.TempDir(), "layer:browser && (service:DV09 || (kind:e2e && (service:DV02 || service:DV07)))", "")
	if err != nil {
		t.Fatal(err)
	}
	for name, msg := range o.Failed {
		t.Errorf("on the remote browser: %s: %s", name, firstLine(msg))
	}
	for _, s := range o.Setup {
		t.Errorf("setup on the remote browser: %s", firstLine(s))
	}
	if len(o.Passed) < 5 {
		t.Errorf("%d browser specs passed on the remote Chromium, want 5 (3 flows, DV09's visible error and a11y)", len(o.Passed))
	}
	t.Logf("remote Chromium %s: %d browser specs green", url, len(o.Passed))
}
