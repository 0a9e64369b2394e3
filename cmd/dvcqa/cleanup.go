package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/internal/runrecord"
	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/runconfig"
)

const cleanupUsage = "usage: dvcqa cleanup <run-id> [--runs DIR] [--target FILE]"

func cleanupCmd(args []string) int { return cleanup(args, os.Stdout) }

// cleanup withdraws, through the portal's API, every dossier a run created
// (its dossiers.json, see package runrecord), each as the test account that
// owns it, and prints what it withdrew and what it could not, with the
// reason. Exit 0 when nothing is left, 1 when some dossier could not be
// withdrawn, 2 when it could not run at all.
func cleanup(args []string, out io.Writer) int {
	fs := flag.NewFlagSet("dvcqa cleanup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var runsDir string
	runsFlag(fs, &runsDir)
	targetFile := fs.String("target", "", "target profile to withdraw on (default: the run's own)")
	// The run id may come before the flags or after them.
	if err := fs.Parse(args); err != nil {
		return fail("cleanup: %v (%s)", err, cleanupUsage)
	}
	var id string
	if fs.NArg() > 0 {
		id = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return fail("cleanup: %v (%s)", err, cleanupUsage)
		}
	}
	if id == "" || fs.NArg() > 0 {
		return fail("cleanup: want one run id (%s)", cleanupUsage)
	}
	dir, err := findRunDir(runsDir, id)
	if err != nil {
		return fail("cleanup: %v", err)
	}
	rec, err := runrecord.Read(dir)
	if err != nil {
		return fail("cleanup: %v", err)
	}
	cat, err := fixtures.Load()
	if err != nil {
		return fail("%v", err)
	}
	path := *targetFile
	if path == "" {
		cfg, err := runconfig.Read(filepath.Join(dir, runconfig.FileName))
		if err != nil {
			return fail("cleanup: %v (name the target with --target)", err)
		}
		path = cfg.Target
	}
	var t *fixtures.Target
	if path != "" {
		t, err = fixtures.LoadTarget(path, cat)
	} else {
		t, err = fixtures.DefaultTarget(cat)
	}
	if err != nil {
		return fail("%v", err)
	}
	runID := rec.RunID
	if runID == "" {
		runID = filepath.Base(dir)
	}
	fmt.Fprintf(out, "dvcqa cleanup %s · target %s (%s) · %d dossier(s) recorded\n", runID, t.Name, t.Kind, len(rec.Dossiers))
	if len(rec.Dossiers) == 0 {
		fmt.Fprintln(out, "  nothing to withdraw")
		return 0
	}
	if t.Embedded() {
		// The in-process world, and its dossiers with it, ended with the run.
		fmt.Fprintln(out, "  the run used the embedded mock world, which ended with it: nothing is left to withdraw")
		return 0
	}
	if err := t.MissingSecrets(os.LookupEnv); err != nil {
		return fail("target %s: secrets not set:\n%v", t.Name, err)
	}
	accounts, err := cleanupAccounts(t, cat)
	if err != nil {
		return fail("cleanup: %v", err)
	}
	w := &withdrawer{t: t, accounts: accounts, marker: runrecord.Marker(runID),
		http: &http.Client{Timeout: t.Timeouts.Request}, tokens: map[int]string{}, loginErr: map[int]error{}}
	var done, left []string
	for _, d := range rec.Dossiers {
		what := fmt.Sprintf("%s (%s, id %s)", d.Code, d.ServiceID, d.ID)
		if err := w.withdraw(d); err != nil {
			left = append(left, what+": "+err.Error())
		} else {
			done = append(done, what)
		}
	}
	fmt.Fprintf(out, "  withdrawn: %d\n", len(done))
	for _, s := range done {
		fmt.Fprintln(out, "    "+s)
	}
	if len(left) > 0 {
		fmt.Fprintf(out, "  NOT withdrawn: %d\n", len(left))
		for _, s := range left {
			fmt.Fprintln(out, "    "+s)
		}
		return 1
	}
	return 0
}

// findRunDir is the run's folder: as the report commands find runs, or, for
// a run that died before its summary, the folder of that name.
func findRunDir(runsDir, id string) (string, error) {
	if dir, err := reports.FindRun(runsDir, id); err == nil {
		return dir, nil
	}
	if err := checkRunID(id); err == nil {
		dir := filepath.Join(runsDir, id)
		if _, err := os.Stat(filepath.Join(dir, runconfig.FileName)); err == nil {
			return dir, nil
		}
	}
	return "", fmt.Errorf("no run %q in %s", id, runsDir)
}

