package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"

	"github.com/dvcqa/dvcqa/vocab"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func it(state types.SpecState, msg string, labels ...string) types.SpecReport {
	return types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "spec " + strings.Join(labels, " "),
		LeafNodeLabels: labels, State: state, NumAttempts: 1, Failure: types.Failure{Message: msg}}
}

// withChecks records check entries the way framework.Step does, 1 s apart;
// a failure is placed just after the last one.
func withChecks(sr types.SpecReport, checks ...string) types.SpecReport {
	for i, c := range checks {
		at := t0.Add(time.Duration(i) * time.Second)
		e := types.ReportEntry{Name: vocab.EntryCheck, Time: at}
		e.Value = types.WrapEntryValue(c)
		sr.ReportEntries = append(sr.ReportEntries, e)
		sr.Failure.TimelineLocation.Time = at.Add(500 * time.Millisecond)
	}
	return sr
}

func health(system, status string) types.ReportEntry {
	e := types.ReportEntry{Name: vocab.EntryHealth}
	e.Value = types.WrapEntryValue(`[{"system":"` + system + `","status":"` + status + `"}]`)
	return e
}

func testCatalog() *fixtures.Catalog {
	return &fixtures.Catalog{
		Services: []fixtures.Service{
			{ID: "DV01", NameVI: "Một", Databases: []string{"population"}, Systems: []string{"sso", "dvcqg", "gateway", "db:population"}},
			{ID: "DV02", NameVI: "Hai", Databases: []string{"population"}, FeeVND: 50000, Systems: []string{"sso", "dvcqg", "gateway", "db:population", "payment"}},
			{ID: "DV03", NameVI: "Ba", Databases: []string{"tax"}, Systems: []string{"sso", "dvcqg", "gateway", "db:tax"}},
		},
		Databases: []fixtures.Database{{ID: "population", NameVI: "Dân cư"}, {ID: "tax", NameVI: "Thuế"}},
	}
}

func build(t *testing.T, srs []types.SpecReport, waivers []fixtures.Waiver, gate fixtures.Gate) *Summary {
	t.Helper()
	return Build(Input{Shards: []Shard{{RunID: "r1", Province: "01", Reports: []types.Report{{SpecReports: srs}}}},
		Catalog: testCatalog(), Meta: Meta{RunID: "r1", StartedAt: t0, FinishedAt: t0.Add(2 * time.Second)},
		Waivers: waivers, Gate: gate, Now: t0, Masker: redact.NewMasker()})
}

// apiOnly is a gate for tests that build API specs only.
var apiOnly = fixtures.Gate{Require: []string{"api_e2e"}, PlatformReady: []string{"dvcqg"}}

