package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/internal/progress"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/internal/runrecord"
	"github.com/dvcqa/dvcqa/mocks/defects"
	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/runconfig"
	"github.com/dvcqa/dvcqa/store"
	"github.com/dvcqa/dvcqa/suites/framework/accounts"
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
	store         string
	shard         shardSel // zero: the whole run
	verbose       bool
	provinces     string // --provinces: "all" or codes; "" = the target's own province
	timeoutSet    bool   // --timeout was given (else it grows with the provinces)
}

func runCmd(args []string) int {
	o, err := parseRunArgs(args, os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return fail("run: %v (see dvcqa run -h)", err)
	}
	return run(o)
}

// parseRunArgs reads and checks the flags of `dvcqa run`: every value is
// checked here, before anything runs, and anything it does not know —
// an unknown flag, a positional argument, a flag after one — is refused.
// getenv supplies the flags' defaults from the environment (os.Getenv).
func parseRunArgs(args []string, getenv func(string) string) (runOptions, error) {
	var o runOptions
	fs := flag.NewFlagSet("dvcqa run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.target, "target", getenv(vocab.EnvTarget), "target profile (YAML); default: the embedded mock world (env "+vocab.EnvTarget+")")
	fs.StringVar(&o.labelFilter, "label-filter", "", "Ginkgo label filter, e.g. 'layer:api && service:DV09'")
	fs.IntVar(&o.procs, "procs", 2, "parallel Ginkgo processes")
	runsFlag(fs, &o.runsDir)
	fs.StringVar(&o.runID, "run-id", "", "run id (default: UTC time + random suffix): letters, digits, '.', '_', '-'")
	fs.DurationVar(&o.timeout, "timeout", 20*time.Minute, "time limit of the whole run")
	fs.StringVar(&o.suites, "suites", "./suites", "suite package to run")
	fs.StringVar(&o.waivers, "waivers", "", "waivers file (default: the target profile's waivers:)")
	fs.IntVar(&o.flakeAttempts, "flake-attempts", 0, "retry a failing spec up to N times; one that then passes is FLAKY")
	fs.StringVar(&o.lang, "lang", "vi", "language of index.html and summary.md: vi or en")
	fs.StringVar(&o.store, "store", getenv(store.EnvURL), storeFlagUsage+"; the run is recorded in it")
	fs.BoolVar(&o.verbose, "v", false, "print Ginkgo's own output (every spec's report entries) instead of the checklist")
	fs.StringVar(&o.defects, "defect", "", "seeded defects to switch on in the embedded mock, e.g. status-stuck:processing@DV09 (see dvcqa defects)")
	fs.StringVar(&o.provinces, "provinces", "", "run every spec for each of these provinces, each against its own portal: all, or codes such as 01,79 (default: the target's province; docs/provinces.md)")
	shard := fs.String("shard", "", "run only share I of N of the specs (I/N, 1-based), e.g. 2/3; `dvcqa merge` joins the shards (docs/shards.md)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stdout)
			fs.PrintDefaults()
		}
		return o, err
	}
	fs.Visit(func(fl *flag.Flag) { o.timeoutSet = o.timeoutSet || fl.Name == "timeout" })
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if strings.TrimSpace(o.provinces) != "" {
		if cat, err := fixtures.Load(); err != nil {
			bad("--provinces: %v", err)
		} else if _, err := fixtures.ParseProvinces(o.provinces, cat); err != nil {
			bad("--provinces %v", err)
		}
	}
	if fs.NArg() > 0 {
		bad("unexpected argument %q (flags go before it; `dvcqa run` takes no arguments)", fs.Arg(0))
	}
	if o.procs < 1 || o.procs > maxProcs {
		bad("--procs %d: want 1 to %d parallel processes", o.procs, maxProcs)
	}
	if o.timeout <= 0 {
		bad("--timeout %s: want a positive duration, e.g. 20m", o.timeout)
	}
	if o.flakeAttempts < 0 {
		bad("--flake-attempts %d: want 0 (no retries) or more", o.flakeAttempts)
	}
	if o.lang != "vi" && o.lang != "en" {
		bad("--lang %q: want vi or en", o.lang)
	}
	if strings.TrimSpace(o.runsDir) == "" {
		bad("--runs: empty folder name")
	}
	if strings.TrimSpace(o.suites) == "" {
		bad("--suites: empty package")
	}
	if o.runID != "" {
		if err := checkRunID(o.runID); err != nil {
			bad("--run-id: %v", err)
		}
	}
	if o.store != "" {
		if err := store.CheckURL(o.store); err != nil {
			bad("--store: %v", err)
		}
	}
	if *shard != "" {
		var err error
		if o.shard, err = parseShard(*shard); err != nil {
			bad("--shard %v", err)
		}
	}
	if o.labelFilter != "" {
		if _, err := types.ParseLabelFilter(o.labelFilter); err != nil {
			bad("--label-filter %q: %v", o.labelFilter, err)
		}
	}
	return o, errors.Join(errs...)
}

