package reports

// Comparing two runs: what regressed, what got fixed, what is new, flaky or
// slower, and which readiness verdicts changed. Runs are found in the
// reports folder by path, run id or "latest"/"previous".

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

// Diff is what changed from run Old to run New.
type Diff struct {
	Old              string           `json:"old"` // run ids
	New              string           `json:"new"`
	Regressions      []SpecChange     `json:"regressions"`   // pass/flaky → fail
	Fixes            []SpecChange     `json:"fixes"`         // fail → pass
	NewSpecs         []SpecChange     `json:"new_specs"`     // only in New
	RemovedSpecs     []SpecChange     `json:"removed_specs"` // only in Old
	Flaky            []SpecChange     `json:"flaky"`         // flaky in New
	Slower           []DurationChange `json:"slower"`
	ReadinessChanges []ItemChange     `json:"readiness_changes"`
}

// SpecChange is one spec (its name, with " [province]" when the run had
// several) and its outcome in both runs ("" where it did not exist).
type SpecChange struct {
	Name       string `json:"name"`
	OldOutcome string `json:"old_outcome,omitempty"`
	NewOutcome string `json:"new_outcome,omitempty"`
}

// DurationChange is a spec that got slower.
type DurationChange struct {
	Name       string  `json:"name"`
	OldSeconds float64 `json:"old_seconds"`
	NewSeconds float64 `json:"new_seconds"`
}

// ItemChange is a readiness change of a service ("DV07"), national database
// ("db:population") or platform system ("system:sso"); "" where the item did
// not exist.
type ItemChange struct {
	ID  string `json:"id"`
	Old string `json:"old"`
	New string `json:"new"`
}

// DurationThreshold says when a spec counts as slower: new ≥ old×Factor and
// new−old ≥ Min. Zero fields take the defaults (DefaultDurationThreshold).
type DurationThreshold struct {
	Factor float64
	Min    time.Duration
}

// DefaultDurationThreshold: 1.5 times as long, and at least a second more.
var DefaultDurationThreshold = DurationThreshold{Factor: 1.5, Min: time.Second}

// Comparable says why two runs may not be diffed, nil when they may.
func Comparable(old, new *Summary) error {
	if diffs := KeyOf(old).Differences(KeyOf(new)); len(diffs) > 0 {
		return fmt.Errorf("runs %s and %s are not comparable: %s", old.RunID, new.RunID, strings.Join(diffs, "; "))
	}
	return nil
}