func TestReadinessVerdicts(t *testing.T) {
	flaky := it(types.SpecStatePassed, "", "service:DV02", "kind:e2e", "layer:api")
	flaky.NumAttempts = 2
	flaky.AdditionalFailures = []types.AdditionalFailure{{State: types.SpecStateFailed, Failure: types.Failure{Message: "Failure recorded during attempt 1:\npayment platform status of X"}}}
	s := build(t, []types.SpecReport{
		withChecks(it(types.SpecStatePassed, "", "service:DV01", "kind:e2e", "layer:api"), "login", "prefill", "result", "sync"),
		flaky,
		withChecks(it(types.SpecStateFailed, "national portal status \"1\" ≠ portal status for citizen 001085012345\nExpected", "service:DV03", "kind:e2e", "layer:api"), "login", "prefill", "result", "sync"),
		it(types.SpecStatePassed, "", "db:population", "kind:connection"),
		it(types.SpecStateTimedout, "timed out", "db:tax", "kind:connection"),
		it(types.SpecStatePassed, "", "system:dvcqg", "kind:platform"),
	}, nil, apiOnly)

	want := map[string]string{"DV01": Ready, "DV02": Flaky, "DV03": NotReady}
	for _, v := range s.Services {
		if v.Readiness != want[v.ID] {
			t.Errorf("%s readiness %q, want %q", v.ID, v.Readiness, want[v.ID])
		}
	}
	if got := s.Services[2].Checks; got["sync"] != CheckFail || got["prefill"] != CheckPass || got["browser_e2e"] != CheckNotRun {
		t.Errorf("DV03 checks %v: the failure is in sync (the last check entered)", got)
	}
	if s.Services[0].Checks["payment"] != CheckNA || s.Services[1].Checks["api_e2e"] != CheckFlaky {
		t.Errorf("checks: DV01 %v, DV02 %v", s.Services[0].Checks, s.Services[1].Checks)
	}
	if f := s.Services[2].Failures[0]; f.Check != "sync" || strings.Contains(f.Reason, "001085012345") || !strings.HasPrefix(f.Headline, "national portal status") {
		t.Errorf("failure %+v", f)
	}
	if s.Services[1].Failures[0].Attempt != 1 {
		t.Errorf("flaky attempt not kept: %+v", s.Services[1].Failures)
	}
	if s.NationalDBs["population"].Readiness != Ready || s.NationalDBs["tax"].Readiness != NotReady {
		t.Errorf("db readiness: population %q tax %q", s.NationalDBs["population"].Readiness, s.NationalDBs["tax"].Readiness)
	}
	if s.Gate.Passed || s.Headline.ServicesReady != 1 || s.Headline.SyncOK {
		t.Errorf("gate %+v headline %+v", s.Gate, s.Headline)
	}
	if s.Totals.Specs != 6 || s.Totals.Flaky != 1 || s.Totals.Failed != 2 {
		t.Errorf("totals %+v", s.Totals)
	}
}

func TestBlockedByADependencyDownAtTheStart(t *testing.T) {
	setup := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed,
		ReportEntries: []types.ReportEntry{health("db:population", "down")}}
	s := build(t, []types.SpecReport{setup,
		it(types.SpecStateFailed, "look up in population", "service:DV01", "kind:e2e", "layer:api"),
		it(types.SpecStateFailed, "x", "service:DV03", "kind:e2e", "layer:api"),
		it(types.SpecStateFailed, "population lookup: 502", "db:population", "kind:connection"),
	}, nil, fixtures.Gate{})
	if v := s.Services[0]; v.Readiness != Blocked || len(v.BlockedBy) != 1 || v.BlockedBy[0] != "db:population" {
		t.Errorf("DV01 %q by %v, want BLOCKED by db:population", v.Readiness, v.BlockedBy)
	}
	if s.Services[2].Readiness != NotReady {
		t.Errorf("DV03 does not use population: %q", s.Services[2].Readiness)
	}
	// The database's own connection is what failed: NOT READY, not blocked.
	if s.NationalDBs["population"].Readiness != NotReady {
		t.Errorf("population connection %q", s.NationalDBs["population"].Readiness)
	}
}

func TestWaivers(t *testing.T) {
	ws, err := fixtures.ParseWaivers("w.yaml", []byte(`waivers:
  - service: DV03
    reason: r
    ticket: QA-1
    owner: o
    approver: a
    expires: "2026-11-30"
`), testCatalog())
	if err != nil {
		t.Fatal(err)
	}
	srs := []types.SpecReport{
		withChecks(it(types.SpecStatePassed, "", "service:DV01", "kind:e2e", "layer:api"), "login", "sync"),
		withChecks(it(types.SpecStatePassed, "", "service:DV02", "kind:e2e", "layer:api"), "login", "sync"),
		it(types.SpecStateFailed, "x", "service:DV03", "kind:e2e", "layer:api"),
		it(types.SpecStatePassed, "", "db:population", "kind:connection"),
		it(types.SpecStatePassed, "", "db:tax", "kind:connection"),
		it(types.SpecStatePassed, "", "system:dvcqg", "kind:platform"),
	}
	s := build(t, srs, ws, apiOnly)
	if v := s.Services[2]; v.Readiness != Waived || v.Waiver == nil || v.Waiver.Ticket != "QA-1" {
		t.Fatalf("DV03 %q %+v, want WAIVED by QA-1", v.Readiness, v.Waiver)
	}
	if !s.Gate.Passed {
		t.Errorf("the gate counts a waived service as accepted: %+v", s.Gate)
	}
	late := Build(Input{Shards: []Shard{{Reports: []types.Report{{SpecReports: srs}}}}, Catalog: testCatalog(),
		Waivers: ws, Gate: apiOnly, Now: t0.AddDate(0, 1, 0), Masker: redact.NewMasker()})
	if late.Services[2].Readiness != NotReady || late.Gate.Passed {
		t.Errorf("an expired waiver no longer applies: %q, gate %v", late.Services[2].Readiness, late.Gate.Passed)
	}
}

