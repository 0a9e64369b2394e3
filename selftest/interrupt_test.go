package selftest

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestInterruptStillWritesReports: Ctrl-C in the middle of a run stops the
// suites, and every report is still written (nothing is lost).
func TestInterruptStillWritesReports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs dvcqa; `make selftest` runs it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := dvcqaBinary(ctx, t)
	reportsDir := t.TempDir()
	cmd := exec.CommandContext(ctx, bin, "run", "--reports", reportsDir, "--run-id", "interrupted")
	cmd.Dir = suites.Root
	cmd.Env = append(os.Environ(), "DVCQA_TARGET=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the suites are running (the browser layer keeps them
	// busy well past this).
	time.Sleep(10 * time.Second)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("an interrupted run should exit 1 (gate not passed), got %v", err)
	}
	dir := filepath.Join(reportsDir, "interrupted")
	for _, f := range []string{"summary.json", "index.html", "summary.md", "junit.xml", "ginkgo.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("interrupted run lacks %s: %v", f, err)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Gate   struct{ Passed bool }
		Totals struct{ Specs, Passed, Skipped int }
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if s.Gate.Passed || s.Totals.Specs == 0 || s.Totals.Skipped == 0 {
		t.Errorf("an interrupted run must not pass and must account for the specs it did not run: %+v", s)
	}
	t.Logf("interrupted after 10 s: %d specs, %d passed, %d not run", s.Totals.Specs, s.Totals.Passed, s.Totals.Skipped)
}