// account is a test account: who logs in, with what.
type account struct{ personalID, password string }

// cleanupAccounts are the target's test accounts in the order the suites
// number them (framework's Env: the mock world's applicants of the
// province, or the profile's accounts:), so that a record's account index
// names the same citizen (cleanup_test.go checks the two agree).
func cleanupAccounts(t *fixtures.Target, cat *fixtures.Catalog) ([]account, error) {
	var out []account
	if t.Kind == fixtures.KindMock {
		w, err := citizens.Generate(cat.Provinces, cat.Databases, t.Seed, citizens.DefaultPerProvince)
		if err != nil {
			return nil, fmt.Errorf("synthetic citizens: %w", err)
		}
		for _, c := range w.Applicants(t.Province) {
			out = append(out, account{c.PersonalID, c.Password})
		}
		return out, nil
	}
	for i, a := range t.Accounts {
		id, pw := os.Getenv(a.PersonalIDEnv), os.Getenv(a.PasswordEnv)
		if id == "" || pw == "" {
			return nil, fmt.Errorf("account %d: set %s and %s", i+1, a.PersonalIDEnv, a.PasswordEnv)
		}
		out = append(out, account{id, pw})
	}
	return out, nil
}

// withdrawer withdraws dossiers, logging each account in once.
type withdrawer struct {
	t        *fixtures.Target
	accounts []account
	marker   string // the run marker the dossiers' note must carry, when they carry one
	http     *http.Client
	tokens   map[int]string
	loginErr map[int]error
}

// cleanupBudget bounds one dossier's login, read and withdrawal.
const cleanupBudget = 2 * time.Minute

func (w *withdrawer) withdraw(d runrecord.Dossier) error {
	if d.Account < 0 || d.Account >= len(w.accounts) {
		return fmt.Errorf("owned by none of the target's %d test accounts (the harness cannot log in as its owner)", len(w.accounts))
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupBudget)
	defer cancel()
	tok, err := w.token(ctx, d.Account)
	if err != nil {
		return err
	}
	p := &portal.Client{BaseURL: w.t.URLs.Portal, Token: tok, HTTP: w.http}
	cur, err := p.Dossier(ctx, d.ID)
	switch {
	case portal.IsNotFound(err):
		return errors.New("not found on the portal (removed, or another portal)")
	case err != nil:
		return fmt.Errorf("read it: %w", err)
	case cur.Note != "" && cur.Note != w.marker:
		// Never withdraw a dossier this run did not create.
		return fmt.Errorf("its note is %q, not this run's marker %q: left alone", cur.Note, w.marker)
	case cur.Status == portal.StatusWithdrawn:
		return nil
	}
	_, err = p.Withdraw(ctx, d.ID)
	if err != nil {
		if e, ok := errors.AsType[*portal.APIError](err); ok {
			return fmt.Errorf("the portal refused (HTTP %d %s): %s", e.Status, e.Code, firstLine(e.Message))
		}
		return fmt.Errorf("withdraw: %w", err)
	}
	return nil
}

// token logs account i in (once) and returns its ID token.
func (w *withdrawer) token(ctx context.Context, i int) (string, error) {
	if tok, ok := w.tokens[i]; ok {
		return tok, nil
	}
	if err, ok := w.loginErr[i]; ok {
		return "", err
	}
	redirect := w.t.SSO.RedirectURI
	if redirect == "" {
		redirect = strings.TrimRight(w.t.URLs.Portal, "/") + "/auth/callback"
	}
	c := &sso.Client{Issuer: w.t.URLs.SSO, ClientID: w.t.SSO.ClientID, RedirectURI: redirect,
		UsernameField: w.t.SSO.UsernameField, PasswordField: w.t.SSO.PasswordField, HTTP: w.http}
	toks, err := c.Login(ctx, w.accounts[i].personalID, w.accounts[i].password)
	if err != nil {
		err = fmt.Errorf("log in as test account %d: %w", i+1, err)
		w.loginErr[i] = err
		return "", err
	}
	w.tokens[i] = toks.IDToken
	return toks.IDToken, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
