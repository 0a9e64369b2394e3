package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/store"
)

// synthRun is a summary of a one-service run: DV09's end-to-end spec
// passed or failed, on the mock target in province 01 with the given
// seeded defects and label filter.
func synthRun(id string, at time.Time, defects []string, labelFilter string, dv09Passed bool) *reports.Summary {
	outcome, readiness, passed, failed := reports.Fail, reports.NotReady, 0, 1
	if dv09Passed {
		outcome, readiness, passed, failed = reports.Pass, reports.Ready, 1, 0
	}
	return &reports.Summary{SchemaVersion: reports.SchemaVersion, RunID: id, LabelFilter: labelFilter,
		Target:    reports.TargetInfo{Name: "mock", Kind: "mock", Province: "01", Seed: 7, Defects: defects},
		StartedAt: at, FinishedAt: at.Add(2 * time.Minute), Passed: dv09Passed,
		Meta:     reports.SummaryMeta{Commit: "abc1234"},
		Gate:     reports.GateResult{Passed: dv09Passed},
		Headline: reports.Headline{ServicesReady: passed, ServicesTotal: 1},
		Services: []reports.Verdict{{ID: "DV09", Verdict: outcome, Readiness: readiness, Passed: passed, Failed: failed}},
		Specs:    []reports.SpecResult{{Name: "[DV09] end to end", Outcome: outcome, Attempts: 1, Seconds: 1}},
		Totals:   reports.Totals{Specs: 1, Passed: passed, Failed: failed, ServicesPassed: passed, ServicesTotal: 1},
	}
}

// testStore is an SQLite store in t's temporary folder, with its URL.
func testStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	url := "sqlite:" + filepath.Join(t.TempDir(), "dvcqa.db")
	st, err := openStore(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, url
}

func recordSynth(t *testing.T, st *store.Store, sums ...*reports.Summary) {
	t.Helper()
	for _, s := range sums {
		raw, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := recordRun(st, s, raw); err != nil {
			t.Fatal(err)
		}
	}
}

// captureStderr collects what fail prints while f runs.
func captureStderr(t *testing.T, f func()) string {
	t.Helper()
	var buf bytes.Buffer
	stderr = &buf
	defer func() { stderr = os.Stderr }()
	f()
	return buf.String()
}

// noEnv is a getenv with nothing set.
func noEnv(string) string { return "" }

var firstNight = time.Date(2026, 11, 28, 19, 0, 0, 0, time.UTC)

func TestRunIsRecordedInTheStore(t *testing.T) {
	st, _ := testStore(t)
	sum := synthRun("20261128-190000-aaaa", firstNight, []string{"status-stuck:processing@DV09", "result-unsigned@DV09"}, "layer:api", false)
	raw, _ := json.MarshalIndent(sum, "", "  ")
	if err := recordRun(st, sum, raw); err != nil {
		t.Fatal(err)
	}
	var row struct {
		target, kind, province, filter, defects, started, finished, commit, verdict, summary string
		seed                                                                                 int64
		passed, failed, skipped, specs                                                       int
	}
	err := st.DB().QueryRowContext(context.Background(), `SELECT target, target_kind, province, label_filter, defects, seed,
		started_at, finished_at, git_commit, verdict, passed, failed, skipped, specs, summary_json FROM runs WHERE run_id = ?`, sum.RunID).
		Scan(&row.target, &row.kind, &row.province, &row.filter, &row.defects, &row.seed, &row.started, &row.finished,
			&row.commit, &row.verdict, &row.passed, &row.failed, &row.skipped, &row.specs, &row.summary)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ col, got, want string }{
		{"target", row.target, "mock"}, {"target_kind", row.kind, "mock"}, {"province", row.province, "01"},
		{"label_filter", row.filter, "layer:api"},
		{"defects", row.defects, "result-unsigned@DV09,status-stuck:processing@DV09"}, // sorted
		{"started_at", row.started, "2026-11-28T19:00:00.000000000Z"},
		{"finished_at", row.finished, "2026-11-28T19:02:00.000000000Z"},
		{"git_commit", row.commit, "abc1234"}, {"verdict", row.verdict, "fail"},
		{"summary_json", row.summary, string(raw)},
	} {
		if c.got != c.want {
			t.Errorf("runs.%s = %q, want %q", c.col, c.got, c.want)
		}
	}
	if row.seed != 7 || row.passed != 0 || row.failed != 1 || row.skipped != 0 || row.specs != 1 {
		t.Errorf("seed, passed, failed, skipped, specs = %d, %d, %d, %d, %d; want 7, 0, 1, 0, 1", row.seed, row.passed, row.failed, row.skipped, row.specs)
	}
	if err := recordRun(st, sum, raw); err == nil || !strings.Contains(err.Error(), sum.RunID) {
		t.Errorf("the same run recorded twice: %v, want an error naming it", err)
	}
}

