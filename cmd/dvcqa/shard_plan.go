package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/reports"
)

// shardFile records a shard's share in its run folder: `dvcqa merge` keeps
// each spec from the shard that owned it, and later splits take no history
// from a shard (its siblings would see other durations).
const shardFile = "shard.json"

// shardPlan is what one shard runs, and why.
type shardPlan struct {
	Index   int      `json:"index"`
	Count   int      `json:"count"`
	History string   `json:"history,omitempty"` // run whose durations weighed the units ("" = by count)
	Units   []string `json:"units"`
	Specs   []string `json:"specs"` // full texts this shard runs
	Total   int      `json:"total"` // specs of all N shards: the merge checks it gets them all
	Suite   string   `json:"suite"` // the suite's description, which Ginkgo's focus matches too
}

// errShardPlan marks a shard that could not be planned: nothing ran.
var errShardPlan = errors.New("cannot split the run")

// planShard lists the suites' specs (a dry run of the built binary: nothing
// starts), splits them and returns this shard's plan.
func planShard(bin, dir string, env []string, o runOptions, runsRoot, scratch string) (*shardPlan, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	report := filepath.Join(scratch, "shard-dry-run.json")
	args := []string{"-ginkgo.dry-run", "-ginkgo.json-report=" + report, "-ginkgo.no-color", "-test.timeout=2m"}
	if o.labelFilter != "" {
		args = append(args, "-ginkgo.label-filter="+o.labelFilter)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir, cmd.Env = dir, env
	out, runErr := cmd.CombinedOutput()
	reps, err := reports.LoadGinkgoJSON(report)
	if err != nil {
		return nil, fmt.Errorf("list the specs for --shard (dry run: %v): %w\n%s", runErr, err, lastLines(out, 20))
	}
	var specs []listedSpec
	suite := ""
	for _, r := range reps {
		suite = r.SuiteDescription
		for _, sr := range r.SpecReports {
			// A dry run marks the specs the label filter leaves out as skipped.
			if sr.LeafNodeType != types.NodeTypeIt || sr.State != types.SpecStatePassed {
				continue
			}
			specs = append(specs, listedSpec{Text: sr.FullText(), Labels: sr.Labels()})
		}
	}
	if len(specs) == 0 {
		return nil, errors.New("--shard: the label filter selects no spec")
	}
	histID, durations := "", map[string]float64(nil)
	if o.store != "" {
		histID, durations = storeShardHistory(o.store, o.runID, specs)
	}
	if histID == "" {
		histID, durations = shardHistory(runsRoot, o.runID, specs)
	}
	units := groupUnits(specs, durations)
	if o.shard.Count > len(units) {
		return nil, fmt.Errorf("--shard %s: the selected specs make only %d unit(s) (a service's specs of one layer, a database's, a system's), so at most %d shards", o.shard, len(units), len(units))
	}
	mine := splitUnits(units, o.shard.Count)[o.shard.Index-1]
	p := &shardPlan{Index: o.shard.Index, Count: o.shard.Count, History: histID, Suite: suite, Total: len(specs)}
	for _, u := range mine {
		p.Units = append(p.Units, u.Key)
		p.Specs = append(p.Specs, u.Specs...)
	}
	return p, nil
}

// focus is the Ginkgo --focus that selects exactly this shard's specs:
// Ginkgo matches it against "<suite description> <spec text>".
func (p *shardPlan) focus() string {
	alts := make([]string, len(p.Specs))
	for i, s := range p.Specs {
		alts[i] = regexp.QuoteMeta(s)
	}
	return "^" + regexp.QuoteMeta(p.Suite) + " (?:" + strings.Join(alts, "|") + ")$"
}

func writeShardPlan(runDir string, p *shardPlan) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return reports.WriteBytesAtomic(filepath.Join(runDir, shardFile), append(data, '\n'), 0o644)
}

// readShardPlan reads a run folder's shard.json; nil when the run was not a shard.
func readShardPlan(runDir string) (*shardPlan, error) {
	data, err := os.ReadFile(filepath.Join(runDir, shardFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var p shardPlan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(runDir, shardFile), err)
	}
	return &p, nil
}

// shardHistory is the newest finished run in the runs folder that was not
// itself a shard and ran every listed spec (an unsharded run or a merge),
// and its spec durations. Every shard of one run started from the same
// runs folder finds the same one, even when a sibling shard finished first.
func shardHistory(runsRoot, self string, specs []listedSpec) (string, map[string]float64) {
	entries, err := os.ReadDir(runsRoot)
	if err != nil {
		return "", nil
	}
	var best *reports.Summary
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || name == reports.LatestDir || name == self || strings.HasPrefix(name, ".") {
			continue
		}
		if _, err := os.Stat(filepath.Join(runsRoot, name, shardFile)); err == nil {
			continue
		}
		s, err := reports.LoadSummary(filepath.Join(runsRoot, name, reports.SummaryFile))
		if err != nil || !coversAll(s, specs) {
			continue
		}
		if best == nil || s.StartedAt.After(best.StartedAt) || (s.StartedAt.Equal(best.StartedAt) && s.RunID > best.RunID) {
			best = s
		}
	}
	if best == nil {
		return "", nil
	}
	return best.RunID, durationsOf(best)
}

// storeShardHistory is shardHistory from the store (--store): the newest
// recorded run that ran every listed spec. A shard recorded there ran only
// its share, so a sibling never takes it. A store that cannot be read
// leaves the runs folder to decide, and says so.
func storeShardHistory(url, self string, specs []listedSpec) (string, map[string]float64) {
	st, err := openStore(url)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dvcqa: --shard: no history from the store: %v\n", err)
		return "", nil
	}
	defer st.Close()
	runs, err := storeRuns(st, nil)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dvcqa: --shard: no history from the store: %v\n", err)
		return "", nil
	}
	for i := len(runs) - 1; i >= 0; i-- {
		if runs[i].id == self {
			continue
		}
		if s, err := runs[i].summary(); err == nil && coversAll(s, specs) {
			return s.RunID, durationsOf(s)
		}
	}
	return "", nil
}

// coversAll says whether run s executed every listed spec (a spec that
// skipped itself executed its Skip).
func coversAll(s *reports.Summary, specs []listedSpec) bool {
	ran := map[string]bool{}
	for _, sp := range s.Specs {
		if sp.Outcome != reports.Skipped || sp.SkipReason != "" {
			ran[sp.Name] = true
		}
	}
	for _, sp := range specs {
		if !ran[sp.Text] {
			return false
		}
	}
	return true
}

// durationsOf is each executed spec's seconds (summed over provinces).
func durationsOf(s *reports.Summary) map[string]float64 {
	d := map[string]float64{}
	for _, sp := range s.Specs {
		if sp.Outcome != reports.Skipped || sp.SkipReason != "" {
			d[sp.Name] += sp.Seconds
		}
	}
	return d
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func historyNote(id string) string {
	if id == "" {
		return ", split by count (no earlier run)"
	}
	return ", balanced by the durations of run " + id
}
