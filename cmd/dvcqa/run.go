package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/mocks/defects"
	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/runconfig"
	"github.com/dvcqa/dvcqa/vocab"
)

// runOptions are the flags of `dvcqa run`.
type runOptions struct {
	target        string
	labelFilter   string
	procs         int
	runsDir       string
	runID         string
	timeout       time.Duration
	suites        string
	defects       string
	waivers       string
	flakeAttempts int
	lang          string
}

func runCmd(args []string) int {
	var o runOptions
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.StringVar(&o.target, "target", os.Getenv(vocab.EnvTarget), "target profile (YAML); default: the embedded mock world (env "+vocab.EnvTarget+")")
	fs.StringVar(&o.labelFilter, "label-filter", "", "Ginkgo label filter, e.g. 'layer:api && service:DV09'")
	fs.IntVar(&o.procs, "procs", 2, "parallel Ginkgo processes")
	runsFlag(fs, &o.runsDir)
	fs.StringVar(&o.runID, "run-id", "", "run id (default: UTC time + random suffix)")
	fs.DurationVar(&o.timeout, "timeout", 20*time.Minute, "time limit of the whole run")
	fs.StringVar(&o.suites, "suites", "./suites", "suite package to run")
	fs.StringVar(&o.waivers, "waivers", "", "waivers file (default: the target profile's waivers:)")
	fs.IntVar(&o.flakeAttempts, "flake-attempts", 0, "retry a failing spec up to N times; one that then passes is FLAKY")
	fs.StringVar(&o.lang, "lang", "vi", "language of index.html and summary.md: vi or en")
	fs.StringVar(&o.defects, "defect", "", "seeded defects to switch on in the embedded mock, e.g. status-stuck:processing@DV09 (see dvcqa defects)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	return run(o)
}

func run(o runOptions) int {
	root, err := moduleRoot()
	if err != nil {
		return fail("%v", err)
	}
	cat, err := fixtures.Load()
	if err != nil {
		return fail("%v", err)
	}
	// Validate the target here, so a broken file is exit 2 with file:line,
	// not a red suite.
	var target *fixtures.Target
	if o.target != "" {
		if o.target, err = filepath.Abs(o.target); err != nil {
			return fail("target: %v", err)
		}
		target, err = fixtures.LoadTarget(o.target, cat)
	} else {
		target, err = fixtures.DefaultTarget(cat)
	}
	if err != nil {
		return fail("%v", err)
	}
	switches, err := defects.ParseList(strings.Join(append(append([]string{}, target.Defects...), o.defects), ","))
	if err != nil {
		return fail("%v", err)
	}
	if len(switches) > 0 && !target.Embedded() {
		return fail("seeded defects switch on only in the embedded mock world; for a standalone one use `dvcqa mock serve --defect ...`")
	}
	masker, err := maskerFor(target, cat)
	if err != nil {
		return fail("%v", err)
	}

	if o.runID == "" {
		o.runID = newRunID()
	}
	runsRoot, err := filepath.Abs(o.runsDir)
	if err != nil {
		return fail("runs: %v", err)
	}
	runDir := filepath.Join(runsRoot, o.runID)
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return fail("runs: %v", err)
	}
	// What the suites are told, in one file in the run folder.
	configEnv, err := runconfig.Write(runDir, runconfig.Config{RunID: o.runID, Target: o.target,
		Defects: runconfig.SplitList(o.defects), RunDir: runDir, LabelFilter: o.labelFilter,
		BrowserURL: os.Getenv(vocab.EnvBrowserURL)})
	if err != nil {
		return fail("%v", err)
	}

	waivers, waiversFile, err := loadWaivers(o.waivers, target, cat)
	if err != nil {
		return fail("%v", err)
	}

	started := time.Now()
	ginkgoErr := runGinkgo(root, runDir, configEnv, o, masker)
	finished := time.Now()

	reps, err := reports.LoadGinkgoJSON(filepath.Join(runDir, reports.GinkgoFile))
	if err != nil {
		return fail("the suites did not produce a report (%v); ginkgo: %v", err, ginkgoErr)
	}
	info := reports.TargetInfo{Name: target.Name, Kind: target.Kind, Province: target.Province, File: o.target,
		Allow: &reports.Allow{Submit: target.Allow.Submit, Pay: target.Allow.Pay}}
	for _, sw := range switches {
		info.Defects = append(info.Defects, sw.String())
	}
	if target.Kind == fixtures.KindMock {
		info.Seed = target.Seed
	}
	rec := &runRecord{Meta: reports.Meta{RunID: o.runID, Target: info, LabelFilter: o.labelFilter, StartedAt: started,
		FinishedAt: finished, Commit: gitCommit(root), FlakeAttempts: o.flakeAttempts, WaiversFile: waiversFile},
		Province: target.Province, Gate: target.Gate}
	sum, err := publish(publication{root: runsRoot, dir: runDir, rec: rec, cat: cat, waivers: waivers, masker: masker, lang: o.lang,
		shards: []reports.Shard{{RunID: o.runID, Province: target.Province, RunDir: runDir, Reports: reps}}})
	if err != nil {
		return fail("write reports: %v", err)
	}
	if sum.Totals.Specs == 0 && ginkgoErr != nil {
		return fail("the suites did not run (ginkgo: %v); see its output above", ginkgoErr)
	}
	fmt.Printf("  reports: %s (and %s)\n\n", rel(runDir), rel(filepath.Join(runsRoot, reports.LatestDir)))
	return gateExit(sum)
}