// seedHistory records three nights of the healthy key (DV09 passes, then
// fails, then passes), a newer run with a seeded defect and an older
// filtered run: three keys.
func seedHistory(t *testing.T, st *store.Store) {
	recordSynth(t, st,
		synthRun("n1", firstNight, nil, "", true),
		synthRun("f1", firstNight.Add(-time.Hour), nil, "layer:api", true),
		synthRun("n2", firstNight.Add(24*time.Hour), nil, "", false),
		synthRun("n3", firstNight.Add(48*time.Hour), nil, "", true),
		synthRun("d1", firstNight.Add(49*time.Hour), []string{"result-unsigned@DV09"}, "", false),
	)
}

func trendJSON(t *testing.T, args ...string) *reports.Trend {
	t.Helper()
	var out bytes.Buffer
	var code int
	msg := captureStderr(t, func() { code = trendTo(&out, append([]string{"--json"}, args...), noEnv) })
	if code != 0 {
		t.Fatalf("trend %q = %d: %s", args, code, msg)
	}
	var tr reports.Trend
	if err := json.Unmarshal(out.Bytes(), &tr); err != nil {
		t.Fatalf("trend --json: %v\n%s", err, out.String())
	}
	return &tr
}

func trendIDs(tr *reports.Trend) string {
	var ids []string
	for _, r := range tr.Runs {
		ids = append(ids, r.RunID)
	}
	return strings.Join(ids, " ")
}

func TestTrendFromTheStoreKeepsOneKey(t *testing.T) {
	st, url := testStore(t)
	seedHistory(t, st)

	// The newest run has a seeded defect: its trend is itself alone.
	tr := trendJSON(t, "--store", url)
	if got := trendIDs(tr); got != "d1" || tr.Key.Defects != "result-unsigned@DV09" {
		t.Errorf("trend of the newest run: runs %q, key %+v; want d1 alone, key with its defect", got, tr.Key)
	}
	// The healthy key, picked by one of its runs: the three nights, and
	// no run of another key. DVCQA_STORE names the store as --store does.
	env := func(k string) string { return map[string]string{store.EnvURL: url}[k] }
	var out bytes.Buffer
	if code := trendTo(&out, []string{"--json", "--like", "n2"}, env); code != 0 {
		t.Fatalf("trend --like n2 = %d", code)
	}
	tr = &reports.Trend{}
	if err := json.Unmarshal(out.Bytes(), tr); err != nil {
		t.Fatal(err)
	}
	want := reports.RunKey{Target: "mock", TargetKind: "mock", Province: "01"}
	if got := trendIDs(tr); got != "n1 n2 n3" || tr.Key != want {
		t.Errorf("trend --like n2: runs %q, key %+v; want n1 n2 n3, key %+v", got, tr.Key, want)
	}
	if got := strings.Join(tr.Items["DV09"], ","); got != "READY,NOT READY,READY" {
		t.Errorf("DV09 over the healthy key: %s, want READY,NOT READY,READY", got)
	}
	if v := tr.Runs[1]; v.Verdict != "fail" || v.ServicesReady != 0 || v.ServicesTotal != 1 || v.Failed != 1 {
		t.Errorf("firstNight 2: %+v, want verdict fail, 0/1 services, 1 failed", v)
	}
	if got := trendIDs(trendJSON(t, "--store", url, "--like", "n3", "--last", "2")); got != "n2 n3" {
		t.Errorf("trend --last 2: %q, want n2 n3", got)
	}
	// The text form: the runs of the key and what changed.
	out.Reset()
	if code := trendTo(&out, []string{"--store", url, "--like", "n1"}, noEnv); code != 0 {
		t.Fatalf("trend --like n1 = %d", code)
	}
	text := out.String()
	for _, s := range []string{"n1 ", "n2 ", "n3 ", "DV09", "READY → NOT READY → READY", "no seeded defect"} {
		if !strings.Contains(text, s) {
			t.Errorf("trend text lacks %q:\n%s", s, text)
		}
	}
	for _, s := range []string{"d1", "f1"} {
		if strings.Contains(text, s) {
			t.Errorf("trend text lists %s, a run of another key:\n%s", s, text)
		}
	}
}

