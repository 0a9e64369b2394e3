package selftest

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/internal/testenv"
)

// TestBrowserSuitesSurviveADeadEndpoint runs browser specs over a list of
// two remote Chromiums (DVCQA_BROWSER_URL="a, b") and kills the first as
// soon as a spec's page is open on it: the specs still pass (the one that
// was running starts again on the second), and the report names the dead
// endpoint.
func TestBrowserSuitesSurviveADeadEndpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two Chromiums and runs browser specs; `make selftest` runs it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	a, killA := testenv.RemoteChromiumKill(t)
	b := testenv.RemoteChromium(t)
	t.Setenv("DVCQA_BROWSER_URL", a+", "+b)

	// The suites run serially: process 1 starts on the first endpoint.
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		if waitForPortalPage(ctx, a) {
			killA()
		}
	}()
	dir := t.TempDir()
	o, err := suites.Run(ctx, dir, "layer:browser && (service:DV09 || (kind:e2e && (service:DV02 || service:DV07)))", "")
	if err != nil {
		t.Fatal(err)
	}
	<-killed
	for name, msg := range o.Failed {
		t.Errorf("with an endpoint dying: %s: %s", name, firstLine(msg))
	}
	for _, s := range o.Setup {
		t.Errorf("setup: %s", firstLine(s))
	}
	if len(o.Passed) < 5 {
		t.Errorf("%d browser specs passed, want 5", len(o.Passed))
	}
	msgs := endpointEntries(t, filepath.Join(dir, "report.json"))
	if len(msgs) != 1 || !strings.Contains(msgs[0], "browser endpoint "+a+" taken out") || !strings.Contains(msgs[0], "1 left") {
		t.Errorf("want one message taking %s out, got %q", a, msgs)
	}
	t.Logf("after %s died: %d specs green; %q", a, len(o.Passed), msgs)
}

// waitForPortalPage waits until the remote Chromium at ws has a tab on a
// portal page (a spec mid-flow).
func waitForPortalPage(ctx context.Context, ws string) bool {
	list := "http://" + strings.Split(strings.TrimPrefix(ws, "ws://"), "/")[0] + "/json/list"
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
		resp, err := client.Get(list)
		if err != nil {
			continue
		}
		var targets []struct{ Type, URL string }
		_ = json.NewDecoder(resp.Body).Decode(&targets)
		resp.Body.Close()
		for _, tg := range targets {
			if tg.Type == "page" && strings.Contains(tg.URL, "/portal/") {
				return true
			}
		}
	}
}

// endpointEntries are the "browser endpoint" report entries of a run.
func endpointEntries(t *testing.T, report string) []string {
	t.Helper()
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var reps []types.Report
	if err := json.Unmarshal(data, &reps); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range reps {
		for _, s := range r.SpecReports {
			for _, e := range s.ReportEntries {
				if e.Name == "browser endpoint" {
					out = append(out, e.StringRepresentation())
				}
			}
		}
	}
	return out
}
