package reports_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/reports/render"
)

func diffSpec(name, outcome string, secs float64) reports.SpecResult {
	return reports.SpecResult{Name: name, Outcome: outcome, Seconds: secs}
}

func diffInProvince(sp reports.SpecResult, p string) reports.SpecResult {
	sp.Province = p
	return sp
}

func diffFixture() (old, new *reports.Summary) {
	old = &reports.Summary{RunID: "20261122-100000-aaaa",
		Specs: []reports.SpecResult{
			diffSpec("A pass→fail", reports.Pass, 1),
			diffSpec("B flaky→fail", "flaky", 1),
			diffSpec("C fail→pass", reports.Fail, 1),
			diffSpec("D pass→pass", reports.Pass, 1),
			diffSpec("E skipped→fail", reports.Skipped, 0),
			diffSpec("F fail→fail", reports.Fail, 1),
			diffSpec("H removed", reports.Pass, 1),
			diffSpec("I pass→flaky", reports.Pass, 1),
			diffSpec("K slower", reports.Pass, 2),
			diffSpec("L slower but under the minimum", reports.Pass, 0.2),
			diffSpec("M longer but under the factor", reports.Pass, 10),
			diffSpec("N skipped→ran", reports.Skipped, 0),
			diffSpec("O faster", reports.Pass, 10),
			diffInProvince(diffSpec("P per province", reports.Pass, 1), "01"),
			diffInProvince(diffSpec("P per province", reports.Pass, 1), "79"),
		},
		Services: []reports.Verdict{
			{ID: "DV07", Readiness: reports.Ready},
			{ID: "DV09", Readiness: reports.Ready},
			{ID: "DV10", Verdict: reports.Fail}, // schema 1: no readiness
		},
		NationalDBs: map[string]*reports.Verdict{"population": {ID: "population", Readiness: reports.Ready}},
		Platform:    map[string]*reports.Verdict{"sso": {ID: "sso", Readiness: reports.NotReady}},
	}
	new = &reports.Summary{RunID: "20261122-110000-bbbb",
		Specs: []reports.SpecResult{
			diffSpec("A pass→fail", reports.Fail, 1),
			diffSpec("B flaky→fail", reports.Fail, 1),
			diffSpec("C fail→pass", reports.Pass, 1),
			diffSpec("D pass→pass", reports.Pass, 1),
			diffSpec("E skipped→fail", reports.Fail, 1),
			diffSpec("F fail→fail", reports.Fail, 1),
			diffSpec("G new", reports.Pass, 1),
			diffSpec("I pass→flaky", "flaky", 1),
			diffSpec("J new and flaky", "flaky", 1),
			diffSpec("K slower", reports.Pass, 3.5),
			diffSpec("L slower but under the minimum", reports.Pass, 0.6),
			diffSpec("M longer but under the factor", reports.Pass, 12),
			diffSpec("N skipped→ran", reports.Pass, 5),
			diffSpec("O faster", reports.Pass, 2),
			diffInProvince(diffSpec("P per province", reports.Pass, 1), "01"),
			diffInProvince(diffSpec("P per province", reports.Fail, 1), "79"),
		},
		Services: []reports.Verdict{
			{ID: "DV07", Readiness: reports.NotReady},
			{ID: "DV09", Readiness: reports.Ready},
			{ID: "DV10", Readiness: reports.NotReady},
			{ID: "DV26", Readiness: reports.Ready},
		},
		NationalDBs: map[string]*reports.Verdict{"population": {ID: "population", Readiness: reports.Blocked}},
		Platform:    map[string]*reports.Verdict{"sso": {ID: "sso", Readiness: reports.Ready}},
	}
	return old, new
}

