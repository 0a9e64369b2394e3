package selftest

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
	"github.com/dvcqa/dvcqa/reports/render"
)

// TestPartialRunNeverPasses: a target that forbids submitting and paying
// (a read-only staging profile, say) can still be run, and its report says
// plainly it is partial: no service READY, sync not proven, the gate
// FAILED and exit 1 — never ĐẠT, however green its specs are.
func TestPartialRunNeverPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs dvcqa; `make selftest` runs it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	src, err := os.ReadFile(filepath.Join(suites.Root, "fixtures", "targets", "mock.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("submit: true", "submit: false", "pay: true", "pay: false").Replace(string(src))
	if text == string(src) {
		t.Fatal("fixtures/targets/mock.yaml no longer says submit: true / pay: true")
	}
	target := filepath.Join(t.TempDir(), "nosubmit.yaml")
	if err := os.WriteFile(target, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	runsDir := t.TempDir()
	// The API layer is enough: with nothing submitted its e2e specs skip,
	// and sparing the browser keeps `make test` within its budget.
	out, err := dvcqaRun(ctx, t, runsDir, "partial", "--target", target, "--label-filter", "layer:api").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("dvcqa run with allow.submit: false: %v, want exit 1\n%s", err, tail(out))
	}
	runDir := filepath.Join(runsDir, "partial")
	s, err := reports.LoadSummary(filepath.Join(runDir, reports.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if s.Gate.Passed || s.Headline.ServicesReady != 0 || s.Headline.ServicesNotVerified != len(s.Services) || s.Headline.SyncOK {
		t.Errorf("gate %v, headline %+v: nothing was submitted, nothing may be READY", s.Gate.Passed, s.Headline)
	}
	for _, v := range s.Services {
		if v.Readiness != reports.NotVerified || len(v.Unverified) == 0 || !strings.Contains(v.Unverified[0].Reason, "allow.submit: false") {
			t.Errorf("%s: %s %+v, want NOT VERIFIED naming allow.submit: false", v.ID, v.Readiness, v.Unverified)
		}
	}
	codes := map[string]bool{}
	for _, p := range s.Partial {
		codes[p.Code] = true
	}
	if !codes["no_submit"] || !codes["no_pay"] {
		t.Errorf("partial reasons %+v lack allow.submit / allow.pay", s.Partial)
	}
	md, _ := os.ReadFile(filepath.Join(runDir, render.MarkdownFile))
	page, _ := os.ReadFile(filepath.Join(runDir, render.HTMLFile))
	for name, text := range map[string]string{"summary.md": string(md), "index.html": string(page), "console": string(out)} {
		if !strings.Contains(text, "chưa kiểm chứng") {
			t.Errorf("%s does not say chưa kiểm chứng", name)
		}
	}
	if strings.Contains(string(md), "**✓ ĐẠT**") || !strings.Contains(string(md), "KHÔNG ĐẠT") || !strings.Contains(string(page), "LẦN CHẠY MỘT PHẦN") {
		t.Errorf("summary.md / index.html must say KHÔNG ĐẠT and that the run is partial")
	}
}
