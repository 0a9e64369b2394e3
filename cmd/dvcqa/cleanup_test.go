package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/runrecord"
	"github.com/dvcqa/dvcqa/mocks/world"
	"github.com/dvcqa/dvcqa/runconfig"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// TestCleanupWithdrawsWhatTheRunCreated: against a standalone mock world,
// `dvcqa cleanup <run-id>` withdraws the run's dossier still in processing,
// and lists, with the reason, what it could not: a delivered one (the
// portal's 409), one whose note is not the run's marker (left alone) and
// one owned by no test account; exit 1. Run again, it still withdraws
// nothing twice.
func TestCleanupWithdrawsWhatTheRunCreated(t *testing.T) {
	cat := fixtures.MustLoad()
	tgt, err := fixtures.DefaultTarget(cat)
	if err != nil {
		t.Fatal(err)
	}
	w, err := world.Start(world.Options{Seed: tgt.Seed, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tgt.Name, tgt.URLs = "mock-cleanup", w.URLs(tgt.Province)
	tmp := t.TempDir()
	file := filepath.Join(tmp, "target.yaml")
	if err := writeTargetFile(file, tgt); err != nil {
		t.Fatal(err)
	}
	tgt, err = fixtures.LoadTarget(file, cat)
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := cleanupAccounts(tgt, cat)
	if err != nil {
		t.Fatal(err)
	}
	// The suites number the accounts as cleanup does.
	env, err := framework.Setup(tgt, cat)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range accounts[:5] {
		if got := env.AccountIndex(a.personalID); got != i {
			t.Fatalf("account %d is the suites' account %d", i, got)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const runID = "r-cleanup"
	marker := runrecord.Marker(runID)
	delivered := submitAny(ctx, t, tgt, cat, accounts, func(s fixtures.Service) bool { return s.FeeVND == 0 }, marker)
	unpaid := submitAny(ctx, t, tgt, cat, accounts, func(s fixtures.Service) bool { return s.FeeVND > 0 }, marker)
	notOurs := submitAny(ctx, t, tgt, cat, accounts, func(s fixtures.Service) bool { return s.FeeVND > 0 }, "a citizen's own dossier")
	for {
		d, err := delivered.client.Dossier(ctx, delivered.rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == portal.StatusDelivered {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("dossier %s never delivered (status %s)", d.Code, d.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	ghost := runrecord.Dossier{ID: "hs-ghost", Code: "000.00.00.H01-261201-9999", ServiceID: "DV01", Account: -1}

	runs := filepath.Join(tmp, "runs")
	runDir := filepath.Join(runs, runID)
	if _, err := runconfig.Write(mkdir(t, runDir), runconfig.Config{RunID: runID, Target: file, RunDir: runDir}); err != nil {
		t.Fatal(err)
	}
	if err := runrecord.WritePart(runDir, 1, runrecord.Record{RunID: runID, Dossiers: []runrecord.Dossier{delivered.rec, unpaid.rec}}); err != nil {
		t.Fatal(err)
	}
	if err := runrecord.WritePart(runDir, 2, runrecord.Record{RunID: runID, Dossiers: []runrecord.Dossier{notOurs.rec, ghost}}); err != nil {
		t.Fatal(err)
	}
	if _, err := runrecord.Merge(runDir, runID); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if code := cleanup([]string{runID, "--runs", runs}, &out); code != 1 {
		t.Fatalf("cleanup exit %d, want 1 (some could not be withdrawn):\n%s", code, out.String())
	}
	text := out.String()
	t.Log(text)
	withdrawn, left, _ := strings.Cut(text, "NOT withdrawn")
	for _, want := range []string{"withdrawn: 1", unpaid.rec.Code} {
		if !strings.Contains(withdrawn, want) {
			t.Errorf("withdrawn part lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{delivered.rec.Code + " (", "HTTP 409 not_withdrawable", "finished processing",
		notOurs.rec.Code, "left alone", ghost.Code, "owned by none"} {
		if !strings.Contains(left, want) {
			t.Errorf("not-withdrawn part lacks %q:\n%s", want, text)
		}
	}
	if d, err := unpaid.client.Dossier(ctx, unpaid.rec.ID); err != nil || d.Status != portal.StatusWithdrawn {
		t.Errorf("the withdrawn dossier on the portal: %+v, %v", d, err)
	}
	if d, err := notOurs.client.Dossier(ctx, notOurs.rec.ID); err != nil || d.Status == portal.StatusWithdrawn {
		t.Errorf("a dossier without the run's marker was withdrawn: %+v, %v", d, err)
	}
	out.Reset()
	if code := cleanup([]string{"--runs", runs, runID}, &out); code != 1 || !strings.Contains(out.String(), "withdrawn: 1") {
		t.Errorf("second cleanup: exit %d\n%s", code, out.String())
	}
	// Usage errors are exit 2.
	if code := cleanup(nil, &out); code != 2 {
		t.Errorf("cleanup without a run id: exit %d, want 2", code)
	}
	if code := cleanup([]string{"no-such-run", "--runs", runs}, &out); code != 2 {
		t.Errorf("cleanup of an unknown run: exit %d, want 2", code)
	}
}

func mkdir(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

type submitted struct {
	rec    runrecord.Dossier
	client *portal.Client
}

// submitAny submits a dossier of the first service that fits, as the first
// test account whose records allow it, filled in as a citizen would.
func submitAny(ctx context.Context, t *testing.T, tgt *fixtures.Target, cat *fixtures.Catalog, accounts []account,
	fits func(fixtures.Service) bool, note string) submitted {
	t.Helper()
	var tried []string
	for i, a := range accounts[:8] {
		c := &sso.Client{Issuer: tgt.URLs.SSO, ClientID: tgt.SSO.ClientID, RedirectURI: strings.TrimRight(tgt.URLs.Portal, "/") + "/auth/callback"}
		toks, err := c.Login(ctx, a.personalID, a.password)
		if err != nil {
			t.Fatal(err)
		}
		p := &portal.Client{BaseURL: tgt.URLs.Portal, Token: toks.IDToken}
		for _, svc := range cat.Services {
			if !fits(svc) || len(svc.Chain) > 0 {
				continue
			}
			form, err := p.Form(ctx, svc.ID)
			if err != nil {
				tried = append(tried, fmt.Sprintf("%s form: %v", svc.ID, err))
				continue
			}
			req := portal.SubmitRequest{ServiceID: svc.ID, Fields: map[string]string{}, Note: note}
			for _, ff := range form.Fields {
				if ff.Prefilled {
					req.Fields[ff.Name] = ff.Value
				}
			}
			for _, fd := range svc.Form {
				if fd.PrefillFrom == "" && fd.Example != "" {
					req.Fields[fd.Name] = fd.Example
				}
			}
			for _, at := range svc.Attachments {
				if at.Required {
					name, data := framework.SampleFile(at.MimeTypes[0])
					up, err := p.UploadAttachment(ctx, at.Type, name, at.MimeTypes[0], data)
					if err != nil {
						t.Fatal(err)
					}
					req.Attachments = append(req.Attachments, portal.AttachmentRef{Type: at.Type, ID: up.ID})
				}
			}
			d, _, err := p.Submit(ctx, framework.NewKey(), req)
			if err != nil {
				tried = append(tried, fmt.Sprintf("%s as account %d: %v", svc.ID, i, err))
				continue
			}
			return submitted{rec: runrecord.Dossier{ID: d.ID, Code: d.Code, ServiceID: d.ServiceID, Account: i, CreatedAt: time.Now()}, client: p}
		}
	}
	t.Fatalf("no service could be submitted: %v", tried)
	return submitted{}
}
