package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/world"
	"github.com/dvcqa/dvcqa/store"
	"github.com/dvcqa/dvcqa/store/storetest"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/trial"
)

// trialWorld starts a mock world in the test and writes a target file for
// it as `dvcqa mock serve --write-target` does.
func trialWorld(t *testing.T, officers string, defectList ...string) string {
	t.Helper()
	cat := fixtures.MustLoad()
	tgt, err := fixtures.DefaultTarget(cat)
	if err != nil {
		t.Fatal(err)
	}
	set, err := world.DefectSet(defectList...)
	if err != nil {
		t.Fatal(err)
	}
	w, err := world.Start(world.Options{Seed: tgt.Seed, Catalog: cat, Defects: set, Officers: officers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	tgt.Name, tgt.URLs = "mock-trial", w.URLs(tgt.Province)
	file := filepath.Join(t.TempDir(), "target.yaml")
	if err := writeMockTarget(file, tgt, officers); err != nil {
		t.Fatal(err)
	}
	return file
}

// trialRun runs `dvcqa trial <args>` and returns what it printed; a
// non-zero exit fails the test with the harness's error.
func trialRun(ctx context.Context, t *testing.T, args ...string) string {
	t.Helper()
	var out, errs bytes.Buffer
	stderr = &errs
	defer func() { stderr = os.Stderr }()
	if code := trialMain(ctx, args, &out); code != 0 {
		t.Fatalf("dvcqa trial %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errs.String())
	}
	return out.String()
}

// trialReportJSON runs `dvcqa trial report` and reads the JSON it wrote.
func trialReportJSON(ctx context.Context, t *testing.T, storeURL, id, dir string) (*trial.Report, string) {
	t.Helper()
	out := trialRun(ctx, t, "report", "--store", storeURL, "--id", id, "--out", dir)
	data, err := os.ReadFile(filepath.Join(dir, trial.FileJSON))
	if err != nil {
		t.Fatal(err)
	}
	var r trial.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{trial.FileHTML, trial.FileMarkdown, trial.FileJUnit} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !bytes.Contains(b, []byte(r.Headline)) && f != trial.FileJUnit {
			t.Errorf("%s: the headline %q is not in it (%v)", f, r.Headline, err)
		}
	}
	return &r, strings.SplitN(out, "\n", 2)[0]
}

// counts are the figures the test checks exactly.
type counts struct {
	Submitted, Received, InProcess, Returned, OnTime, Overdue, Synced, WithFee, Paid, Withdrawn int
}

func countsOf(f trial.Figures) counts {
	return counts{f.Submitted, f.Received, f.InProcess, f.Returned, f.OnTime, f.Overdue, f.Synced, f.WithFee, f.Paid, f.Withdrawn}
}

func wantCounts(t *testing.T, what string, got trial.Figures, want counts) {
	t.Helper()
	if g := countsOf(got); g != want {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, want)
	}
}

// waitNational waits until the national portal shows each dossier of the
// campaign in the state the test's officers left it in: DVCQG is synced
// asynchronously, and the figures are checked once it had the chance.
func waitNational(ctx context.Context, t *testing.T, target, storeURL, id string, stateOf func(service string) string) {
	t.Helper()
	e := testEnv(t, target)
	st, err := store.Open(ctx, storeURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ds, err := trial.Dossiers(ctx, st, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		state := stateOf(d.ServiceID)
		want, _ := portal.StatusCode(state)
		for {
			hs, err := e.DVCQG.Lookup(ctx, d.Code)
			if err == nil && hs.TrangThaiHoSo == dvcqg.Status(want).Wire() {
				break
			}
			select {
			case <-ctx.Done():
				t.Fatalf("the national portal does not show %s %s (last: %v)", d.Code, state, err)
			case <-time.After(framework.PollInterval):
			}
		}
	}
}

func every(state string) func(string) string { return func(string) string { return state } }

// testEnvs are the test's own Envs, one per target file: setting one up
// costs a good part of a second.
var testEnvs sync.Map

func testEnv(t *testing.T, target string) *framework.Env {
	t.Helper()
	if e, ok := testEnvs.Load(target); ok {
		return e.(*framework.Env)
	}
	cat := fixtures.MustLoad()
	tgt, err := fixtures.LoadTarget(target, cat)
	if err != nil {
		t.Fatal(err)
	}
	e, err := framework.Setup(tgt, cat)
	if err != nil {
		t.Fatal(err)
	}
	testEnvs.Store(target, e)
	return e
}

// TestTrialCampaignManualOfficers is the acceptance run of a trial
// campaign with manual officers, on every store backend: start (DV01 free,
// DV07 with a fee, 2 each) → follow → officers receive,assign → follow →
// officers approve,sign,return → follow → report → cleanup, each figure
// held to what the test did.
func TestTrialCampaignManualOfficers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs campaigns against a mock world; `make store` runs it on SQLite and PostgreSQL")
	}
	target := trialWorld(t, "manual")
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
			defer cancel()
			const id = "manual-1"
			reports := t.TempDir()
			out := trialRun(ctx, t, "start", "--target", target, "--store", b.URL, "--services", "DV01,DV07", "--per-service", "2", "--id", id)
			if !strings.HasSuffix(out, id+"\n") {
				t.Errorf("trial start printed %q, want the campaign id last", out)
			}

			// Unpaid, DV07 waits in payment_required; paid, it waits there for the officer.
			waitNational(ctx, t, target, b.URL, id, func(svc string) string {
				return map[string]string{"DV01": portal.StatusSubmitted, "DV07": portal.StatusPaymentRequired}[svc]
			})
			trialRun(ctx, t, "follow", "--store", b.URL, "--id", id)
			r, _ := trialReportJSON(ctx, t, b.URL, id, reports)
			wantCounts(t, "after follow 1", r.Overall, counts{Submitted: 4, Synced: 4, WithFee: 2, Paid: 2})

			out = trialRun(ctx, t, "officers", "--store", b.URL, "--id", id, "--do", "receive,assign")
			if !strings.Contains(out, "8 action(s) taken · 0 not allowed") {
				t.Errorf("officers receive,assign: %q", out)
			}
			waitNational(ctx, t, target, b.URL, id, every(portal.StatusProcessing))
			trialRun(ctx, t, "follow", "--store", b.URL, "--id", "latest")
			r, _ = trialReportJSON(ctx, t, b.URL, id, reports)
			wantCounts(t, "after follow 2", r.Overall, counts{Submitted: 4, Received: 4, InProcess: 4, Synced: 4, WithFee: 2, Paid: 2})

			trialRun(ctx, t, "officers", "--store", b.URL, "--id", id, "--do", "approve,sign,return")
			waitNational(ctx, t, target, b.URL, id, every(portal.StatusDelivered))
			out = trialRun(ctx, t, "follow", "--store", b.URL, "--id", id)
			if !strings.Contains(out, "4 closed · 0 still open · 0 error(s)") {
				t.Errorf("follow 3: %q", out)
			}
			r, headline := trialReportJSON(ctx, t, b.URL, id, reports)
			wantCounts(t, "after follow 3", r.Overall, counts{Submitted: 4, Received: 4, Returned: 4, OnTime: 4, Synced: 4, WithFee: 2, Paid: 2})
			const want = "Thử nghiệm manual-1: 4/4 hồ sơ trả kết quả · 100,00% đúng hạn · đồng bộ DVCQG 100,00% · thanh toán trực tuyến 2/2"
			if r.Headline != want || headline != want {
				t.Errorf("headline:\n got %q (console %q)\nwant %q", r.Headline, headline, want)
			}
			for _, g := range r.ByService {
				fee := map[string]counts{"DV01": {Submitted: 2, Received: 2, Returned: 2, OnTime: 2, Synced: 2},
					"DV07": {Submitted: 2, Received: 2, Returned: 2, OnTime: 2, Synced: 2, WithFee: 2, Paid: 2}}
				wantCounts(t, "service "+g.Service, g.Figures, fee[g.Service])
			}
			if len(r.ByService) != 2 || len(r.ByProvince) != 1 || r.ByProvince[0].Province != "01" || len(r.Cells) != 2 {
				t.Errorf("groups: %d services, provinces %+v, %d cells; want DV01, DV07 in province 01", len(r.ByService), r.ByProvince, len(r.Cells))
			}
			// The portal pushes each transition with its own time: no lag.
			if f := r.Overall; f.LagMaxSeconds == nil || *f.LagMaxSeconds != 0 || *f.LagMedianSeconds != 0 || f.LagSamples != 22 {
				t.Errorf("lag: median %v max %v over %d samples, want 0 s over 22 (5 transitions of DV01, 6 of DV07, each)", f.LagMedianSeconds, f.LagMaxSeconds, f.LagSamples)
			}
			checkJUnit(t, filepath.Join(reports, trial.FileJUnit), map[string]string{"DV01 · 01": "pass", "DV07 · 01": "pass"})

			out = trialRun(ctx, t, "cleanup", "--store", b.URL, "--id", id)
			if !strings.Contains(out, "0 withdrawn · 4 already final") {
				t.Errorf("cleanup of a returned campaign: %q", out)
			}

			// A campaign cleaned up before any officer acted: withdrawn, and
			// a second cleanup changes nothing.
			trialRun(ctx, t, "start", "--target", target, "--store", b.URL, "--services", "DV01", "--id", "manual-2")
			for range 2 {
				if out := trialRun(ctx, t, "cleanup", "--store", b.URL, "--id", "manual-2"); !strings.Contains(out, "1 withdrawn · 0 already final (left) · 0 NOT") {
					t.Errorf("cleanup: %q", out)
				}
			}
			waitNational(ctx, t, target, b.URL, "manual-2", every(portal.StatusWithdrawn))
			trialRun(ctx, t, "follow", "--store", b.URL, "--id", "manual-2")
			r, _ = trialReportJSON(ctx, t, b.URL, "manual-2", t.TempDir())
			wantCounts(t, "withdrawn campaign", r.Overall, counts{Submitted: 1, Synced: 1, Withdrawn: 1})
		})
	}
}