func TestDiffCompare(t *testing.T) {
	old, new := diffFixture()
	d := reports.Compare(old, new, reports.DurationThreshold{})
	if d.Old != old.RunID || d.New != new.RunID {
		t.Errorf("run ids %q → %q", d.Old, d.New)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
		}
	}
	check("regressions", d.Regressions, []reports.SpecChange{
		{Name: "A pass→fail", OldOutcome: "pass", NewOutcome: "fail"},
		{Name: "B flaky→fail", OldOutcome: "flaky", NewOutcome: "fail"},
		{Name: "P per province [79]", OldOutcome: "pass", NewOutcome: "fail"},
	})
	check("fixes", d.Fixes, []reports.SpecChange{{Name: "C fail→pass", OldOutcome: "fail", NewOutcome: "pass"}})
	check("new specs", d.NewSpecs, []reports.SpecChange{
		{Name: "G new", NewOutcome: "pass"},
		{Name: "J new and flaky", NewOutcome: "flaky"},
	})
	check("removed specs", d.RemovedSpecs, []reports.SpecChange{{Name: "H removed", OldOutcome: "pass"}})
	check("flaky", d.Flaky, []reports.SpecChange{
		{Name: "I pass→flaky", OldOutcome: "pass", NewOutcome: "flaky"},
		{Name: "J new and flaky", NewOutcome: "flaky"},
	})
	check("slower", d.Slower, []reports.DurationChange{{Name: "K slower", OldSeconds: 2, NewSeconds: 3.5}})
	check("readiness", d.ReadinessChanges, []reports.ItemChange{
		{ID: "DV07", Old: "READY", New: "NOT READY"},
		{ID: "DV26", Old: "", New: "READY"},
		{ID: "db:population", Old: "READY", New: "BLOCKED"},
		{ID: "system:sso", Old: "NOT READY", New: "READY"},
	})
	if d.Empty() {
		t.Error("Empty() on a diff with changes")
	}
}

func TestDiffDurationThreshold(t *testing.T) {
	old, new := diffFixture()
	d := reports.Compare(old, new, reports.DurationThreshold{Factor: 2.5, Min: 100 * time.Millisecond})
	want := []reports.DurationChange{{Name: "L slower but under the minimum", OldSeconds: 0.2, NewSeconds: 0.6}}
	if !reflect.DeepEqual(d.Slower, want) {
		t.Errorf("slower with factor 2.5, min 100ms: %+v, want %+v", d.Slower, want)
	}
	d = reports.Compare(old, new, reports.DurationThreshold{Factor: 1.1, Min: time.Second})
	var names []string
	for _, c := range d.Slower {
		names = append(names, c.Name)
	}
	// Largest growth first; skipped→ran (N) never counts.
	if want := []string{"M longer but under the factor", "K slower"}; !reflect.DeepEqual(names, want) {
		t.Errorf("slower with factor 1.1: %v, want %v", names, want)
	}
}

func TestDiffEmpty(t *testing.T) {
	old, _ := diffFixture()
	// A spec flaky in the new run is listed even when it was flaky before.
	d := reports.Compare(old, old, reports.DefaultDurationThreshold)
	want := []reports.SpecChange{{Name: "B flaky→fail", OldOutcome: "flaky", NewOutcome: "flaky"}}
	if d.Empty() || !reflect.DeepEqual(d.Flaky, want) {
		t.Errorf("a run with a flaky spec compared with itself: %+v", d)
	}

	var stable []reports.SpecResult
	for _, sp := range old.Specs {
		if sp.Outcome != "flaky" {
			stable = append(stable, sp)
		}
	}
	old.Specs = stable
	d = reports.Compare(old, old, reports.DefaultDurationThreshold)
	if !d.Empty() {
		t.Fatalf("a run compared with itself: %+v", d)
	}
	var buf bytes.Buffer
	if err := render.WriteDiffText(&buf, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "No changes") || strings.Contains(buf.String(), "##") {
		t.Errorf("empty diff text:\n%s", buf.String())
	}
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"regressions":[]`) || !strings.Contains(string(data), `"readiness_changes":[]`) {
		t.Errorf("empty lists should encode as []: %s", data)
	}
}

func TestDiffText(t *testing.T) {
	old, new := diffFixture()
	new.Specs = append(new.Specs, diffSpec("H removed", reports.Pass, 1)) // no removed specs now
	var buf bytes.Buffer
	if err := render.WriteDiffText(&buf, reports.Compare(old, new, reports.DurationThreshold{})); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{
		"# dvcqa diff: 20261122-100000-aaaa → 20261122-110000-bbbb",
		"## Regressions (3)\n\n- A pass→fail: pass → fail\n- B flaky→fail: flaky → fail\n- P per province [79]: pass → fail\n",
		"## Fixes (1)\n\n- C fail→pass: fail → pass\n",
		"## Readiness changes (4)\n\n- DV07: READY → NOT READY\n- DV26: (absent) → READY\n",
		"## Flaky (2)\n\n- I pass→flaky (was pass)\n- J new and flaky (new spec)\n",
		"## Slower (1)\n\n- K slower: 2.0s → 3.5s (+1.5s, ×1.8)\n",
		"## New specs (2)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("diff text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Removed") {
		t.Errorf("empty section shown:\n%s", text)
	}
	if strings.Index(text, "Readiness") > strings.Index(text, "Regressions") || strings.Index(text, "Regressions") > strings.Index(text, "Fixes") {
		t.Errorf("sections out of order:\n%s", text)
	}
}

func TestDiffJSON(t *testing.T) {
	old, new := diffFixture()
	data, err := json.Marshal(reports.Compare(old, new, reports.DurationThreshold{}))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	for _, want := range []string{"old", "new", "regressions", "fixes", "new_specs", "removed_specs", "flaky", "slower", "readiness_changes"} {
		if _, ok := m[want]; !ok {
			t.Errorf("JSON lacks %q (has %v)", want, keys)
		}
	}
	for _, want := range []string{`"old_outcome":"pass"`, `"new_outcome":"fail"`, `"old_seconds":2`, `"new_seconds":3.5`, `"id":"DV07"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON lacks %s: %s", want, data)
		}
	}
	var back reports.Diff
	if err := json.Unmarshal(data, &back); err != nil || len(back.Regressions) != 3 {
		t.Errorf("JSON does not round-trip: %v %+v", err, back)
	}
}

