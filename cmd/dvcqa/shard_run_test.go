package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestShardsMergeEqualUnsharded runs a slice of the API specs unsharded,
// then as three shards (at once, as three CI jobs would), merges
// the shards and wants the unsharded run's verdicts: every item's
// readiness and every spec's state. The shards' specs are disjoint and
// cover the run.
func TestShardsMergeEqualUnsharded(t *testing.T) {
	if testing.Short() {
		t.Skip("runs dvcqa five times; `make shards` runs it")
	}
	bin, root := dvcqaBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	runs := filepath.Join(tmp, "runs")
	const filter = "layer:api && (service:DV01 || service:DV02 || service:DV07 || service:DV09)"
	// dvcqa runs the command; it may be called from several goroutines.
	dvcqa := func(args ...string) error {
		start := time.Now()
		defer func() {
			t.Logf("dvcqa %s %s: %s", args[0], args[len(args)-1], time.Since(start).Round(100*time.Millisecond))
		}()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), vocab.EnvTarget+"=", "TMPDIR="+tmp)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		// 1 is a failed gate, as a partial run's is; 2 is the harness failing.
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
			return fmt.Errorf("dvcqa %v: %w\n%s", args, err, lastLines(out, 40))
		}
		return nil
	}
	if err := dvcqa("run", "--runs", runs, "--run-id", "whole", "--label-filter", filter); err != nil {
		t.Fatal(err)
	}
	// The shards at once, as a CI matrix's jobs run (each a run folder of its own).
	shards := []string{"shard-1", "shard-2", "shard-3"}
	errs := make([]error, len(shards))
	var wg sync.WaitGroup
	for i, id := range shards {
		wg.Go(func() {
			errs[i] = dvcqa("run", "--runs", runs, "--run-id", id, "--label-filter", filter, "--procs", "1", "--shard", fmt.Sprintf("%d/3", i+1))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if err := dvcqa(append([]string{"merge", "--runs", runs, "--run-id", "merged"}, shards...)...); err != nil {
		t.Fatal(err)
	}

	whole := loadSummary(t, runs, "whole")
	merged := loadSummary(t, runs, "merged")
	ran := ranSpecs(whole)
	if len(ran) < 20 {
		t.Fatalf("the unsharded run ran %d specs, want the ~24 of %q", len(ran), filter)
	}
	// Disjoint and covering: each spec the whole run ran, run by exactly one shard.
	owner := map[string]string{}
	for _, id := range shards {
		plan, err := readShardPlan(filepath.Join(runs, id))
		if err != nil || plan == nil {
			t.Fatalf("%s: no shard plan (%v)", id, err)
		}
		if plan.History != "whole" {
			t.Errorf("%s balanced by run %q, want the unsharded run's durations (whole), the newest run that is not a shard", id, plan.History)
		}
		for _, s := range ranSpecs(loadSummary(t, runs, id)) {
			if o, dup := owner[s]; dup {
				t.Errorf("spec %q ran in %s and %s", s, o, id)
			}
			owner[s] = id
			if !slices.Contains(plan.Specs, s) {
				t.Errorf("spec %q ran in %s, outside its plan", s, id)
			}
		}
	}
	for _, s := range ran {
		if owner[s] == "" {
			t.Errorf("spec %q ran unsharded but in no shard", s)
		}
	}
	if len(owner) != len(ran) {
		t.Errorf("the shards ran %d specs, the whole run %d", len(owner), len(ran))
	}
	if d := cmp.Diff(verdictsOf(whole), verdictsOf(merged)); d != "" {
		t.Errorf("merged shards' verdicts differ from the unsharded run's (-whole +merged):\n%s", d)
	}
}

func loadSummary(t *testing.T, runs, id string) *reports.Summary {
	t.Helper()
	s, err := reports.LoadSummary(filepath.Join(runs, id, reports.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ranSpecs are the specs a run executed (self-skipped ones included: they ran their Skip).
func ranSpecs(s *reports.Summary) []string {
	var out []string
	for _, sp := range s.Specs {
		if sp.Outcome != reports.Skipped || sp.SkipReason != "" {
			out = append(out, sp.Name)
		}
	}
	return out
}

// runVerdicts is what a run decided, without its times.
type runVerdicts struct {
	Passed   bool
	Gate     reports.GateResult
	Headline reports.Headline
	Partial  []reports.PartialReason
	Items    map[string]reports.Verdict
	Specs    map[string]reports.SpecResult
	Counts   [4]int
}

func verdictsOf(s *reports.Summary) runVerdicts {
	v := runVerdicts{Passed: s.Passed, Gate: s.Gate, Headline: s.Headline, Partial: s.Partial,
		Items: map[string]reports.Verdict{}, Specs: map[string]reports.SpecResult{},
		Counts: [4]int{s.Totals.Specs, s.Totals.Passed, s.Totals.Failed, s.Totals.Skipped}}
	add := func(kind string, it reports.Verdict) {
		it.Seconds = 0
		v.Items[kind+" "+it.ID] = it
	}
	for _, it := range s.Services {
		add("service", it)
	}
	for id, it := range s.NationalDBs {
		add("db "+id, *it)
	}
	for id, it := range s.Platform {
		add("system "+id, *it)
	}
	for _, sp := range s.Specs {
		sp.Seconds = 0
		v.Specs[sp.Province+" "+sp.Name] = sp
	}
	return v
}