// Compare diffs two summaries. Specs are matched by name (plus province when
// set); skipped specs are never "slower", since their time means nothing.
func Compare(old, new *Summary, threshold DurationThreshold) *Diff {
	if old == nil {
		old = &Summary{}
	}
	if new == nil {
		new = &Summary{}
	}
	if threshold.Factor <= 0 {
		threshold.Factor = DefaultDurationThreshold.Factor
	}
	if threshold.Min <= 0 {
		threshold.Min = DefaultDurationThreshold.Min
	}
	d := &Diff{Old: old.RunID, New: new.RunID,
		Regressions: []SpecChange{}, Fixes: []SpecChange{}, NewSpecs: []SpecChange{}, RemovedSpecs: []SpecChange{},
		Flaky: []SpecChange{}, Slower: []DurationChange{}, ReadinessChanges: []ItemChange{}}

	oldSpecs, oldOrder := diffSpecIndex(old.Specs)
	newSpecs, newOrder := diffSpecIndex(new.Specs)
	for _, name := range newOrder {
		n := newSpecs[name]
		o, inOld := oldSpecs[name]
		if !inOld {
			d.NewSpecs = append(d.NewSpecs, SpecChange{Name: name, NewOutcome: n.Outcome})
		}
		if n.Outcome == OutcomeFlaky {
			d.Flaky = append(d.Flaky, SpecChange{Name: name, OldOutcome: o.Outcome, NewOutcome: n.Outcome})
		}
		if !inOld {
			continue
		}
		change := SpecChange{Name: name, OldOutcome: o.Outcome, NewOutcome: n.Outcome}
		switch {
		case (o.Outcome == Pass || o.Outcome == OutcomeFlaky) && n.Outcome == Fail:
			d.Regressions = append(d.Regressions, change)
		case o.Outcome == Fail && n.Outcome == Pass:
			d.Fixes = append(d.Fixes, change)
		}
		if diffRan(o) && diffRan(n) && n.Seconds >= o.Seconds*threshold.Factor &&
			n.Seconds-o.Seconds >= threshold.Min.Seconds() {
			d.Slower = append(d.Slower, DurationChange{Name: name, OldSeconds: o.Seconds, NewSeconds: n.Seconds})
		}
	}
	for _, name := range oldOrder {
		if _, ok := newSpecs[name]; !ok {
			d.RemovedSpecs = append(d.RemovedSpecs, SpecChange{Name: name, OldOutcome: oldSpecs[name].Outcome})
		}
	}
	for _, l := range [][]SpecChange{d.Regressions, d.Fixes, d.NewSpecs, d.RemovedSpecs, d.Flaky} {
		sort.SliceStable(l, func(i, j int) bool { return l[i].Name < l[j].Name })
	}
	// Slowest growth first.
	sort.SliceStable(d.Slower, func(i, j int) bool {
		a, b := d.Slower[i], d.Slower[j]
		if da, db := a.NewSeconds-a.OldSeconds, b.NewSeconds-b.OldSeconds; da != db {
			return da > db
		}
		return a.Name < b.Name
	})

	oldItems, newItems := diffItems(old), diffItems(new)
	ids := map[string]bool{}
	for id := range oldItems {
		ids[id] = true
	}
	for id := range newItems {
		ids[id] = true
	}
	for _, id := range SortedKeys(ids) {
		if o, n := oldItems[id], newItems[id]; o != n {
			d.ReadinessChanges = append(d.ReadinessChanges, ItemChange{ID: id, Old: o, New: n})
		}
	}
	sort.SliceStable(d.ReadinessChanges, func(i, j int) bool {
		a, b := d.ReadinessChanges[i], d.ReadinessChanges[j]
		if ka, kb := diffItemKind(a.ID), diffItemKind(b.ID); ka != kb {
			return ka < kb
		}
		return a.ID < b.ID
	})
	return d
}

// diffSpecIndex keys specs by name (+ province); a name that occurs twice in
// one run gets " #2", " #3", … in order of appearance.
func diffSpecIndex(specs []SpecResult) (map[string]SpecResult, []string) {
	out := make(map[string]SpecResult, len(specs))
	var order []string
	for _, sp := range specs {
		name := SpecIdentity(sp.Name, sp.Province)
		key := name
		for i := 2; ; i++ {
			if _, dup := out[key]; !dup {
				break
			}
			key = fmt.Sprintf("%s #%d", name, i)
		}
		out[key] = sp
		order = append(order, key)
	}
	return out, order
}

// diffRan: the spec ran in that run (its duration means something).
func diffRan(sp SpecResult) bool {
	return sp.Outcome == Pass || sp.Outcome == Fail || sp.Outcome == OutcomeFlaky
}

// diffItems is the readiness of every service, national database and
// platform system; a schema-1 summary without readiness falls back on the
// item's pass/fail verdict.
func diffItems(s *Summary) map[string]string {
	out := map[string]string{}
	readiness := ReadinessOf
	for i := range s.Services {
		out[s.Services[i].ID] = readiness(&s.Services[i])
	}
	for id, v := range s.NationalDBs {
		if v != nil {
			out[vocab.DB(id)] = readiness(v)
		}
	}
	for id, v := range s.Platform {
		if v != nil {
			out[vocab.Label(vocab.KeySystem, id)] = readiness(v)
		}
	}
	return out
}

