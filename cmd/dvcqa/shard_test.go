package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/reports"
)

func TestParseShard(t *testing.T) {
	for _, ok := range []string{"1/1", "2/3", "3/3", " 1/4 "} {
		if _, err := parseShard(ok); err != nil {
			t.Errorf("parseShard(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "0/3", "4/3", "1/0", "-1/2", "a/b", "2", "1/2/3", "1.5/2"} {
		if s, err := parseShard(bad); err == nil {
			t.Errorf("parseShard(%q) = %v, want an error", bad, s)
		}
	}
	if _, err := parseRunArgs([]string{"--shard", "4/3"}, func(string) string { return "" }); err == nil {
		t.Error("dvcqa run --shard 4/3 was accepted")
	}
}

// specsOf makes specs of units: each key given as "service:DVxx" gets n API specs.
func specsOf(units map[string]int) []listedSpec {
	var out []listedSpec
	for svc, n := range units {
		for i := 0; i < n; i++ {
			out = append(out, listedSpec{Text: fmt.Sprintf("%s spec %d", svc, i), Labels: []string{svc, "layer:api", "kind:e2e"}})
		}
	}
	return out
}

func TestSplitEveryUnitOnceAndDeterministic(t *testing.T) {
	specs := specsOf(map[string]int{"service:DV01": 6, "service:DV02": 6, "service:DV03": 2, "service:DV04": 3, "service:DV05": 1})
	specs = append(specs,
		listedSpec{Text: "db population reachable", Labels: []string{"kind:connection", "db:population", "system:gateway", "layer:api"}},
		listedSpec{Text: "db population audited", Labels: []string{"kind:connection", "db:population", "system:gateway", "layer:api"}},
		listedSpec{Text: "sso discovery", Labels: []string{"kind:platform", "system:sso", "layer:api"}},
		listedSpec{Text: "DV01 browser", Labels: []string{"service:DV01", "layer:browser", "kind:e2e"}})
	units := groupUnits(specs, nil)
	if len(units) != 8 {
		t.Fatalf("%d units, want 8 (5 services' API, DV01's browser, population, sso): %+v", len(units), units)
	}
	first := splitUnits(units, 3)
	// Reversed input order: the same split.
	rev := append([]listedSpec(nil), specs...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if again := splitUnits(groupUnits(rev, nil), 3); !reflect.DeepEqual(first, again) {
		t.Errorf("the split depends on the order of the specs:\n%+v\n%+v", first, again)
	}
	seen := map[string]int{}
	for _, sh := range first {
		for _, u := range sh {
			for _, s := range u.Specs {
				seen[s]++
			}
		}
	}
	for _, s := range specs {
		if seen[s.Text] != 1 {
			t.Errorf("spec %q is in %d shards, want 1", s.Text, seen[s.Text])
		}
	}
	if len(seen) != len(specs) {
		t.Errorf("%d specs split, want %d", len(seen), len(specs))
	}
}

func TestSplitBalancedByDurations(t *testing.T) {
	specs := specsOf(map[string]int{"service:DV01": 1, "service:DV02": 1, "service:DV03": 1, "service:DV04": 1})
	// By count each shard gets two units; by duration DV01 (slow) is alone.
	durations := map[string]float64{"service:DV01 spec 0": 30, "service:DV02 spec 0": 10, "service:DV03 spec 0": 10, "service:DV04 spec 0": 10}
	got := keysOf(splitUnits(groupUnits(specs, durations), 2))
	want := [][]string{{"service:DV01 layer:api"}, {"service:DV02 layer:api", "service:DV03 layer:api", "service:DV04 layer:api"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("split by durations = %v, want %v", got, want)
	}
	got = keysOf(splitUnits(groupUnits(specs, nil), 2))
	if len(got[0]) != 2 || len(got[1]) != 2 {
		t.Errorf("split by count = %v, want two units each", got)
	}
	// A spec with no history weighs the mean of the listed specs' known
	// durations (a run's spec no longer listed does not count).
	partial := map[string]float64{"service:DV01 spec 0": 20, "service:DV02 spec 0": 10, "service:DV04 spec 0": 0.5}
	units := groupUnits(specsOf(map[string]int{"service:DV01": 1, "service:DV02": 1, "service:DV03": 1}), partial)
	var w []float64
	for _, u := range units {
		w = append(w, u.Weight)
	}
	if !reflect.DeepEqual(w, []float64{20, 10, 15}) {
		t.Errorf("weights %v, want [20 10 15] (DV03 unknown: the mean of 20 and 10)", w)
	}
}

func keysOf(shards [][]unit) [][]string {
	out := make([][]string, len(shards))
	for i, sh := range shards {
		for _, u := range sh {
			out[i] = append(out[i], u.Key)
		}
	}
	return out
}

func TestShardHistoryNewestCoveringRunNotAShard(t *testing.T) {
	root := t.TempDir()
	listed := []listedSpec{{Text: "a"}, {Text: "b"}}
	base := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	write := func(id string, hours int, shard bool, specs ...reports.SpecResult) {
		t.Helper()
		dir := filepath.Join(root, id)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := reports.WriteSummary(dir, &reports.Summary{SchemaVersion: reports.SchemaVersion, RunID: id,
			StartedAt: base.Add(time.Duration(hours) * time.Hour), Specs: specs}); err != nil {
			t.Fatal(err)
		}
		if shard {
			if err := writeShardPlan(dir, &shardPlan{Index: 1, Count: 2}); err != nil {
				t.Fatal(err)
			}
		}
	}
	ran := func(name string, s float64) reports.SpecResult {
		return reports.SpecResult{Name: name, Outcome: reports.Pass, Seconds: s}
	}
	if id, d := shardHistory(root, "", listed); id != "" || d != nil {
		t.Errorf("empty runs folder: history %q %v, want none (split by count)", id, d)
	}
	write("old", 0, false, ran("a", 1), ran("b", 2))
	write("partial", 1, false, ran("a", 5), reports.SpecResult{Name: "b", Outcome: reports.Skipped})
	write("shard", 2, true, ran("a", 7), ran("b", 7))
	id, d := shardHistory(root, "", listed)
	if id != "old" || !reflect.DeepEqual(d, map[string]float64{"a": 1, "b": 2}) {
		t.Errorf("history %q %v, want run old (partial did not run b; shard is a shard) with a=1 b=2", id, d)
	}
	write("newer", 3, false, ran("a", 3), ran("b", 4), ran("c", 1))
	if id, _ := shardHistory(root, "", listed); id != "newer" {
		t.Errorf("history %q, want the newest covering run, newer", id)
	}
	if id, _ := shardHistory(root, "newer", listed); id != "old" {
		t.Errorf("history %q, want old: a run never takes its own folder", id)
	}
}