func TestSuiteFailureFailsRun(t *testing.T) {
	s := build(t, []types.SpecReport{
		{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStateFailed, Failure: types.Failure{Message: "start the embedded mock world: listen: address in use"}},
		it(types.SpecStateSkipped, "", "service:DV01"),
	}, nil, fixtures.Gate{})
	if s.Passed || s.Gate.Passed || len(s.SuiteFailures) != 1 || s.Services[0].Readiness != NotVerified {
		t.Fatalf("suite failure not reported: passed=%v gate=%v failures=%v", s.Passed, s.Gate.Passed, s.SuiteFailures)
	}
	tableHas(t, s, "SUITE SETUP FAILED", "Go-live gate FAILED", "specs: 0 passed, 0 failed, 1 skipped", "Toàn trình: 0/3 dịch vụ")
}

func TestHeadline(t *testing.T) {
	if h := FailureHeadline("Timed out after 5.001s.\nThe function passed to Eventually failed at x.go:1 with:\nnational portal status \"1\" ≠ portal status\nExpected"); h != `national portal status "1" ≠ portal status` {
		t.Errorf("headline skips Gomega's preamble: got %q", h)
	}
}

// TestPlainError: Gomega's dump of an error value becomes its message,
// after the step that failed, in the headline and the reason.
func TestPlainError(t *testing.T) {
	in := "log in through SSO as test citizen 001*******65\nUnexpected error:\n    <*fmt.wrapError | 0x27bf6415da60>: \n" +
		"    sso login: authorize: timeout reading the body after 256 bytes\n    second line\n    {\n        msg: \"sso login: …\",\n" +
		"        err: <*fmt.wrapError | 0x27bf6415d1c0>{\n            msg: \"read …\",\n        },\n    }\noccurred\nIn [It] at: e2e.go:31"
	want := "log in through SSO as test citizen 001*******65: sso login: authorize: timeout reading the body after 256 bytes\nsecond line\nIn [It] at: e2e.go:31"
	if got := PlainError(in); got != want {
		t.Errorf("PlainError:\n got %q\nwant %q", got, want)
	}
	if h := FailureHeadline(PlainError(in)); h != "log in through SSO as test citizen 001*******65: sso login: authorize: timeout reading the body after 256 bytes" {
		t.Errorf("headline %q", h)
	}
	// A dump cut by Gomega (no "occurred") and a one-line dump.
	cut := "submit\nUnexpected error:\n    <*errors.errorString | 0xc000>: \n    boom\n    {s: \"boom\"}"
	if got := PlainError(cut); got != "submit: boom" {
		t.Errorf("cut dump: %q", got)
	}
	if got := StripANSI("\x1b[1m\x1b[38;5;9mSynchronizedBeforeSuite failed\x1b[0m"); got != "SynchronizedBeforeSuite failed" {
		t.Errorf("StripANSI: %q", got)
	}
	for _, plain := range []string{"national portal status differs", "Expected\n    <int>: 1\nto equal\n    <int>: 2"} {
		if got := PlainError(plain); got != plain {
			t.Errorf("PlainError changed %q to %q", plain, got)
		}
	}
}

