package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/store"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/suites/framework/refs"
	"github.com/dvcqa/dvcqa/trial"
)

const trialUsage = `usage:
  dvcqa trial start --target FILE [--store URL] [--services DV01,DV07|all] [--provinces 01|all-in-target] [--per-service N] [--id NAME]
  dvcqa trial follow [--store URL] [--id NAME|latest] [--target FILE]
  dvcqa trial officers [--store URL] [--id NAME|latest] --do receive,assign[,approve,sign,return] [--officer NAME --officer-password-env VAR] [--target FILE]
  dvcqa trial report [--store URL] [--id NAME|latest] [--out DIR]
  dvcqa trial cleanup [--store URL] [--id NAME|latest] [--target FILE]
--store defaults to $` + store.EnvURL + `, else sqlite:runs/dvcqa.db.`

// DefaultStore is the store when neither --store nor DVCQA_STORE names one.
const DefaultStore = "sqlite:runs/dvcqa.db"

// trialOut is where the trial commands print (a test reads it).
var trialOut io.Writer = os.Stdout

func trialCmd(args []string) int {
	if len(args) == 0 {
		return fail("trial: want a subcommand\n%s", trialUsage)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return trialMain(ctx, args, trialOut)
}

// trialFlags are the flags every trial subcommand shares.
type trialFlags struct {
	fs                     *flag.FlagSet
	store, id, target, out string
	services, provinces    string
	perService             int
	do, officer, officerPw string
}

func newTrialFlags(sub string) *trialFlags {
	f := &trialFlags{fs: flag.NewFlagSet("dvcqa trial "+sub, flag.ContinueOnError)}
	f.fs.SetOutput(io.Discard)
	f.fs.StringVar(&f.store, "store", "", "the ledger: sqlite:path or postgres://… (default $"+store.EnvURL+", else "+DefaultStore+")")
	f.fs.StringVar(&f.id, "id", "", "campaign id (start: default the UTC time; others: default latest)")
	f.fs.StringVar(&f.target, "target", "", "target profile (start: required; others: default the campaign's own)")
	f.fs.StringVar(&f.out, "out", "", "report folder (default runs/trial-<id>)")
	f.fs.StringVar(&f.services, "services", "all", "services, e.g. DV01,DV07, or all")
	f.fs.StringVar(&f.provinces, "provinces", "all-in-target", "province codes, or all-in-target")
	f.fs.IntVar(&f.perService, "per-service", 1, "dossiers per service and province")
	f.fs.StringVar(&f.do, "do", "", "officer actions in order, e.g. receive,assign")
	f.fs.StringVar(&f.officer, "officer", "", "officer account (default the profile's officers.username)")
	f.fs.StringVar(&f.officerPw, "officer-password-env", "", "variable holding --officer's password")
	return f
}

func (f *trialFlags) storeURL() string {
	switch {
	case f.store != "":
		return f.store
	case os.Getenv(store.EnvURL) != "":
		return os.Getenv(store.EnvURL)
	}
	return DefaultStore
}

func trialMain(ctx context.Context, args []string, out io.Writer) int {
	sub := args[0]
	f := newTrialFlags(sub)
	if err := f.fs.Parse(args[1:]); err != nil {
		return fail("trial %s: %v\n%s", sub, err, trialUsage)
	}
	if f.fs.NArg() > 0 {
		return fail("trial %s: unexpected argument %q\n%s", sub, f.fs.Arg(0), trialUsage)
	}
	switch sub {
	case "start", "follow", "officers", "report", "cleanup":
	default:
		return fail("trial: unknown subcommand %q\n%s", sub, trialUsage)
	}
	cat, err := fixtures.Load()
	if err != nil {
		return fail("%v", err)
	}
	octx, cancel := context.WithTimeout(ctx, time.Minute)
	st, err := store.Open(octx, f.storeURL())
	cancel()
	if err != nil {
		return fail("trial %s: %v", sub, err)
	}
	defer st.Close()
	progress := trial.NewProgress(out)
	if sub == "start" {
		return trialStart(ctx, st, cat, f, out, progress)
	}
	c, err := trial.LoadCampaign(ctx, st, f.id)
	if err != nil {
		return fail("trial %s: %v", sub, err)
	}
	if sub == "report" {
		return trialReport(ctx, st, cat, c, f, out)
	}
	e, err := campaignEnv(cat, c, f.target)
	if err != nil {
		return fail("trial %s: %v", sub, err)
	}
	switch sub {
	case "follow":
		res, err := trial.Follow(ctx, st, e, c, progress)
		fmt.Fprintf(out, "trial follow %s: %d dossier(s) read · %d new transition(s) · %d closed · %d still open · %d error(s)\n",
			c.ID, res.Read, res.Added, res.Closed, res.Pending, res.Errors)
		if err != nil {
			return fail("trial follow %s: %v (what was read before is recorded)", c.ID, err)
		}
	case "officers":
		if f.do == "" {
			return fail("trial officers: --do receive,assign[,approve,sign,return] is required")
		}
		opts := trial.OfficerOptions{Actions: splitComma(f.do), Username: f.officer}
		if f.officerPw != "" {
			if opts.Password = os.Getenv(f.officerPw); opts.Password == "" {
				return fail("trial officers: %s is not set", f.officerPw)
			}
		}
		res, err := trial.Officers(ctx, st, e, c, opts, progress)
		if err != nil {
			return fail("trial officers %s: %v", c.ID, err)
		}
		fmt.Fprintf(out, "trial officers %s: %d action(s) taken · %d not allowed in the dossier's state (skipped) · %d failed\n",
			c.ID, res.Acted, res.Skipped, len(res.Failed))
		for _, s := range res.Failed {
			fmt.Fprintln(out, "  "+s)
		}
		if len(res.Failed) > 0 {
			return 1
		}
	case "cleanup":
		res, err := trial.Cleanup(ctx, st, e, c, progress)
		if err != nil {
			return fail("trial cleanup %s: %v", c.ID, err)
		}
		fmt.Fprintf(out, "trial cleanup %s: %d withdrawn · %d already final (left) · %d NOT withdrawn\n", c.ID, res.Withdrawn, res.Final, len(res.Failed))
		for _, s := range res.Failed {
			fmt.Fprintln(out, "  "+s)
		}
		if len(res.Failed) > 0 {
			return 1
		}
	}
	return 0
}

func trialStart(ctx context.Context, st *store.Store, cat *fixtures.Catalog, f *trialFlags, out io.Writer, p *trial.Progress) int {
	if f.target == "" {
		return fail("trial start: --target FILE is required (%s)", trial.ErrEmbedded)
	}
	t, err := fixtures.LoadTarget(f.target, cat)
	if err != nil {
		return fail("%v", err)
	}
	if t.Embedded() {
		return fail("trial start: %v", trial.ErrEmbedded)
	}
	e, err := setupEnv(t, cat)
	if err != nil {
		return fail("trial start: %v", err)
	}
	opts := trial.StartOptions{ID: f.id, Services: splitComma(f.services), Provinces: splitComma(f.provinces), PerService: f.perService}
	c, err := trial.Start(ctx, st, e, opts, p)
	if err != nil {
		if c != nil {
			return fail("trial start: %v (the dossiers submitted before are in campaign %s: follow or clean it up)", err, c.ID)
		}
		return fail("trial start: %v", err)
	}
	if c.Options.Unpaid {
		fmt.Fprintln(out, "  allow.pay is false: fees left unpaid (the report counts them unpaid)")
	}
	fmt.Fprintf(out, "trial start: campaign %s · %d service(s) × %d province(s) × %d · store %s\n",
		c.ID, len(c.Services), len(c.Provinces), c.PerService, st)
	fmt.Fprintln(out, c.ID)
	return 0
}

func trialReport(ctx context.Context, st *store.Store, cat *fixtures.Catalog, c *trial.Campaign, f *trialFlags, out io.Writer) int {
	ds, err := trial.Dossiers(ctx, st, c.ID)
	if err != nil {
		return fail("trial report: %v", err)
	}
	trs, err := trial.Transitions(ctx, st, c.ID)
	if err != nil {
		return fail("trial report: %v", err)
	}
	cal, err := refs.NewWorkingCalendar(cat.Calendar.Holidays)
	if err != nil {
		return fail("trial report: holiday calendar: %v", err)
	}
	r := trial.Compute(c, ds, trs, cal, time.Now())
	dir := f.out
	if dir == "" {
		dir = trial.DefaultDir(DefaultRunsDir, c.ID)
	}
	if err := trial.Write(dir, r); err != nil {
		return fail("trial report: %v", err)
	}
	fmt.Fprintln(out, r.Headline)
	fmt.Fprintf(out, "  reports in %s (%s, %s, %s, %s)\n", dir, trial.FileHTML, trial.FileMarkdown, trial.FileJSON, trial.FileJUnit)
	return 0
}

// campaignEnv sets up the target the campaign ran on (or the one given).
func campaignEnv(cat *fixtures.Catalog, c *trial.Campaign, override string) (*framework.Env, error) {
	path := override
	if path == "" {
		path = c.Target
	}
	if path == "" {
		return nil, fmt.Errorf("campaign %s recorded no target profile: name it with --target", c.ID)
	}
	t, err := fixtures.LoadTarget(path, cat)
	if err != nil {
		return nil, err
	}
	if t.Embedded() {
		return nil, trial.ErrEmbedded
	}
	return setupEnv(t, cat)
}

func setupEnv(t *fixtures.Target, cat *fixtures.Catalog) (*framework.Env, error) {
	if err := t.MissingSecrets(os.LookupEnv); err != nil {
		return nil, fmt.Errorf("target %s: secrets not set:\n%v", t.Name, err)
	}
	return framework.Setup(t, cat)
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
