package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

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

// diffCmd compares two runs.
func diffCmd(args []string) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	root := new(string)
	runsFlag(fs, root)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil || fs.NArg() != 2 {
		return fail("usage: dvcqa diff [--json] <old-run> <new-run>   (run ids, folders, latest, previous)")
	}
	var sums [2]*reports.Summary
	for i := range sums {
		dir, err := reports.FindRun(*root, fs.Arg(i))
		if err != nil {
			return fail("%v", err)
		}
		if sums[i], err = reports.LoadSummary(filepath.Join(dir, reports.SummaryFile)); err != nil {
			return fail("%v", err)
		}
	}
	d := reports.Compare(sums[0], sums[1], reports.DurationThreshold{})
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			return fail("%v", err)
		}
	} else if err := render.WriteDiffText(os.Stdout, d); err != nil {
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
	for _, ref := range fs.Args() {
		src, err := reports.FindRun(*root, ref)
		if err != nil {
			return fail("%v", err)
		}
		rec, shard, err := loadRun(src)
		if err != nil {
			return fail("%v", err)
		}
		shards = append(shards, shard)
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