// provincesTimeout is the default time limit of a run over n provinces:
// the single run's 20 minutes, and 3 more for each further province (a
// province's browser layer takes about that on two cores).
func provincesTimeout(n int) time.Duration {
	return 20*time.Minute + time.Duration(max(n-1, 0))*3*time.Minute
}

// maxProcs bounds --procs: each process is a suite binary (and perhaps a
// Chromium); more than this is a typo.
const maxProcs = 64

// runIDRE is what a run id may be: one folder name inside the runs folder.
var runIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// checkRunID refuses a run id that is not one plain folder name inside the
// runs folder (no separator, no "..", not absolute), or that names one of
// the folder's own entries (latest, previous).
func checkRunID(id string) error {
	switch {
	case id == reports.LatestDir || id == "previous":
		return fmt.Errorf("%q is reserved (it names another run)", id)
	case strings.ContainsAny(id, `/\`) || filepath.IsAbs(id) || strings.Contains(id, ".."):
		return fmt.Errorf("%q must be a folder name inside the runs folder (no path separators, no \"..\")", id)
	case !runIDRE.MatchString(id):
		return fmt.Errorf("%q: want letters, digits, '.', '_' or '-' (up to 100, starting with a letter or digit)", id)
	}
	return nil
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
	// Every secret the target names must be set: all missing ones at once,
	// each with the line of the file that names it.
	if err := target.MissingSecrets(os.LookupEnv); err != nil {
		return fail("target %s: secrets not set:\n%v", target.Name, err)
	}
	// Enough test accounts for every role, by the suites' own allocation:
	// refused here, before the suites are built, not in their setup. (The
	// mock world's synthetic citizens are checked by its tests.)
	if target.Kind == fixtures.KindReal {
		if _, err := accounts.Allocate(cat, len(target.Accounts), target.Allow.Submit); err != nil {
			return fail("target %s: accounts: %v", target.Name, err)
		}
	}
	// A run over several provinces: each province's profile must resolve
	// (its portal URL) before anything runs.
	var provinces []string
	if o.provinces != "" {
		if provinces, err = fixtures.ParseProvinces(o.provinces, cat); err != nil {
			return fail("--provinces %v", err)
		}
		for _, code := range provinces {
			if target.Embedded() {
				break // the embedded world serves every province
			}
			if _, err := target.ForProvince(code, "", cat); err != nil {
				return fail("--provinces: %v", err)
			}
		}
		if !o.timeoutSet {
			o.timeout = provincesTimeout(len(provinces))
		}
	}
	masker, err := maskerFor(target, cat)
	if err != nil {
		return fail("%v", err)
	}
	// The waivers are read before the run folder exists, so a bad file
	// leaves nothing behind.
	waivers, waiversFile, err := loadWaivers(o.waivers, target, cat)
	if err != nil {
		return fail("%v", err)
	}

	// The store is opened (and migrated) before anything runs: one that
	// cannot be is exit 2 now, not after the suites.
	var st *store.Store
	if o.store != "" {
		if st, err = openStore(o.store); err != nil {
			return fail("%v", err)
		}
		defer st.Close()
	}

	runsRoot, err := filepath.Abs(o.runsDir)
	if err != nil {
		return fail("runs: %v", err)
	}
	runDir, err := makeRunDir(runsRoot, &o.runID)
	if err != nil {
		return fail("runs: %v", writeError(runsRoot, err))
	}
	// What the suites are told, in one file in the run folder.
	configEnv, err := runconfig.Write(runDir, runconfig.Config{RunID: o.runID, Target: o.target,
		Defects: runconfig.SplitList(o.defects), RunDir: runDir, LabelFilter: o.labelFilter,
		BrowserURL: os.Getenv(vocab.EnvBrowserURL), Provinces: provinces})
	if err != nil {
		_ = os.RemoveAll(runDir) // nothing ran: no empty run folder
		return fail("%v", writeError(runDir, err))
	}

	started := time.Now()
	ginkgoErr := runGinkgo(root, runDir, configEnv, o, masker)
	finished := time.Now()
	if errors.Is(ginkgoErr, errShardPlan) {
		_ = os.RemoveAll(runDir) // nothing ran: no run folder
		return fail("%v", ginkgoErr)
	}
	// The dossiers the run created, from every process, in one file for
	// `dvcqa cleanup` (the parts stay if this fails).
	created, recErr := runrecord.Merge(runDir, o.runID)

	reps, err := reports.LoadGinkgoJSON(filepath.Join(runDir, reports.GinkgoFile))
	if err != nil {
		return fail("the suites did not produce a report (%v); ginkgo: %v", err, ginkgoErr)
	}
	province := target.Province
	if len(provinces) > 1 {
		province = "" // each spec names its own (its province: label)
	} else if len(provinces) == 1 {
		province = provinces[0]
	}
	info := reports.TargetInfo{Name: target.Name, Kind: target.Kind, Province: province, Provinces: provinces, File: o.target,
		Allow: &reports.Allow{Submit: target.Allow.Submit, Pay: target.Allow.Pay}}
	for _, sw := range switches {
		info.Defects = append(info.Defects, sw.String())
	}
	if target.Kind == fixtures.KindMock {
		info.Seed = target.Seed
	}
	if target.PortalAPINone() {
		info.PortalAPI = target.Portal.API // the report says the API layer could not run
	}
	rec := &runRecord{Meta: reports.Meta{RunID: o.runID, Target: info, LabelFilter: o.labelFilter, StartedAt: started,
		FinishedAt: finished, Commit: gitCommit(root), FlakeAttempts: o.flakeAttempts, WaiversFile: waiversFile},
		Province: province, Gate: target.Gate}
	pub := publication{root: runsRoot, dir: runDir, rec: rec, cat: cat, waivers: waivers, masker: masker, lang: o.lang,
		shards: []reports.Shard{{RunID: o.runID, Province: province, RunDir: runDir, Reports: reps}}}
	if st != nil {
		pub.history = storeHistoryOf(st, o.runID)
	}
	sum, err := publish(pub)
	if err != nil {
		return fail("write reports: %v", err)
	}
	if st != nil {
		if err := recordRunFile(st, runDir, sum); err != nil {
			return fail("the reports are written (%s) but the run is not in the store: %v", rel(runDir), err)
		}
		fmt.Printf("  recorded in the store %s\n", st)
	}
	if sum.Totals.Specs == 0 && ginkgoErr != nil {
		return fail("the suites did not run (ginkgo: %v); see its output above", ginkgoErr)
	}
	switch {
	case recErr != nil:
		fmt.Fprintf(os.Stderr, "dvcqa: the record of created dossiers: %v\n", recErr)
	case len(created.Dossiers) > 0 && !target.Embedded():
		fmt.Printf("  %d dossier(s) created on %s, each noted %q: dvcqa cleanup %s withdraws them\n",
			len(created.Dossiers), target.Name, runrecord.Marker(o.runID), o.runID)
	}
	fmt.Printf("  reports: %s (and %s)\n\n", rel(runDir), rel(filepath.Join(runsRoot, reports.LatestDir)))
	return gateExit(sum)
}

// runGinkgo puts the suites binary, built or linked from the suites cache,
// into the run's own scratch folder (so runs started together never
// share, or delete, one another's binary) and runs
// that binary with the Ginkgo CLI pinned in go.mod. Every process it
// starts ends with the run, however the run ends (see runProcs). The
// Ginkgo CLI runs in its own process group, so that an interrupt reaches
// every Ginkgo process, which then writes its reports before exiting. Its
// output reaches the terminal masked line by line (see consoleMasker).
// configEnv points the suites at the run configuration (runconfig.Write).
func runGinkgo(root, runDir, configEnv string, o runOptions, masker *redact.Masker) (err error) {
	// Pdeathsig follows the thread that started the child: keep this one.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	procs, err := startRunProcs(o.runID)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := procs.close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	stdout, stderr := newConsoleMasker(os.Stdout, masker), newConsoleMasker(os.Stderr, masker)
	// Whatever ends the run, the last open line still reaches the terminal.
	defer func() { _ = stdout.Flush(); _ = stderr.Flush() }()
	env := append(os.Environ(), configEnv)
	if os.Getenv(vocab.EnvAxePath) == "" {
		// The suites run in the scratch folder, not under the checkout.
		if axe := filepath.Join(root, "tools", "a11y", "node_modules", "axe-core", "axe.min.js"); fileExists(axe) {
			env = append(env, vocab.EnvAxePath+"="+axe)
		}
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	bin := filepath.Join(procs.scratch, "suites.test")
	// Linked from the cache when the tree is unchanged (see suitesKey).
	built, err := ensureSuites(root, o.suites, bin, env, suiteCache{suiteCacheDir(root), suiteCacheKeep}, func(out string) error {
		return runChild(procs, exec.Command("go", "test", "-c", "-o", out, o.suites), root, env, stdout, stderr, sigs, false)
	})
	if err != nil {
		return fmt.Errorf("build the suites: %w", err)
	}
	fmt.Println(built)
	var plan *shardPlan
	if o.shard.Count > 0 {
		if plan, err = planShard(bin, root, env, o, filepath.Dir(runDir), procs.scratch); err != nil {
			return fmt.Errorf("%w: %w", errShardPlan, err)
		}
		if err := writeShardPlan(runDir, plan); err != nil {
			return fmt.Errorf("--shard: %w", err)
		}
		fmt.Printf("  shard %s: %d spec(s) in %d unit(s)%s\n", o.shard, len(plan.Specs), len(plan.Units), historyNote(plan.History))
	}

	args := []string{"tool", "ginkgo", "run", "-p", fmt.Sprintf("--procs=%d", o.procs),
		"--randomize-all", "--fail-on-empty", "--keep-going", "--timeout=" + o.timeout.String(),
		"--poll-progress-after=60s", "--output-dir=" + runDir,
		"--json-report=" + reports.GinkgoFile}
	// Unless -v, the console is the checklist (runConsole) and Ginkgo's
	// own output goes to the run folder's console.log.
	ginkgoOut := io.Writer(stdout)
	env = append(env, progress.EnvSocket+"=") // none inherited: only this run's console listens
	if !o.verbose {
		console, consoleEnv, cerr := startConsole(procs.scratch, runDir, stdout, masker, isTerminal(os.Stdout))
		switch {
		case cerr != nil:
			// The checklist is a convenience: Ginkgo's own output will do.
			fmt.Fprintf(os.Stderr, "dvcqa: %v; printing Ginkgo's own output instead\n", cerr)
		default:
			defer func() {
				if cerr := console.finish(err); cerr != nil { // err: the run's, named
					fmt.Fprintf(os.Stderr, "dvcqa: console: %v\n", cerr)
				}
			}()
			env, ginkgoOut = append(env, consoleEnv), console.ginkgoOut()
			args = append(args, "--no-color")
		}
	}
	if o.flakeAttempts > 1 {
		args = append(args, fmt.Sprintf("--flake-attempts=%d", o.flakeAttempts))
	}
	if o.labelFilter != "" {
		args = append(args, "--label-filter="+o.labelFilter)
	}
	if plan != nil {
		args = append(args, "--focus="+plan.focus())
	}
	args = append(args, bin)
	return runChild(procs, exec.Command("go", args...), root, env, ginkgoOut, stderr, sigs, true)
}

// runChild runs one process of the run to its end. An interrupt is passed
// on to its process group (the Ginkgo CLI then stops the suites, which
// write their reports) when forward is set, else it stops the process.
func runChild(procs *runProcs, cmd *exec.Cmd, dir string, env []string, stdout, stderr io.Writer, sigs <-chan os.Signal, forward bool) error {
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// A process that outlives its parent must not keep the output pipes,
	// and so Wait, open for ever.
	cmd.WaitDelay = 10 * time.Second
	if err := procs.start(cmd); err != nil {
		return fmt.Errorf("start %s: %w", filepath.Base(cmd.Path), err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case err := <-done:
			return err
		case sig := <-sigs:
			if forward {
				fmt.Fprintf(os.Stderr, "\ndvcqa: %v: interrupting the suites; reports are still written\n", sig)
				_ = syscall.Kill(-cmd.Process.Pid, sig.(syscall.Signal))
			} else {
				fmt.Fprintf(os.Stderr, "\ndvcqa: %v: stopping\n", sig)
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			}
		}
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// maskerFor collects every secret the run could see, so no written file
// carries one: the target's credentials and the test citizens' passwords.
func maskerFor(t *fixtures.Target, cat *fixtures.Catalog) (*redact.Masker, error) {
	var secrets []string
	for _, get := range []func() (string, error){t.GatewaySecret, t.DVCQGPassword, t.PaymentSecret, t.OfficerPassword} {
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
		// The account's personal ID too, whatever its shape: real test
		// accounts are real people's data.
		secrets = append(secrets, os.Getenv(a.PasswordEnv), os.Getenv(a.PersonalIDEnv))
	}
	return redact.NewMasker(secrets...), nil
}

// makeRunDir creates the run folder runsRoot/<id>, exclusively: two runs
// never share one. An empty id is generated (and generated again on a
// collision); a given one that exists already is refused.
func makeRunDir(runsRoot string, id *string) (string, error) {
	if err := os.MkdirAll(runsRoot, 0o755); err != nil {
		return "", err
	}
	generate := *id == ""
	for attempt := 0; ; attempt++ {
		if generate {
			*id = newRunID()
		}
		dir := filepath.Join(runsRoot, *id)
		err := os.Mkdir(dir, 0o755)
		switch {
		case err == nil:
			return dir, nil
		case errors.Is(err, os.ErrExist) && generate && attempt < 10:
			continue
		case errors.Is(err, os.ErrExist):
			return "", fmt.Errorf("run folder %s exists already (choose another --run-id)", dir)
		default:
			return "", err
		}
	}
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
