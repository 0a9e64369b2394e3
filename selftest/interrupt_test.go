package selftest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
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
	runsDir := t.TempDir()
	cmd := dvcqaRun(ctx, t, runsDir, "interrupted")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the first spec has finished (the console prints a ✓ or
	// ✗ per spec, Ginkgo with -v a •): the run, browser layer included, is
	// then far from done.
	r := bufio.NewReader(out)
	for {
		c, _, err := r.ReadRune()
		if err != nil {
			t.Fatalf("dvcqa ended before any spec finished: %v", err)
		}
		if c == '•' || c == '✓' || c == '✗' {
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, r) }()
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("an interrupted run should exit 1 (gate not passed), got %v", err)
	}
	dir := filepath.Join(runsDir, "interrupted")
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
	t.Logf("interrupted after the first spec: %d specs, %d passed, %d not run", s.Totals.Specs, s.Totals.Passed, s.Totals.Skipped)
}
