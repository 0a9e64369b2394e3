package main

// Run history in the store (`dvcqa run --store URL`, DVCQA_STORE): nightly
// CI workspaces start empty, so trend and diff across nights read the runs
// from a database instead of the runs folder.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/store"
)

// storeTimeout bounds each piece of store work: opening (and migrating),
// recording one run, reading the history.
const storeTimeout = time.Minute

// storeFlagUsage is the help of --store.
const storeFlagUsage = "run history store: sqlite:path/to/dvcqa.db or postgres://user@host:port/db (env " + store.EnvURL + ")"

// openStore opens the store at url, migrated.
func openStore(url string) (*store.Store, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	return store.Open(ctx, url)
}

// recordRun stores a finished run: its key, times, verdict and totals in
// columns, and its summary.json as written, for trend and diff. A run
// recorded twice (the same run id) is refused.
func recordRun(st *store.Store, sum *reports.Summary, summaryJSON []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	k := reports.KeyOf(sum)
	err := st.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, st.Rebind(`INSERT INTO runs (run_id, target, target_kind, province, label_filter,
			defects, seed, started_at, finished_at, git_commit, verdict, passed, failed, skipped, specs, summary_json)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			sum.RunID, k.Target, k.TargetKind, k.Province, k.LabelFilter, k.Defects, sum.Target.Seed,
			store.Time(sum.StartedAt), store.Time(sum.FinishedAt), sum.Meta.Commit, reports.GateVerdict(sum),
			sum.Totals.Passed, sum.Totals.Failed, sum.Totals.Skipped, sum.Totals.Specs, string(summaryJSON))
		return err
	})
	if err != nil {
		return fmt.Errorf("record run %s in %s: %w", sum.RunID, st, err)
	}
	return nil
}

// recordRunFile stores the run whose summary.json is in runDir.
func recordRunFile(st *store.Store, runDir string, sum *reports.Summary) error {
	data, err := os.ReadFile(filepath.Join(runDir, reports.SummaryFile))
	if err != nil {
		return fmt.Errorf("record run %s: %w", sum.RunID, err)
	}
	return recordRun(st, sum, data)
}

// storedRun is a row of runs: its id and key columns, and its summary.
type storedRun struct {
	id  string
	key reports.RunKey
	raw string
}

// storeRuns reads the runs of the store, oldest first; with a key, only
// that key's (the key's columns, indexed).
func storeRuns(st *store.Store, key *reports.RunKey) ([]storedRun, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	q := `SELECT run_id, target, target_kind, province, label_filter, defects, summary_json FROM runs`
	var args []any
	if key != nil {
		q += ` WHERE target = ? AND target_kind = ? AND province = ? AND label_filter = ? AND defects = ?`
		args = []any{key.Target, key.TargetKind, key.Province, key.LabelFilter, key.Defects}
	}
	rows, err := st.DB().QueryContext(ctx, st.Rebind(q+` ORDER BY started_at, run_id`), args...)
	if err != nil {
		return nil, fmt.Errorf("read the runs of %s: %w", st, err)
	}
	defer rows.Close()
	var out []storedRun
	for rows.Next() {
		var r storedRun
		if err := rows.Scan(&r.id, &r.key.Target, &r.key.TargetKind, &r.key.Province, &r.key.LabelFilter, &r.key.Defects, &r.raw); err != nil {
			return nil, fmt.Errorf("read the runs of %s: %w", st, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the runs of %s: %w", st, err)
	}
	return out, nil
}

// summary parses the stored summary.json.
func (r storedRun) summary() (*reports.Summary, error) {
	var s reports.Summary
	if err := json.Unmarshal([]byte(r.raw), &s); err != nil {
		return nil, fmt.Errorf("run %s: stored summary: %w", r.id, err)
	}
	if s.SchemaVersion > reports.SchemaVersion {
		return nil, fmt.Errorf("run %s: stored summary has schema version %d; this dvcqa reads up to %d", r.id, s.SchemaVersion, reports.SchemaVersion)
	}
	return &s, nil
}

// storeHistory is the summaries of key's runs, oldest first, without the
// run self: the trend strip and diff.md of a run recorded in the store.
func storeHistory(st *store.Store, key reports.RunKey, self string) ([]*reports.Summary, error) {
	runs, err := storeRuns(st, &key)
	if err != nil {
		return nil, err
	}
	var out []*reports.Summary
	for _, r := range runs {
		if r.id == self {
			continue
		}
		s, err := r.summary()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// storeHistoryOf is publication.history for a run recorded in st: a store
// that cannot be read leaves the trend empty, and says so.
func storeHistoryOf(st *store.Store, self string) func(reports.RunKey) []*reports.Summary {
	return func(key reports.RunKey) []*reports.Summary {
		h, err := storeHistory(st, key, self)
		if err != nil {
			fmt.Fprintf(stderr, "dvcqa: no trend from the store: %v\n", err)
		}
		return h
	}
}

// findStoredRun resolves a run reference in the store: a run id or a
// unique prefix of one; "latest", the newest run; "previous", the run
// before the newest one with the newest one's key.
func findStoredRun(st *store.Store, ref string) (*reports.Summary, error) {
	runs, err := storeRuns(st, nil)
	if err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("find run %q: no run recorded in %s", ref, st)
	}
	switch ref {
	case "latest":
		return runs[len(runs)-1].summary()
	case "previous":
		newest := runs[len(runs)-1]
		for i := len(runs) - 2; i >= 0; i-- {
			if runs[i].key == newest.key {
				return runs[i].summary()
			}
		}
		return nil, fmt.Errorf("find run %q: the newest run %s is the only one of its key (%s) in %s", ref, newest.id, newest.key, st)
	case "":
		return nil, errors.New("find run: empty run reference")
	}
	var matches []storedRun
	for _, r := range runs {
		if r.id == ref {
			return r.summary()
		}
		if strings.HasPrefix(r.id, ref) {
			matches = append(matches, r)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0].summary()
	case 0:
		return nil, fmt.Errorf("find run %q: no such run in %s", ref, st)
	}
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = m.id
	}
	return nil, fmt.Errorf("find run %q: ambiguous, matches %s", ref, strings.Join(ids, ", "))
}

// runSource is where trend and diff find runs: the store when --store (or
// DVCQA_STORE) names one, else the runs folder.
type runSource struct {
	root     string
	storeURL string
	st       *store.Store
}

func (s *runSource) flags(fs *flag.FlagSet, getenv func(string) string) {
	runsFlag(fs, &s.root)
	fs.StringVar(&s.storeURL, "store", getenv(store.EnvURL), storeFlagUsage+"; read runs from it instead of --runs")
}

func (s *runSource) open() (err error) {
	if s.storeURL != "" {
		s.st, err = openStore(s.storeURL)
	}
	return err
}

func (s *runSource) close() {
	if s.st != nil {
		s.st.Close()
	}
}

// find resolves a run reference (see reports.FindRun and findStoredRun).
func (s *runSource) find(ref string) (*reports.Summary, error) {
	if s.st != nil {
		return findStoredRun(s.st, ref)
	}
	dir, err := reports.FindRun(s.root, ref)
	if err != nil {
		return nil, err
	}
	return reports.LoadSummary(filepath.Join(dir, reports.SummaryFile))
}

// ofKey is every run of key, oldest first.
func (s *runSource) ofKey(key reports.RunKey) ([]*reports.Summary, error) {
	if s.st != nil {
		return storeHistory(s.st, key, "")
	}
	if _, err := os.Stat(s.root); err != nil {
		return nil, fmt.Errorf("runs folder: %w", err)
	}
	return reports.SameKey(previousRuns(s.root, ""), key), nil
}