func TestDiffFromTheStore(t *testing.T) {
	st, url := testStore(t)
	seedHistory(t, st)
	var out bytes.Buffer
	var code int
	// Nights 1 and 2, same key: DV09 regressed (exit 1).
	msg := captureStderr(t, func() { code = diffTo(&out, []string{"--json", "--store", url, "n1", "n2"}, noEnv) })
	var d reports.Diff
	if err := json.Unmarshal(out.Bytes(), &d); code != 1 || err != nil {
		t.Fatalf("diff n1 n2 = %d, %v: %s %s", code, err, out.String(), msg)
	}
	if len(d.Regressions) != 1 || d.Regressions[0].Name != "[DV09] end to end" || len(d.Fixes) != 0 {
		t.Errorf("diff n1 n2: regressions %+v, fixes %+v; want DV09's spec regressed only", d.Regressions, d.Fixes)
	}
	// A healthy firstNight against the run with a seeded defect: refused,
	// naming what differs.
	out.Reset()
	msg = captureStderr(t, func() { code = diffTo(&out, []string{"--store", url, "n3", "d1"}, noEnv) })
	if code != 2 || !strings.Contains(msg, `seeded defects "" ≠ "result-unsigned@DV09"`) || !strings.Contains(msg, "--allow-mixed") || out.Len() != 0 {
		t.Errorf("diff of two keys = %d, %q, %q; want 2 naming the seeded defects and --allow-mixed, no diff", code, msg, out.String())
	}
	msg = captureStderr(t, func() { code = diffTo(&out, []string{"--store", url, "f1", "n1"}, noEnv) })
	if code != 2 || !strings.Contains(msg, `label filter "layer:api" ≠ ""`) {
		t.Errorf("diff of a filtered and a full run = %d, %q; want 2 naming the label filter", code, msg)
	}
	// --allow-mixed compares them anyway.
	out.Reset()
	if code = diffTo(&out, []string{"--json", "--allow-mixed", "--store", url, "n3", "d1"}, noEnv); code != 1 {
		t.Errorf("diff --allow-mixed n3 d1 = %d, want 1 (DV09 regressed)", code)
	}
	// latest is the newest run; previous, the one before it of its key.
	msg = captureStderr(t, func() { code = diffTo(&out, []string{"--store", url, "previous", "latest"}, noEnv) })
	if code != 2 || !strings.Contains(msg, "d1 is the only one of its key") {
		t.Errorf("diff previous latest with a lone newest key = %d, %q; want 2 saying d1 has no earlier run of its key", code, msg)
	}
	recordSynth(t, st, synthRun("d2", firstNight.Add(72*time.Hour), []string{"result-unsigned@DV09"}, "", false))
	out.Reset()
	if code = diffTo(&out, []string{"--json", "--store", url, "previous", "latest"}, noEnv); code != 0 {
		t.Errorf("diff previous latest = %d, want 0 (d1 and d2 alike)", code)
	}
	if err := json.Unmarshal(out.Bytes(), &d); err != nil || d.Old != "d1" || d.New != "d2" {
		t.Errorf("diff previous latest compared %q and %q (%v), want d1 and d2", d.Old, d.New, err)
	}
}

// TestDiffOfFoldersRefusesMixedKeys: the runs folder follows the same rule.
func TestDiffOfFoldersRefusesMixedKeys(t *testing.T) {
	root := t.TempDir()
	for _, s := range []*reports.Summary{synthRun("1-healthy", firstNight, nil, "", true),
		synthRun("2-defect", firstNight.Add(time.Hour), []string{"result-unsigned@DV09"}, "", false)} {
		dir := filepath.Join(root, s.RunID)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := reports.WriteSummary(dir, s); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	var code int
	msg := captureStderr(t, func() { code = diffTo(&out, []string{"--runs", root, "1-healthy", "2-defect"}, noEnv) })
	if code != 2 || !strings.Contains(msg, "not comparable") || !strings.Contains(msg, "seeded defects") {
		t.Errorf("diff of two folders' runs of different keys = %d, %q; want 2 naming the seeded defects", code, msg)
	}
	if code = diffTo(&out, []string{"--json", "--allow-mixed", "--runs", root, "1-healthy", "2-defect"}, noEnv); code != 1 {
		t.Errorf("diff --allow-mixed = %d, want 1 (DV09 regressed)", code)
	}
	// The folder's trend keeps the newest run's key: the defect run alone.
	out.Reset()
	if code = trendTo(&out, []string{"--json", "--runs", root}, noEnv); code != 0 {
		t.Fatalf("trend --runs = %d", code)
	}
	var tr reports.Trend
	if err := json.Unmarshal(out.Bytes(), &tr); err != nil || trendIDs(&tr) != "2-defect" {
		t.Errorf("trend of the folder: %q (%v), want 2-defect alone", trendIDs(&tr), err)
	}
}

func TestStoreHistoryIsOneKeyWithoutTheRunItself(t *testing.T) {
	st, _ := testStore(t)
	seedHistory(t, st)
	h := storeHistoryOf(st, "n3")(reports.RunKey{Target: "mock", TargetKind: "mock", Province: "01"})
	var ids []string
	for _, s := range h {
		ids = append(ids, s.RunID)
	}
	if got := strings.Join(ids, " "); got != "n1 n2" {
		t.Errorf("history of n3: %q, want n1 n2 (its key, oldest first, without n3)", got)
	}
}

func TestRunStoreFlag(t *testing.T) {
	o, err := parseRunArgs(nil, func(k string) string { return map[string]string{store.EnvURL: "sqlite:runs/dvcqa.db"}[k] })
	if err != nil || o.store != "sqlite:runs/dvcqa.db" {
		t.Errorf("DVCQA_STORE: store %q, %v; want sqlite:runs/dvcqa.db", o.store, err)
	}
	_, err = parseRunArgs([]string{"--store", "mysql://root:hunter2@db/x"}, noEnv)
	if err == nil || !strings.Contains(err.Error(), "--store") || !strings.Contains(err.Error(), "sqlite:path/to/dvcqa.db") ||
		strings.Contains(err.Error(), "hunter2") {
		t.Errorf("--store mysql://…: %v; want it refused, the accepted forms named, the password masked", err)
	}
}