// diffItemKind orders services, then databases, then platform systems.
func diffItemKind(id string) int {
	switch {
	case strings.HasPrefix(id, vocab.Prefix(vocab.KeyDB)):
		return 1
	case strings.HasPrefix(id, vocab.Prefix(vocab.KeySystem)):
		return 2
	}
	return 0
}

// Empty reports whether nothing changed.
func (d *Diff) Empty() bool {
	return d == nil || len(d.Regressions)+len(d.Fixes)+len(d.NewSpecs)+len(d.RemovedSpecs)+len(d.Flaky)+
		len(d.Slower)+len(d.ReadinessChanges) == 0
}

// LoadSummary reads a summary.json (or the summary.json of a run folder).
func LoadSummary(path string) (*Summary, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, SummaryFile)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read summary: %w", err)
	}
	var s Summary
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("parse summary %s: %w", path, err)
	}
	if s.SchemaVersion > SchemaVersion {
		return nil, fmt.Errorf("summary %s has schema version %d; this dvcqa reads up to %d", path, s.SchemaVersion, SchemaVersion)
	}
	return &s, nil
}

// FindRun resolves a run reference to a run folder: a folder (or its
// summary.json) by path; a run id under reportsRoot; "latest" or "previous",
// the newest and second-newest run folder by name (run ids sort by time),
// where run folders are those with a summary.json, other than latest/ (a copy
// of the newest run). A unique prefix of a run id also resolves.
func FindRun(reportsRoot, ref string) (string, error) {
	if ref == "" {
		return "", errors.New("find run: empty run reference")
	}
	switch ref {
	case "latest", "previous":
		runs, err := diffRuns(reportsRoot)
		if err != nil {
			return "", err
		}
		i := len(runs) - 1
		if ref == "previous" {
			i--
		}
		if i < 0 {
			return "", fmt.Errorf("find run %q: %d run(s) with a %s in %s", ref, len(runs), SummaryFile, reportsRoot)
		}
		return filepath.Join(reportsRoot, runs[i]), nil
	}
	if dir, ok := diffRunDir(ref); ok {
		return dir, nil
	}
	if !strings.ContainsAny(ref, `/\`) && ref != "." && ref != ".." {
		if dir, ok := diffRunDir(filepath.Join(reportsRoot, ref)); ok {
			return dir, nil
		}
		runs, err := diffRuns(reportsRoot)
		if err == nil {
			var matches []string
			for _, r := range runs {
				if strings.HasPrefix(r, ref) {
					matches = append(matches, r)
				}
			}
			switch len(matches) {
			case 1:
				return filepath.Join(reportsRoot, matches[0]), nil
			case 0:
			default:
				return "", fmt.Errorf("find run %q: ambiguous, matches %s", ref, strings.Join(matches, ", "))
			}
		}
	}
	return "", fmt.Errorf("find run %q: not a run folder, nor a run id in %s (with a %s)", ref, reportsRoot, SummaryFile)
}

// diffRunDir: path is a run folder, or the summary.json of one.
func diffRunDir(path string) (string, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", false
	}
	if !fi.IsDir() {
		if filepath.Base(path) == SummaryFile {
			return filepath.Dir(path), true
		}
		return "", false
	}
	if _, err := os.Stat(filepath.Join(path, SummaryFile)); err != nil {
		return "", false
	}
	return path, true
}

// diffRuns lists the run folders of reportsRoot, oldest first.
func diffRuns(reportsRoot string) ([]string, error) {
	entries, err := os.ReadDir(reportsRoot)
	if err != nil {
		return nil, fmt.Errorf("find run: %w", err)
	}
	var runs []string
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || name == LatestDir || strings.HasPrefix(name, LatestDir+".") || strings.HasPrefix(name, ".") {
			continue
		}
		if _, err := os.Stat(filepath.Join(reportsRoot, name, SummaryFile)); err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("find run: %w", err)
			}
			continue
		}
		runs = append(runs, name)
	}
	sort.Strings(runs)
	return runs, nil
}