// TestTrialCampaignSeededDefects: automatic officers, DV01's deliveries
// late (deadline-missed) and DV07 never synced to DVCQG
// (dvcqg-sync-missing): followed until every dossier is returned, the
// figures show exactly those dossiers overdue and unsynchronised.
func TestTrialCampaignSeededDefects(t *testing.T) {
	if testing.Short() {
		t.Skip("runs campaigns against a mock world; `make store` runs it on SQLite and PostgreSQL")
	}
	target := trialWorld(t, "automatic", "deadline-missed@DV01,dvcqg-sync-missing@DV07")
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			const id = "defects"
			trialRun(ctx, t, "start", "--target", target, "--store", b.URL, "--services", "DV01,DV07", "--per-service", "2", "--id", id)
			reports := t.TempDir()
			var r *trial.Report
			var headline string
			for follows := 0; ; follows++ {
				// Returned everywhere, and DV01's closed (DVCQG shows them delivered).
				trialRun(ctx, t, "follow", "--store", b.URL, "--id", id)
				r, headline = trialReportJSON(ctx, t, b.URL, id, reports)
				if r.Overall.Returned == 4 && r.Overall.Synced == 2 {
					break
				}
				if follows > 200 || ctx.Err() != nil {
					t.Fatalf("after %d follows: %+v", follows, countsOf(r.Overall))
				}
				select {
				case <-ctx.Done():
				case <-time.After(50 * time.Millisecond):
				}
			}
			wantCounts(t, "overall", r.Overall, counts{Submitted: 4, Received: 4, Returned: 4, OnTime: 2, Overdue: 2, Synced: 2, WithFee: 2, Paid: 2})
			const want = "Thử nghiệm defects: 4/4 hồ sơ trả kết quả · 50,00% đúng hạn · đồng bộ DVCQG 50,00% · thanh toán trực tuyến 2/2"
			if headline != want {
				t.Errorf("headline:\n got %q\nwant %q", headline, want)
			}
			for _, g := range r.ByService {
				want := map[string]counts{"DV01": {Submitted: 2, Received: 2, Returned: 2, Overdue: 2, Synced: 2},
					"DV07": {Submitted: 2, Received: 2, Returned: 2, OnTime: 2, WithFee: 2, Paid: 2}}
				wantCounts(t, "service "+g.Service, g.Figures, want[g.Service])
			}
			checkJUnit(t, filepath.Join(reports, trial.FileJUnit), map[string]string{"DV01 · 01": "fail", "DV07 · 01": "fail"})

		})
	}
}

// checkJUnit holds each testcase's outcome (pass, fail, skipped).
func checkJUnit(t *testing.T, path string, want map[string]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			switch {
			case c.Failure != nil:
				got[c.Name] = "fail"
			case c.Skipped != nil:
				got[c.Name] = "skipped"
			default:
				got[c.Name] = "pass"
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("junit testcases %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("junit %s: %s, want %s", k, got[k], v)
		}
	}
}

// TestTrialStartRefusesEmbedded: the embedded mock world ends with the
// command, so a campaign on it is refused with what to do instead.
func TestTrialStartRefusesEmbedded(t *testing.T) {
	var out, errs bytes.Buffer
	stderr = &errs
	defer func() { stderr = os.Stderr }()
	code := trialMain(context.Background(), []string{"start", "--target", "../../fixtures/targets/mock.yaml",
		"--store", storetest.SQLiteBackend(t).URL}, &out)
	if code != 2 || !strings.Contains(errs.String(), "dvcqa mock serve --write-target runs/mock-target.yaml") {
		t.Errorf("exit %d, %q; want 2 and how to start a standalone mock", code, errs.String())
	}
}
