package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
)

// The bench's own helpers, checked without a browser or a network. Skipped
// by -short, as everything in this package is outside `make test`.

func TestReadPWReport(t *testing.T) {
	if testing.Short() {
		t.Skip("bench helpers: not under -short")
	}
	path := filepath.Join(t.TempDir(), "report.json")
	// The shape of Playwright's JSON reporter: a file suite holding specs.
	report := `{"suites":[{"title":"flows.spec.ts","specs":[],"suites":[{"specs":[
	 {"title":"warm-up","tests":[{"results":[{"duration":2500.5,"status":"passed"}]}]},
	 {"title":"DV01","tests":[{"results":[{"duration":1200,"status":"passed"}]}]}]}]}]}`
	if err := os.WriteFile(path, []byte(report), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readPWReport(path)
	if err != nil {
		t.Fatal(err)
	}
	if got["DV01"] != 1200*time.Millisecond || got["warm-up"] != 2500500*time.Microsecond || len(got) != 2 {
		t.Fatalf("durations %v", got)
	}
	failed := strings.Replace(report, `"duration":1200,"status":"passed"`, `"duration":1200,"status":"failed"`, 1)
	if err := os.WriteFile(path, []byte(failed), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readPWReport(path); err == nil || !strings.Contains(err.Error(), "DV01 failed") {
		t.Fatalf("a failed test must be an error naming it, got %v", err)
	}
}

func TestFlowDataFollowsTheCatalog(t *testing.T) {
	if testing.Short() {
		t.Skip("bench helpers: not under -short")
	}
	cat, err := fixtures.Load()
	if err != nil {
		t.Fatal(err)
	}
	profile, err := fixtures.DefaultPortalProfile()
	if err != nil {
		t.Fatal(err)
	}
	w, err := citizens.Generate(cat.Provinces, cat.Databases, 7, citizens.DefaultPerProvince)
	if err != nil {
		t.Fatal(err)
	}
	applicants := w.Applicants("01")
	d, err := newFlowData("http://127.0.0.1:1/portal/01", profile, cat.Services, applicants, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Flows) != len(cat.Services) {
		t.Fatalf("%d flows for %d services", len(d.Flows), len(cat.Services))
	}
	for i, svc := range cat.Services {
		f := d.Flows[i]
		if f.ID != svc.ID || f.Username != applicants[i].PersonalID || f.Password != fixtures.MockSecret(7, "citizen:"+f.Username) {
			t.Errorf("flow %d: %s as %s, want %s as applicant %d with the seed's password", i, f.ID, f.Username, svc.ID, i)
		}
		if f.Fee != (svc.FeeVND > 0) {
			t.Errorf("%s: fee %v, catalog fee %d", svc.ID, f.Fee, svc.FeeVND)
		}
		var want, got []string
		for _, fd := range svc.Form {
			if fd.PrefillFrom == "" && fd.Example != "" {
				want = append(want, fd.Name+"="+fd.Example)
			}
		}
		for _, fd := range f.Fields {
			got = append(got, fd.Name+"="+fd.Value)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: fields %v, want the catalog's examples %v", svc.ID, got, want)
		}
	}
	if _, err := newFlowData("x", profile, cat.Services, applicants[:1], 1); err == nil {
		t.Error("too few applicants must be an error")
	}
}

func TestEnsurePlaywrightSaysWhyNot(t *testing.T) {
	if testing.Short() {
		t.Skip("bench helpers: not under -short")
	}
	t.Setenv("PATH", t.TempDir()) // neither node nor npm
	err := ensurePlaywright(t.Context(), t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "node is not installed") {
		t.Fatalf("want the reason (node missing), got %v", err)
	}
}
