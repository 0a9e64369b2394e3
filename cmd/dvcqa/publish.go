package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/reports/render"
)

// runRecord is run.json: what the runner knew, so that a report can be
// rebuilt (dvcqa report) or merged (dvcqa merge) from the run's files.
type runRecord struct {
	Meta     reports.Meta  `json:"meta"`
	Province string        `json:"province"`
	Gate     fixtures.Gate `json:"gate"`
}

const runFile = "run.json"

// publication is one report folder to write.
type publication struct {
	root    string // runs root: the folder of run folders (for trends and the automatic diff)
	dir     string // the run folder
	rec     *runRecord
	shards  []reports.Shard
	cat     *fixtures.Catalog
	waivers []fixtures.Waiver
	masker  *redact.Masker
	lang    string
	// history, when set, gives the earlier runs of a key (the store's);
	// else they are read from the runs root.
	history func(reports.RunKey) []*reports.Summary
}

// trendRuns is how many earlier runs a trend strip shows.
const trendRuns = 9

// publish builds the summary and writes every file of the run folder, the
// same way for a fresh run, a rebuilt report and a merge: summary.json,
// index.html, summary.md, junit.xml, the masked ginkgo.json, diff.md against
// the previous run; then <runs>/latest and the terminal table.
func publish(p publication) (*reports.Summary, error) {
	sum := reports.Build(reports.Input{Shards: p.shards, Catalog: p.cat, Meta: p.rec.Meta, Gate: p.rec.Gate,
		Waivers: p.waivers, Now: time.Now(), Masker: p.masker, OutDir: p.dir})
	prev := previousRuns(p.root, p.rec.Meta.RunID)
	if p.history != nil {
		prev = p.history(reports.KeyOf(sum))
	}
	// The trend and diff.md compare runs of this run's key only.
	prev = reports.SameKey(prev, reports.KeyOf(sum))
	reports.AttachTrend(sum, prev, trendRuns)

	// Evidence pages and logs were masked for IDs when captured; names and
	// secrets the browser could not know are masked before anything embeds them.
	errs := []error{reports.MaskEvidence(p.dir, p.masker)}
	// Every file through a temporary file and a rename: a full disk or a
	// crash leaves the old file or the new one, never half of one.
	writeFile := func(name string, write func(w io.Writer) error) {
		errs = append(errs, reports.WriteFileAtomic(filepath.Join(p.dir, name), 0o644, write))
	}
	rec, _ := json.MarshalIndent(p.rec, "", "  ")
	errs = append(errs, reports.WriteBytesAtomic(filepath.Join(p.dir, runFile), append(rec, '\n'), 0o644))
	errs = append(errs, reports.WriteSummary(p.dir, sum))
	writeFile(render.HTMLFile, func(f io.Writer) error { return render.WriteHTML(f, sum, p.dir, p.lang) })
	writeFile(render.MarkdownFile, func(f io.Writer) error { return render.WriteMarkdown(f, sum, p.lang) })
	var reps []types.Report
	for _, sh := range p.shards {
		reps = append(reps, sh.Reports...)
	}
	writeFile(reports.JUnitFile, func(f io.Writer) error { return render.WriteJUnit(f, reps, sum, p.masker.Text) })
	if _, err := os.Stat(filepath.Join(p.dir, reports.GinkgoFile)); err == nil {
		errs = append(errs, reports.MaskJSONFile(filepath.Join(p.dir, reports.GinkgoFile), p.masker))
	}

	var diff *reports.Diff
	if len(prev) > 0 {
		diff = reports.Compare(prev[len(prev)-1], sum, reports.DurationThreshold{})
		writeFile("diff.md", func(f io.Writer) error { return render.WriteDiffText(f, diff) })
	}
	if err := errors.Join(errs...); err != nil {
		if reports.DiskFull(err) {
			err = fmt.Errorf("%w\nfree space, then rebuild the reports: dvcqa report --runs %s %s", writeError(p.dir, err), p.root, filepath.Base(p.dir))
		}
		return sum, err
	}
	if err := reports.CopyLatest(p.root, p.dir); err != nil {
		return sum, writeError(p.root, err)
	}
	render.PrintTable(os.Stdout, sum)
	if diff != nil {
		fmt.Printf("  against the previous run %s: %d regressions, %d fixes, %d new, %d removed, %d flaky, %d slower (diff.md)\n",
			diff.Old, len(diff.Regressions), len(diff.Fixes), len(diff.NewSpecs), len(diff.RemovedSpecs), len(diff.Flaky), len(diff.Slower))
	}
	return sum, nil
}

// previousRuns are the summaries of earlier runs in the runs root, oldest
// first (run ids sort by time), without this one ("": every run).
func previousRuns(root, self string) []*reports.Summary {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var out []*reports.Summary
	for _, e := range entries {
		if !e.IsDir() || e.Name() == reports.LatestDir || strings.HasPrefix(e.Name(), ".") || (self != "" && e.Name() >= self) {
			continue
		}
		s, err := reports.LoadSummary(filepath.Join(root, e.Name(), reports.SummaryFile))
		if err == nil {
			out = append(out, s)
		}
	}
	return out
}

// gateExit is the exit code: 0 the go-live gate passed, 1 it failed.
func gateExit(s *reports.Summary) int { return reports.ExitCode(s) }

// loadWaivers reads the waivers named by the flag, else by the target.
func loadWaivers(flagPath string, t *fixtures.Target, cat *fixtures.Catalog) ([]fixtures.Waiver, string, error) {
	path := flagPath
	if path == "" && t.Waivers != "" {
		path = t.Waivers
		if !filepath.IsAbs(path) && t.File != "" {
			path = filepath.Join(filepath.Dir(t.File), path)
		}
	}
	if path == "" {
		return nil, "", nil
	}
	ws, err := fixtures.LoadWaivers(path, cat)
	return ws, path, err
}

// gitCommit is the harness's commit, or "" outside a git checkout.
func gitCommit(root string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "rev-parse", "--short", "HEAD")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// writeError says a full disk in words: which folder, and that no file was
// left half written (each is the old file or none).
func writeError(dir string, err error) error {
	if reports.DiskFull(err) {
		return fmt.Errorf("the disk holding %s is full (no space left on device); no file was left half written: %w", dir, err)
	}
	return err
}
