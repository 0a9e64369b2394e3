package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestExternalMockWithDefect: a standalone mock with a seeded defect fails
// the same specs, for the same reason, as the embedded world with it.
func TestExternalMockWithDefect(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suites twice; `make external` runs it")
	}
	const defect, filter = "fee-wrong-amount@DV07", "service:DV07 || service:DV05"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	root, tmp, bin := buildDvcqa(ctx, t)
	targetFile := serveMock(ctx, t, bin, filepath.Join(tmp, "target.yaml"), "--defect", defect)
	external, embedded := runDvcqaPair(ctx, t, bin, root, tmp,
		[]string{"external", "--target", targetFile, "--label-filter", filter},
		[]string{"embedded", "--defect", defect, "--label-filter", filter})
	if external.Passed || embedded.Passed {
		t.Fatalf("a run with %s passed: external %v, embedded %v", defect, external.Passed, embedded.Passed)
	}
	sameVerdicts(t, external, embedded)
	for i, v := range embedded.Services {
		if v.ID != "DV07" {
			continue
		}
		if len(v.Failures) != 1 || len(external.Services[i].Failures) != 1 {
			t.Fatalf("DV07 failures: embedded %v, external %v", v.Failures, external.Services[i].Failures)
		}
		// Dossier codes carry the world's date, which differs between runs.
		e := dossierCode.ReplaceAllString(v.Failures[0].Headline, "<code>")
		x := dossierCode.ReplaceAllString(external.Services[i].Failures[0].Headline, "<code>")
		if e != x {
			t.Errorf("DV07 failed for different reasons:\n  embedded: %s\n  external: %s", e, x)
		}
	}
}

// buildDvcqa returns the module root, a temporary folder for the test and
// the command, built once for the package's tests (dvcqaBinary).
func buildDvcqa(_ context.Context, t *testing.T) (root, tmp, bin string) {
	t.Helper()
	bin, root = dvcqaBinary(t)
	return root, t.TempDir(), bin
}

// serveMock starts `dvcqa mock serve` on a free loopback port and waits for
// the target file it writes.
func serveMock(ctx context.Context, t *testing.T, bin, targetFile string, extra ...string) string {
	t.Helper()
	args := append([]string{"mock", "serve", "--addr", "127.0.0.1:0", "--write-target", targetFile}, extra...)
	serve := exec.CommandContext(ctx, bin, args...)
	serve.Stdout, serve.Stderr = os.Stderr, os.Stderr
	if err := serve.Start(); err != nil {
		t.Fatalf("start dvcqa mock serve: %v", err)
	}
	t.Cleanup(func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		_ = serve.Wait()
	})
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := os.Stat(targetFile); err == nil {
			return targetFile
		}
		if time.Now().After(deadline) {
			t.Fatal("dvcqa mock serve wrote no target file within a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runDvcqa runs `dvcqa run` and reads the summary it wrote.
func runDvcqa(ctx context.Context, t *testing.T, bin, root, tmp, name string, extra ...string) *reports.Summary {
	t.Helper()
	s, out, err := runDvcqaOut(ctx, bin, root, tmp, name, extra...)
	_, _ = os.Stderr.Write(out)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runDvcqaPair runs two independent `dvcqa run`s at once (each its own
// world, browser and run folder: they wait on I/O and timers more than on
// CPU) and reads both summaries. Each run's console is printed whole once
// it ends, so the two never interleave.
func runDvcqaPair(ctx context.Context, t *testing.T, bin, root, tmp string, a, b []string) (*reports.Summary, *reports.Summary) {
	t.Helper()
	type result struct {
		s   *reports.Summary
		out []byte
		err error
	}
	var res [2]result
	var wg sync.WaitGroup
	for i, args := range [][]string{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i].s, res[i].out, res[i].err = runDvcqaOut(ctx, bin, root, tmp, args[0], args[1:]...)
		}()
	}
	wg.Wait()
	for _, r := range res {
		_, _ = os.Stderr.Write(r.out)
	}
	for _, r := range res {
		if r.err != nil {
			t.Fatal(r.err)
		}
	}
	return res[0].s, res[1].s
}

// runDvcqaOut runs `dvcqa run` as run name under tmp/name and returns the
// summary it wrote and its console.
func runDvcqaOut(ctx context.Context, bin, root, tmp, name string, extra ...string) (*reports.Summary, []byte, error) {
	args := append([]string{"run", "--runs", filepath.Join(tmp, name), "--run-id", name}, extra...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = root
	var out bytes.Buffer
	fmt.Fprintf(&out, "=== dvcqa %s\n", strings.Join(args, " "))
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), vocab.EnvTarget+"=") // the flag's default must not come from the caller
	runErr := cmd.Run()
	data, err := os.ReadFile(filepath.Join(tmp, name, name, reports.SummaryFile))
	if err != nil {
		return nil, out.Bytes(), fmt.Errorf("%s run wrote no summary (run: %v): %w", name, runErr, err)
	}
	var s reports.Summary
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, out.Bytes(), fmt.Errorf("%s summary: %w", name, err)
	}
	return &s, out.Bytes(), nil
}

func sameVerdicts(t *testing.T, external, embedded *reports.Summary) {
	t.Helper()
	if got, want := verdicts(external), verdicts(embedded); len(got) != len(want) {
		t.Errorf("external run judged %d items, embedded %d", len(got), len(want))
	} else {
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: external verdict %q ≠ embedded %q", k, got[k], v)
			}
		}
	}
	if external.Totals.Specs != embedded.Totals.Specs || external.Totals.Passed != embedded.Totals.Passed {
		t.Errorf("spec counts differ: external %+v, embedded %+v", external.Totals, embedded.Totals)
		outcome := map[string]string{}
		for _, sp := range embedded.Specs {
			outcome[sp.Name] = sp.Outcome
		}
		for _, sp := range external.Specs {
			if outcome[sp.Name] != sp.Outcome {
				t.Errorf("  %s: external %s, embedded %s", sp.Name, sp.Outcome, outcome[sp.Name])
			}
		}
		for _, v := range external.Platform {
			for _, u := range v.Unverified {
				t.Logf("  external %s not verified: %s: %s", v.ID, u.Spec, u.Reason)
			}
		}
	}
}

var dossierCode = regexp.MustCompile(`[0-9.]+H[0-9]+-[0-9]{6}-[0-9]{4,}`)

func verdicts(s *reports.Summary) map[string]string {
	m := map[string]string{}
	for _, v := range s.Services {
		m["service "+v.ID] = v.Verdict
	}
	for id, v := range s.NationalDBs {
		m["db "+id] = v.Verdict
	}
	for id, v := range s.Platform {
		m["platform "+id] = v.Verdict
	}
	return m
}
