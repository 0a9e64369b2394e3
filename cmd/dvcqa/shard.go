package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/dvcqa/dvcqa/vocab"
)

// shardSel is `--shard I/N`: this run executes share I (1-based) of N.
type shardSel struct{ Index, Count int }

func (s shardSel) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// parseShard reads "I/N" with 1 ≤ I ≤ N.
func parseShard(v string) (shardSel, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(v), "/")
	if !ok {
		return shardSel{}, fmt.Errorf("%q: want I/N, e.g. 2/3", v)
	}
	a, errA := strconv.Atoi(i)
	b, errB := strconv.Atoi(n)
	if errA != nil || errB != nil || b < 1 || a < 1 || a > b {
		return shardSel{}, fmt.Errorf("%q: want I/N with whole numbers 1 ≤ I ≤ N, e.g. 2/3", v)
	}
	return shardSel{Index: a, Count: b}, nil
}

// listedSpec is one spec of the suites as a dry run lists it.
type listedSpec struct {
	Text   string
	Labels []string
}

// unit is a group of specs that go to the same shard.
type unit struct {
	Key    string
	Specs  []string // full texts
	Weight float64  // expected seconds (or spec count without history)
}

// unitKey groups a spec: a service's specs of one layer stay together (its
// API and browser specs may go to different shards: `dvcqa merge` joins
// them); a national database's connection specs by database; the rest by
// platform system. Anything unlabelled falls into one "other" unit.
func unitKey(labels []string) string {
	// A run over several provinces: a province's unit is its own.
	if p := vocab.LabelValue(labels, vocab.KeyProvince); p != "" {
		return vocab.Label(vocab.KeyProvince, p) + " " + baseUnitKey(labels)
	}
	return baseUnitKey(labels)
}

func baseUnitKey(labels []string) string {
	get := func(key string) string {
		p := vocab.Prefix(key)
		for _, l := range labels {
			if strings.HasPrefix(l, p) {
				return l
			}
		}
		return ""
	}
	layer := get(vocab.KeyLayer)
	if s := get(vocab.KeyService); s != "" {
		return s + " " + layer
	}
	if get(vocab.KeyKind) == vocab.Prefix(vocab.KeyKind)+"connection" {
		if db := get(vocab.KeyDB); db != "" {
			return db
		}
	}
	if s := get(vocab.KeySystem); s != "" {
		return s + " " + layer
	}
	return "other " + layer
}

// groupUnits makes the units of specs, weighted by durations (seconds per
// spec text, from an earlier run). A spec without a duration weighs the
// mean of the known ones; with no durations at all every spec weighs 1,
// and the split is by count.
func groupUnits(specs []listedSpec, durations map[string]float64) []unit {
	known, sum := 0, 0.0
	for _, s := range specs {
		if d, ok := durations[s.Text]; ok {
			known++
			sum += d
		}
	}
	fallback := 1.0
	if known > 0 {
		fallback = sum / float64(known)
	}
	byKey := map[string]*unit{}
	var keys []string
	for _, s := range specs {
		k := unitKey(s.Labels)
		u := byKey[k]
		if u == nil {
			u = &unit{Key: k}
			byKey[k] = u
			keys = append(keys, k)
		}
		u.Specs = append(u.Specs, s.Text)
		w := fallback
		if d, ok := durations[s.Text]; ok && known > 0 {
			w = d
		}
		u.Weight += w
	}
	sort.Strings(keys)
	out := make([]unit, 0, len(keys))
	for _, k := range keys {
		u := byKey[k]
		sort.Strings(u.Specs)
		out = append(out, *u)
	}
	return out
}

// splitUnits assigns every unit to exactly one of n shards, longest first
// to the least loaded shard (LPT), ties broken by key and by shard number:
// the same units and weights give the same split on every machine.
func splitUnits(units []unit, n int) [][]unit {
	sorted := append([]unit(nil), units...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Weight != sorted[j].Weight {
			return sorted[i].Weight > sorted[j].Weight
		}
		return sorted[i].Key < sorted[j].Key
	})
	shards := make([][]unit, n)
	load := make([]float64, n)
	for _, u := range sorted {
		best := 0
		for i := 1; i < n; i++ {
			if load[i] < load[best] {
				best = i
			}
		}
		shards[best] = append(shards[best], u)
		load[best] += u.Weight
	}
	for i := range shards {
		sort.Slice(shards[i], func(a, b int) bool { return shards[i][a].Key < shards[i][b].Key })
	}
	return shards
}
