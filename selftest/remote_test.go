package selftest

import (
	"context"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/internal/testenv"
)

// TestBrowserSuitesOnRemoteChromium runs browser specs against a Chromium
// started separately with --remote-debugging-port, the way a team points
// dvcqa at a browser grid (DVCQA_BROWSER_URL).
func TestBrowserSuitesOnRemoteChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium and runs browser specs; `make selftest` runs it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	url := testenv.RemoteChromium(t)

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