func TestMaskJSONFileKeepsNumbers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.json")
	if err := os.WriteFile(path, []byte(`[{"RunTime": 123456789012, "Message": "citizen 079300123456 token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := MaskJSONFile(path, redact.NewMasker()); err != nil {
		t.Fatal(err)
	}
	out, _ := os.ReadFile(path)
	if !strings.Contains(string(out), "123456789012") {
		t.Errorf("number was masked: %s", out)
	}
	if strings.Contains(string(out), "079300123456") || strings.Contains(string(out), "eyJhbGci") {
		t.Errorf("string not masked: %s", out)
	}
}

func TestCopyLatest(t *testing.T) {
	root := t.TempDir()
	run := filepath.Join(root, "run1")
	if err := os.MkdirAll(filepath.Join(run, "evidence"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteSummary(run, &Summary{RunID: "run1"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run, "evidence", "shot.png"), []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CopyLatest(root, run); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, LatestDir, SummaryFile))
	if err != nil || !strings.Contains(string(data), `"run_id": "run1"`) {
		t.Fatalf("latest summary: %v %s", err, data)
	}
	if _, err := os.Stat(filepath.Join(root, LatestDir, "evidence", "shot.png")); err != nil {
		t.Fatalf("evidence not copied to latest: %v", err)
	}
}

// TestDependenciesComeFromTheCatalog: the report blames what the catalog
// says a service depends on (fixtures.Service.Systems), nothing else.
func TestDependenciesComeFromTheCatalog(t *testing.T) {
	cat := testCatalog()
	cat.Services[0].Systems = []string{"gateway"} // DV01: not sso
	setup := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed,
		ReportEntries: []types.ReportEntry{health("sso", "down")}}
	srs := []types.SpecReport{setup,
		it(types.SpecStateFailed, "login", "service:DV01", "kind:e2e", "layer:api"),
		it(types.SpecStateFailed, "login", "service:DV03", "kind:e2e", "layer:api"),
	}
	s := Build(Input{Shards: []Shard{{RunID: "r1", Reports: []types.Report{{SpecReports: srs}}}}, Catalog: cat,
		Meta: Meta{RunID: "r1", StartedAt: t0, FinishedAt: t0}, Now: t0, Masker: redact.NewMasker()})
	if v := s.Services[0]; v.Readiness != NotReady {
		t.Errorf("DV01 (systems: [gateway]) %q by %v, want NOT READY", v.Readiness, v.BlockedBy)
	}
	if v := s.Services[2]; v.Readiness != Blocked || len(v.BlockedBy) != 1 || v.BlockedBy[0] != "sso" {
		t.Errorf("DV03 %q by %v, want BLOCKED by sso", v.Readiness, v.BlockedBy)
	}
}

// A failing spec's differing fields reach the summary, masked again, and
// the first one is the headline.
func TestFieldDiffsReachTheFailure(t *testing.T) {
	sr := it(types.SpecStateFailed, "dossier X: 2 field(s) differ", "service:DV01", "layer:api", "kind:e2e")
	e := types.ReportEntry{Name: vocab.EntryFields}
	e.Value = types.WrapEntryValue(`[{"system":"dvcqg","operation":"TraCuuHoSo","field":"NgayTiepNhan","want":"\"20260304093000\"","got":"\"20260305093000\"","blame":"portal"},` +
		`{"system":"portal","operation":"GET","field":"applicant.SoDinhDanh","want":"001090012345","got":"001090012399"}]`)
	sr.ReportEntries = append(sr.ReportEntries, e)
	s := build(t, []types.SpecReport{sr}, nil, apiOnly)
	var f *Failure
	for _, sv := range s.Services {
		for i := range sv.Failures {
			f = &sv.Failures[i]
		}
	}
	if f == nil || len(f.Fields) != 2 {
		t.Fatalf("failure fields = %+v", f)
	}
	if want := `dvcqg TraCuuHoSo NgayTiepNhan: want "20260304093000", got "20260305093000" — first told by portal (+1 more)`; f.Headline != want {
		t.Errorf("headline = %q, want %q", f.Headline, want)
	}
	if strings.Contains(f.Fields[1].Want+f.Fields[1].Got, "001090012345") || strings.Contains(f.Fields[1].Got, "001090012399") {
		t.Errorf("personal IDs not masked: %+v", f.Fields[1])
	}
}
