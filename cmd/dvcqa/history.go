package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/reports/render"
)

// reportCmd rebuilds a run folder's reports from its files (ginkgo.json,
// run.json), e.g. in another language or after a waiver was granted.
func reportCmd(args []string) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	root := new(string)
	runsFlag(fs, root)
	lang := fs.String("lang", "vi", "vi or en")
	waiversPath := fs.String("waivers", "", "waivers file to apply")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return fail("usage: dvcqa report [--lang en] [--waivers FILE] <run-id|folder|latest>")
	}
	if *lang != "vi" && *lang != "en" {
		return fail("report: --lang %q: want vi or en", *lang)
	}
	cat, err := fixtures.Load()
	if err != nil {
		return fail("%v", err)
	}
	dir, err := reports.FindRun(*root, fs.Arg(0))
	if err != nil {
		return fail("%v", err)
	}
	rec, shard, err := loadRun(dir)
	if err != nil {
		return fail("%v", err)
	}
	var waivers []fixtures.Waiver
	if *waiversPath != "" {
		if waivers, err = fixtures.LoadWaivers(*waiversPath, cat); err != nil {
			return fail("%v", err)
		}
		rec.Meta.WaiversFile = *waiversPath
	}
	sum, err := publish(publication{root: filepath.Dir(dir), dir: dir, rec: rec, cat: cat, waivers: waivers,
		masker: redact.NewMasker(), lang: *lang, shards: []reports.Shard{shard}})
	if err != nil {
		return fail("%v", err)
	}
	return gateExit(sum)
}

// diffCmd compares two runs of the same key (target, province, label
// filter, seeded defects), from the runs folder or from the store.
func diffCmd(args []string) int { return diffTo(os.Stdout, args, os.Getenv) }

func diffTo(w io.Writer, args []string, getenv func(string) string) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var src runSource
	src.flags(fs, getenv)
	asJSON := fs.Bool("json", false, "print JSON")
	mixed := fs.Bool("allow-mixed", false, "compare runs of different targets, provinces, label filters or seeded defects anyway")
	if err := fs.Parse(args); err != nil || fs.NArg() != 2 {
		return fail("usage: dvcqa diff [--json] [--store URL] [--allow-mixed] <old-run> <new-run>   (run ids, folders, latest, previous)")
	}
	if err := src.open(); err != nil {
		return fail("diff: %v", err)
	}
	defer src.close()
	var sums [2]*reports.Summary
	for i := range sums {
		var err error
		if sums[i], err = src.find(fs.Arg(i)); err != nil {
			return fail("%v", err)
		}
	}
	if err := reports.Comparable(sums[0], sums[1]); err != nil && !*mixed {
		return fail("diff: %v\n(--allow-mixed compares them anyway)", err)
	}
	d := reports.Compare(sums[0], sums[1], reports.DurationThreshold{})
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			return fail("%v", err)
		}
	} else if err := render.WriteDiffText(w, d); err != nil {
		return fail("%v", err)
	}
	if len(d.Regressions) > 0 {
		return 1
	}
	return 0
}

// mergeCmd combines runs of shards (e.g. provinces run on different
// machines) into one run folder, through the same builder as a run.
func mergeCmd(args []string) int {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	root := new(string)
	runsFlag(fs, root)
	out := fs.String("run-id", "", "run id of the merged run (default: new)")
	lang := fs.String("lang", "vi", "vi or en")
	if err := fs.Parse(args); err != nil || fs.NArg() < 2 {
		return fail("usage: dvcqa merge [--run-id ID] <run> <run> [<run>...]")
	}
	if *out != "" {
		if err := checkRunID(*out); err != nil {
			return fail("merge: --run-id: %v", err)
		}
	}
	if *lang != "vi" && *lang != "en" {
		return fail("merge: --lang %q: want vi or en", *lang)
	}
	cat, err := fixtures.Load()
	if err != nil {
		return fail("%v", err)
	}
	var merged *runRecord
	var shards []reports.Shard
	var plans []*shardPlan
	var recs []*runRecord
	for _, ref := range fs.Args() {
		src, err := reports.FindRun(*root, ref)
		if err != nil {
			return fail("%v", err)
		}
		rec, shard, err := loadRun(src)
		if err != nil {
			return fail("%v", err)
		}
		plan, err := readShardPlan(src)
		if err != nil {
			return fail("merge: %v", err)
		}
		shards, plans, recs = append(shards, shard), append(plans, plan), append(recs, rec)
		if merged == nil {
			first := *rec
			if a := first.Meta.Target.Allow; a != nil {
				copied := *a
				first.Meta.Target.Allow = &copied
			}
			merged = &first
			continue
		}
		if rec.Meta.StartedAt.Before(merged.Meta.StartedAt) {
			merged.Meta.StartedAt = rec.Meta.StartedAt
		}
		if rec.Meta.FinishedAt.After(merged.Meta.FinishedAt) {
			merged.Meta.FinishedAt = rec.Meta.FinishedAt
		}
		merged.Meta.Target.Defects = append(merged.Meta.Target.Defects, rec.Meta.Target.Defects...)
		// A merge is as partial as its most partial shard.
		if m, r := merged.Meta.Target.Allow, rec.Meta.Target.Allow; m != nil && r != nil {
			merged.Meta.Target.Allow = &reports.Allow{Submit: m.Submit && r.Submit, Pay: m.Pay && r.Pay}
		}
		if merged.Meta.LabelFilter == "" {
			merged.Meta.LabelFilter = rec.Meta.LabelFilter
		}
		if rec.Province != merged.Province {
			merged.Meta.Target.Province += "," + rec.Province
		}
	}
	if shards, err = joinShards(shards, plans, recs); err != nil {
		return fail("%v", err)
	}
	merged.Meta.Target.Defects = uniqueDefects(merged.Meta.Target.Defects)
	// The merged run's folder is made once its shards are read: a bad one
	// leaves no empty folder.
	dir, err := makeRunDir(*root, out)
	if err != nil {
		return fail("merge: %v", writeError(*root, err))
	}
	merged.Meta.RunID = *out
	sum, err := publish(publication{root: *root, dir: dir, rec: merged, cat: cat, masker: redact.NewMasker(), lang: *lang, shards: shards})
	if err != nil {
		return fail("%v", err)
	}
	fmt.Printf("  merged %d runs into %s\n", len(shards), dir)
	return gateExit(sum)
}

