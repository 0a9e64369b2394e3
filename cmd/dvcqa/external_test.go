package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/reports"
)

// TestExternalMock proves the suites only talk HTTP: the mock world started
// as a separate process (`dvcqa mock serve`) and reached through a target
// file gives the same verdicts as the embedded run.
func TestExternalMock(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite twice; `make external` runs it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "dvcqa")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build dvcqa: %v\n%s", err, out)
	}

	targetFile := filepath.Join(tmp, "target.yaml")
	serve := exec.CommandContext(ctx, bin, "mock", "serve", "--addr", "127.0.0.1:0", "--write-target", targetFile)
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
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("dvcqa mock serve wrote no target file within a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}

	runSuites := func(name string, extra ...string) *reports.Summary {
		t.Helper()
		args := append([]string{"run", "--reports", filepath.Join(tmp, name), "--run-id", name}, extra...)
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = root
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		cmd.Env = append(os.Environ(), "DVCQA_TARGET=")
		runErr := cmd.Run()
		data, err := os.ReadFile(filepath.Join(tmp, name, name, reports.SummaryFile))
		if err != nil {
			t.Fatalf("%s run wrote no summary (run: %v): %v", name, runErr, err)
		}
		var s reports.Summary
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatalf("%s summary: %v", name, err)
		}
		return &s
	}
	external := runSuites("external", "--target", targetFile)
	embedded := runSuites("embedded")

	if !embedded.Passed || !external.Passed {
		t.Errorf("both runs should pass on a healthy mock: embedded %v, external %v", embedded.Passed, external.Passed)
	}
	if external.Target.Name != "mock-standalone" {
		t.Errorf("external run used target %q, want the written mock-standalone profile", external.Target.Name)
	}
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
	}
}

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