func diffWriteRun(t *testing.T, root, id string, withSummary bool) string {
	t.Helper()
	dir := filepath.Join(root, id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if withSummary {
		data, _ := json.Marshal(reports.Summary{SchemaVersion: reports.SchemaVersion, RunID: id})
		if err := os.WriteFile(filepath.Join(dir, "summary.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDiffLoadSummary(t *testing.T) {
	root := t.TempDir()
	dir := diffWriteRun(t, root, "20261122-100000-aaaa", true)
	for _, p := range []string{dir, filepath.Join(dir, "summary.json")} {
		s, err := reports.LoadSummary(p)
		if err != nil || s.RunID != "20261122-100000-aaaa" {
			t.Errorf("LoadSummary(%s) = %+v, %v", p, s, err)
		}
	}
	if _, err := reports.LoadSummary(filepath.Join(root, "missing")); err == nil {
		t.Error("LoadSummary of a missing file: no error")
	}
	bad := filepath.Join(root, "bad.json")
	os.WriteFile(bad, []byte("{not json"), 0o644)
	if _, err := reports.LoadSummary(bad); err == nil {
		t.Error("LoadSummary of broken JSON: no error")
	}
	future := filepath.Join(root, "future.json")
	os.WriteFile(future, []byte(`{"schema_version": 99}`), 0o644)
	if _, err := reports.LoadSummary(future); err == nil {
		t.Error("LoadSummary of a newer schema: no error")
	}
}

func TestDiffFindRun(t *testing.T) {
	root := t.TempDir()
	a := diffWriteRun(t, root, "20261122-100000-aaaa", true)
	b := diffWriteRun(t, root, "20261122-110000-bbbb", true)
	c := diffWriteRun(t, root, "20261122-120000-cccc", true)
	diffWriteRun(t, root, "20261122-130000-dddd", false) // crashed before its summary
	latest := diffWriteRun(t, root, "latest", true)      // the copy of the newest run
	diffWriteRun(t, root, "latest.tmp", true)            // a copy in progress
	diffWriteRun(t, root, "test-runs", false)
	os.WriteFile(filepath.Join(root, "mock-target.yaml"), []byte("name: mock\n"), 0o644)

	for ref, want := range map[string]string{
		"latest":                         c,
		"previous":                       b,
		"20261122-100000-aaaa":           a,
		a:                                a,
		filepath.Join(b, "summary.json"): b,
		latest:                           latest, // by path, reports/latest is what it says
		"20261122-11":                    b,      // unique prefix
		filepath.Join(root, "20261122-120000-cccc"): c,
	} {
		got, err := reports.FindRun(root, ref)
		if err != nil || got != want {
			t.Errorf("FindRun(%q) = %q, %v; want %q", ref, got, err, want)
		}
	}
	for _, ref := range []string{"", "20261122-1", "20261122-130000-dddd", "nope", "test-runs", "mock-target.yaml"} {
		if got, err := reports.FindRun(root, ref); err == nil {
			t.Errorf("FindRun(%q) = %q, want an error", ref, got)
		}
	}

	one := t.TempDir()
	only := diffWriteRun(t, one, "20261122-100000-aaaa", true)
	if got, err := reports.FindRun(one, "latest"); err != nil || got != only {
		t.Errorf("latest of one run: %q, %v", got, err)
	}
	if _, err := reports.FindRun(one, "previous"); err == nil {
		t.Error("previous of one run: no error")
	}
	if _, err := reports.FindRun(filepath.Join(one, "missing"), "latest"); err == nil {
		t.Error("latest in a missing reports folder: no error")
	}
}