// runGinkgo runs the suites with the Ginkgo CLI pinned in go.mod. It runs in
// its own process group so that an interrupt reaches every Ginkgo process,
// which then writes its reports before exiting. Its output reaches the
// terminal masked line by line (see consoleMasker). configEnv points the
// suites at the run configuration (runconfig.Write).
func runGinkgo(root, runDir, configEnv string, o runOptions, masker *redact.Masker) error {
	args := []string{"tool", "ginkgo", "run", "-p", fmt.Sprintf("--procs=%d", o.procs),
		"--randomize-all", "--fail-on-empty", "--keep-going", "--timeout=" + o.timeout.String(),
		"--poll-progress-after=60s", "--output-dir=" + runDir,
		"--json-report=" + reports.GinkgoFile}
	if o.flakeAttempts > 1 {
		args = append(args, fmt.Sprintf("--flake-attempts=%d", o.flakeAttempts))
	}
	if o.labelFilter != "" {
		args = append(args, "--label-filter="+o.labelFilter)
	}
	args = append(args, o.suites)
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	stdout, stderr := newConsoleMasker(os.Stdout, masker), newConsoleMasker(os.Stderr, masker)
	// Whatever ends the run, the last open line still reaches the terminal.
	defer func() { _ = stdout.Flush(); _ = stderr.Flush() }()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// A Ginkgo process that outlives the CLI must not keep the output pipes,
	// and so Wait, open for ever.
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = append(os.Environ(), configEnv)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start ginkgo: %w", err)
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case err := <-done:
			return err
		case sig := <-sigs:
			fmt.Fprintf(os.Stderr, "\ndvcqa: %v: interrupting the suites; reports are still written\n", sig)
			_ = syscall.Kill(-cmd.Process.Pid, sig.(syscall.Signal))
		}
	}
}

// maskerFor collects every secret the run could see, so no written file
// carries one: the target's credentials and the test citizens' passwords.
func maskerFor(t *fixtures.Target, cat *fixtures.Catalog) (*redact.Masker, error) {
	var secrets []string
	for _, get := range []func() (string, error){t.GatewaySecret, t.DVCQGPassword, t.PaymentSecret} {
		if v, err := get(); err == nil {
			secrets = append(secrets, v)
		}
	}
	if t.Kind == "mock" {
		w, err := citizens.Generate(cat.Provinces, cat.Databases, t.Seed, citizens.DefaultPerProvince)
		if err != nil {
			return nil, fmt.Errorf("synthetic citizens: %w", err)
		}
		var names []string
		for _, c := range w.Applicants(t.Province) {
			secrets = append(secrets, c.Password)
		}
		// Names of every synthetic citizen: relatives appear in forms too.
		for _, c := range w.Citizens {
			names = append(names, c.FullName)
		}
		return redact.NewMasker(secrets...).WithNames(names...), nil
	}
	for _, a := range t.Accounts {
		secrets = append(secrets, os.Getenv(a.PasswordEnv))
	}
	return redact.NewMasker(secrets...), nil
}

func newRunID() string {
	b := make([]byte, 2)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b)
}

// moduleRoot finds the checkout, because the suites are compiled from source
// by the Ginkgo CLI.
func moduleRoot() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find the dvcqa checkout: go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run dvcqa from inside its checkout (the suites are built from source)")
	}
	return filepath.Dir(mod), nil
}

func rel(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return p
}

// DefaultRunsDir is where run folders go: runs/<run-id>/ and runs/latest/,
// apart from every Go package (git-ignored).
const DefaultRunsDir = "runs"

// runsFlag registers --runs, the folder of run folders, and --reports, its
// old name, on the same variable.
func runsFlag(fs *flag.FlagSet, dir *string) {
	fs.StringVar(dir, "runs", DefaultRunsDir, "folder of run folders (<run-id>/, latest/)")
	fs.StringVar(dir, "reports", DefaultRunsDir, "old name of --runs")
}
