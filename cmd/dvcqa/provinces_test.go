package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestProvincesScopedDefectShowsOnlyThere runs the API flows of two
// services in two provinces with a defect seeded in one service of one
// province (deadline-missed@DV09@79): exactly that province's DV09 flow
// fails, the matrix shows DV09 NOT READY in 79 only, and the console and
// summary.md carry the ministries' national headline.
func TestProvincesScopedDefectShowsOnlyThere(t *testing.T) {
	if testing.Short() {
		t.Skip("runs dvcqa over two provinces; `make provinces` runs it")
	}
	bin, root := dvcqaBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	runs := filepath.Join(t.TempDir(), "runs")
	cmd := exec.CommandContext(ctx, bin, "run", "--runs", runs, "--run-id", "two", "--provinces", "01,79",
		"--label-filter", "layer:api && kind:e2e && (service:DV09 || service:DV10)", "--defect", "deadline-missed@DV09@79")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), vocab.EnvTarget+"=")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("dvcqa run: %v\n%s", err, lastLines(out, 40))
	}
	s := loadSummary(t, runs, "two")
	var failed []string
	ran := 0
	for _, sp := range s.Specs {
		if sp.Outcome != reports.Skipped {
			ran++
		}
		if sp.Outcome == reports.Fail {
			failed = append(failed, sp.Province+" "+vocab.LabelValue(sp.Labels, vocab.KeyService))
		}
	}
	if ran != 4 {
		t.Errorf("%d specs ran, want 4 (2 services × 2 provinces)", ran)
	}
	if strings.Join(failed, ",") != "79 DV09" {
		t.Errorf("failed specs %q, want exactly 79's DV09", failed)
	}
	if len(s.Provinces) != 2 {
		t.Fatalf("%d province rows, want 2", len(s.Provinces))
	}
	for _, row := range s.Provinces {
		for _, c := range row.Services {
			bad := c.Readiness == reports.NotReady
			if want := row.Province == "79" && c.ID == "DV09"; bad != want {
				t.Errorf("province %s %s: %s (NOT READY: %v, want %v)", row.Province, c.ID, c.Readiness, bad, want)
			}
		}
	}
	if s.Headline.ProvincesTotal != 2 {
		t.Errorf("headline over %d provinces, want 2", s.Headline.ProvincesTotal)
	}
	const line = "Kết nối Cổng DVCQG: "
	if !strings.Contains(string(out), line) {
		t.Errorf("the console has no national headline %q:\n%s", line, lastLines(out, 20))
	}
	md, err := os.ReadFile(filepath.Join(runs, "two", "summary.md"))
	if err != nil || !strings.Contains(string(md), line) || !strings.Contains(string(md), "| 79 | TP Hồ Chí Minh |") {
		t.Errorf("summary.md lacks the national headline or 79's matrix row (%v):\n%s", err, md)
	}
}
