package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/internal/progress"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestConsoleStatus: the terminal's progress line is masked, drawn over
// the last one (carriage return, erase line, no newline), and never over a
// line held back, which is written first.
func TestConsoleStatus(t *testing.T) {
	var out bytes.Buffer
	c := newConsoleMasker(&out, redact.NewMasker("S3cret-pass"))
	if err := c.Status("3/9 specs · S3cret-pass"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write([]byte("open line")); err != nil {
		t.Fatal(err)
	}
	if err := c.Status(""); err != nil {
		t.Fatal(err)
	}
	masked := redact.NewMasker("S3cret-pass").Text("S3cret-pass")
	want := "\r\x1b[K3/9 specs · " + masked + "open line\n\r\x1b[K"
	if got := out.String(); got != want || strings.Contains(got, "S3cret-pass") {
		t.Errorf("status lines\n got %q\nwant %q", got, want)
	}
}

// consoleRun runs dvcqa on the embedded world with args; its combined
// output and exit code.
func consoleRun(t *testing.T, args ...string) (string, int) {
	t.Helper()
	bin, root := dvcqaBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	cmd := exec.CommandContext(ctx, bin, append([]string{"run", "--runs", filepath.Join(tmp, "runs")}, args...)...)
	cmd.Dir = root
	// TMPDIR stays: Chromium's socket path under the run's scratch folder
	// has a length limit a test's temporary folder would pass.
	cmd.Env = append(os.Environ(), vocab.EnvTarget+"=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("dvcqa run: %v\n%s", err, out.String())
	}
	return out.String(), code
}

// checklist is the console's part before dvcqa's summary (which begins
// "dvcqa run <id> · target …").
func checklist(out string) string {
	i := strings.Index(out, "\ndvcqa run ")
	if i < 0 {
		return out
	}
	return out[:i]
}

var specsLine = regexp.MustCompile(`(?m)^specs: (\d+) passed, (\d+) failed, \d+ skipped$`)

// TestRunConsole: a run's console in CI (stdout not a terminal) is plain —
// no escape code — and one line per spec before dvcqa's summary, which is
// as it was; a failure is printed in full (Ginkgo's [FAILED] line with its
// location, the step, the message); -v prints Ginkgo's own output as it
// always did.
func TestRunConsole(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suites three times")
	}
	t.Run("plain", func(t *testing.T) {
		out, code := consoleRun(t, "--label-filter", "service:DV09")
		if code != 1 { // a filtered run is partial
			t.Errorf("exit %d, want 1:\n%s", code, out)
		}
		if strings.Contains(out, "\x1b") {
			t.Errorf("the console has escape codes:\n%q", out)
		}
		m := specsLine.FindStringSubmatch(out)
		if m == nil || m[1] != "9" || m[2] != "0" {
			t.Fatalf("no `specs: 9 passed, 0 failed` line:\n%s", out)
		}
		lines := strings.Split(strings.TrimRight(checklist(out), "\n"), "\n")
		ticks := 0
		for _, l := range lines {
			if strings.HasPrefix(l, "✓ DV09 ") {
				ticks++
			}
		}
		if ticks != 9 || len(lines) > 9+2 {
			t.Errorf("want one ✓ line per spec (9) and little else before the summary, got %d ✓ in %d lines:\n%s", ticks, len(lines), checklist(out))
		}
		t.Logf("%d console lines for 9 specs, %d in all", len(lines), strings.Count(out, "\n"))
	})
	t.Run("failure in full", func(t *testing.T) {
		out, _ := consoleRun(t, "--label-filter", "layer:api && service:DV09 && kind:e2e", "--defect", "result-wrong-applicant@DV09")
		list := checklist(out)
		for _, want := range []string{
			"✗ DV09 ",
			"    [FAILED] in [It] - ",
			"suites/services/e2e.go:",
			"    step: verifying the signed result document",
			"differ from the reference",
			"applicant.SoDinhDanh: want \"",
		} {
			if !strings.Contains(list, want) {
				t.Errorf("the failure's console lacks %q:\n%s", want, list)
			}
		}
		if m := specsLine.FindStringSubmatch(out); m == nil || m[2] != "1" {
			t.Errorf("no `specs: … 1 failed` line:\n%s", out)
		}
		if strings.Contains(out, "\x1b") {
			t.Errorf("the console has escape codes:\n%q", out)
		}
	})
	t.Run("-v", func(t *testing.T) {
		out, _ := consoleRun(t, "-v", "--label-filter", "layer:api && service:DV09 && kind:e2e")
		for _, want := range []string{"Running in parallel across", "Report Entries >>", "Ran 1 of ", "Ginkgo ran 1 suite", "\x1b[", "\nspecs: 1 passed, 0 failed"} {
			if !strings.Contains(out, want) {
				t.Errorf("-v lacks Ginkgo's %q:\n%s", want, out)
			}
		}
		if strings.Contains(checklist(out), "✓ DV09") {
			t.Errorf("-v printed the checklist too:\n%s", out)
		}
	})
}

// TestVerboseFlag: the checklist is the default, -v asks for Ginkgo's own
// output.
func TestVerboseFlag(t *testing.T) {
	env := func(string) string { return "" }
	for _, tc := range []struct {
		args []string
		want bool
	}{{nil, false}, {[]string{"-v"}, true}, {[]string{"--v", "--procs", "1"}, true}} {
		o, err := parseRunArgs(tc.args, env)
		if err != nil || o.verbose != tc.want {
			t.Errorf("%q: verbose %v, %v; want %v", tc.args, o.verbose, err, tc.want)
		}
	}
}

// TestConsoleReplaysGinkgo: when the suites fail and no spec failure
// explains it (a suite setup failed, a process crashed), Ginkgo's own
// output is replayed, masked; after a spec failure that explains it, it is
// not.
func TestConsoleReplaysGinkgo(t *testing.T) {
	for _, tc := range []struct {
		name       string
		failedSpec bool
		ginkgoErr  error
		replay     bool
	}{
		{"setup failed", false, errors.New("exit status 1"), true},
		{"a spec failed", true, errors.New("exit status 1"), false},
		{"all passed", false, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			m := redact.NewMasker("S3cret-pass")
			stdout := newConsoleMasker(&out, m)
			c, env, err := startConsole(t.TempDir(), t.TempDir(), stdout, m, false)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(env, "DVCQA_PROGRESS_SOCKET=") {
				t.Errorf("env %q", env)
			}
			fmt.Fprintf(c.ginkgoOut(), "[SynchronizedBeforeSuite] [FAILED] start the embedded mock world: S3cret-pass\n")
			var s progress.Sender
			t.Setenv(progress.EnvSocket, strings.TrimPrefix(env, progress.EnvSocket+"="))
			_ = s.Send(progress.Event{Kind: progress.KindStart, Total: 1})
			state := "passed"
			if tc.failedSpec {
				state = "failed"
			}
			_ = s.Send(progress.Event{Kind: progress.KindSpec, State: state, Subject: "DV09", Text: "x"})
			_ = s.Close()
			if err := c.finish(tc.ginkgoErr); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			if replayed := strings.Contains(got, "start the embedded mock world"); replayed != tc.replay {
				t.Errorf("Ginkgo's output replayed: %v, want %v:\n%s", replayed, tc.replay, got)
			}
			if strings.Contains(got, "S3cret-pass") {
				t.Errorf("the replay is not masked:\n%s", got)
			}
		})
	}
}