// loadRun reads a finished run folder back.
func loadRun(dir string) (*runRecord, reports.Shard, error) {
	data, err := os.ReadFile(filepath.Join(dir, runFile))
	if err != nil {
		return nil, reports.Shard{}, fmt.Errorf("%s is not a dvcqa run folder: %w", dir, err)
	}
	var rec runRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, reports.Shard{}, fmt.Errorf("%s: %w", filepath.Join(dir, runFile), err)
	}
	reps, err := reports.LoadGinkgoJSON(filepath.Join(dir, reports.GinkgoFile))
	if err != nil {
		return nil, reports.Shard{}, err
	}
	return &rec, reports.Shard{RunID: rec.Meta.RunID, Province: rec.Province, RunDir: dir, Reports: reps}, nil
}

// trendCmd lists the runs of one key, oldest first, and the items whose
// readiness changed over them.
func trendCmd(args []string) int { return trendTo(os.Stdout, args, os.Getenv) }

func trendTo(w io.Writer, args []string, getenv func(string) string) int {
	fs := flag.NewFlagSet("trend", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var src runSource
	src.flags(fs, getenv)
	asJSON := fs.Bool("json", false, "print JSON")
	last := fs.Int("last", 20, "how many runs, newest last")
	like := fs.String("like", "latest", "the run whose key (target, province, label filter, seeded defects) the trend follows")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *last < 1 {
		return fail("usage: dvcqa trend [--json] [--store URL] [--last N] [--like RUN]")
	}
	if err := src.open(); err != nil {
		return fail("trend: %v", err)
	}
	defer src.close()
	pick, err := src.find(*like)
	if err != nil {
		return fail("trend: %v", err)
	}
	runs, err := src.ofKey(reports.KeyOf(pick))
	if err != nil {
		return fail("trend: %v", err)
	}
	t := reports.BuildTrend(runs, reports.KeyOf(pick), *last)
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(t); err != nil {
			return fail("%v", err)
		}
		return 0
	}
	writeTrendText(w, t)
	return 0
}

// writeTrendText prints a trend: one line per run, then the items whose
// readiness was not the same in every run.
func writeTrendText(w io.Writer, t *reports.Trend) {
	fmt.Fprintf(w, "Trend of %s: %d run(s), oldest first\n\n", t.Key, len(t.Runs))
	fmt.Fprintf(w, "  %-28s %-17s %-5s %-9s %-9s %s\n", "run", "started (UTC)", "gate", "services", "databases", "specs passed/failed/skipped")
	for _, r := range t.Runs {
		fmt.Fprintf(w, "  %-28s %-17s %-5s %-9s %-9s %d/%d/%d of %d\n", r.RunID, r.StartedAt.UTC().Format("2006-01-02 15:04"), r.Verdict,
			fmt.Sprintf("%d/%d", r.ServicesReady, r.ServicesTotal), fmt.Sprintf("%d/%d", r.DBsReady, r.DBsTotal),
			r.Passed, r.Failed, r.Skipped, r.Specs)
	}
	var changed []string
	for _, id := range reports.SortedKeys(t.Items) {
		line := t.Items[id]
		for _, v := range line {
			if v != line[0] {
				changed = append(changed, fmt.Sprintf("  %-20s %s", id, strings.Join(dashEmpty(line), " → ")))
				break
			}
		}
	}
	if len(changed) == 0 {
		fmt.Fprintln(w, "\n  every item's readiness was the same in every run")
		return
	}
	fmt.Fprintf(w, "\nReadiness that changed (%d item(s)):\n%s\n", len(changed), strings.Join(changed, "\n"))
}

// dashEmpty shows an item absent from a run as "-".
func dashEmpty(line []string) []string {
	out := make([]string, len(line))
	for i, v := range line {
		if out[i] = v; v == "" {
			out[i] = "-"
		}
	}
	return out
}
