package reports

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"

	"github.com/dvcqa/dvcqa/vocab"
)

// skipped is a spec that called Skip with msg ("" = filtered out).
func skipped(msg string, labels ...string) types.SpecReport {
	return it(types.SpecStateSkipped, msg, labels...)
}

// green is a healthy run of the test catalog on every layer the default
// gate requires, every platform system included.
func green() []types.SpecReport {
	var srs []types.SpecReport
	for _, id := range []string{"DV01", "DV02", "DV03"} {
		srs = append(srs,
			withChecks(it(types.SpecStatePassed, "", "service:"+id, "kind:e2e", "layer:api"), "login", "prefill", "sync"),
			withChecks(it(types.SpecStatePassed, "", "service:"+id, "kind:e2e", "layer:browser"), "login", "prefill"),
			it(types.SpecStatePassed, "", "service:"+id, "kind:negative", "layer:api"))
	}
	for _, x := range []string{"db:population", "db:tax"} {
		srs = append(srs, it(types.SpecStatePassed, "", x, "kind:connection"))
	}
	for _, sys := range []string{"system:sso", "system:payment", "system:dvcqg"} {
		srs = append(srs, it(types.SpecStatePassed, "", sys, "kind:platform"))
	}
	return srs
}

func buildWith(srs []types.SpecReport, meta Meta, gate fixtures.Gate) *Summary {
	return Build(Input{Shards: []Shard{{RunID: "r1", Province: "01", Reports: []types.Report{{SpecReports: srs}}}},
		Catalog: testCatalog(), Meta: meta, Gate: gate, Now: t0, Masker: redact.NewMasker()})
}

func replace(srs []types.SpecReport, i int, sr types.SpecReport) []types.SpecReport {
	out := append([]types.SpecReport(nil), srs...)
	out[i] = sr
	return out
}

func TestGreenRunPassesTheGate(t *testing.T) {
	s := buildWith(green(), Meta{Target: TargetInfo{Allow: &Allow{Submit: true, Pay: true}}}, fixtures.Gate{})
	if !s.Gate.Passed || ExitCode(s) != 0 {
		t.Fatalf("a complete green run must pass: %+v", s.Gate)
	}
	tableHas(t, s, "Toàn trình: 3/3 dịch vụ · CSDL quốc gia: 2/2 kết nối · Đồng bộ DVCQG: đạt")
}

// allow.submit: false skips every end-to-end flow: nothing failed, nothing
// was proven. No service is READY, the sync is not proven, the gate fails.
func TestNoSubmissionIsNotVerified(t *testing.T) {
	var srs []types.SpecReport
	for _, sr := range green() {
		if l := vocab.LabelValue(sr.Labels(), vocab.KeyKind); l == "e2e" || (l == "platform" && vocab.LabelValue(sr.Labels(), vocab.KeySystem) != "sso") {
			sr = skipped("target profile does not allow submitting dossiers (allow.submit: false)", sr.Labels()...)
		}
		srs = append(srs, sr)
	}
	s := buildWith(srs, Meta{Target: TargetInfo{Allow: &Allow{Submit: false, Pay: false}}}, fixtures.Gate{})
	for _, v := range s.Services {
		if v.Readiness != NotVerified || len(v.Unverified) != 2 || !strings.Contains(v.Unverified[0].Reason, "allow.submit: false") {
			t.Errorf("%s: %q %+v, want NOT VERIFIED naming allow.submit", v.ID, v.Readiness, v.Unverified)
		}
	}
	if s.Platform["dvcqg"].Readiness != NotVerified || s.Platform["sso"].Readiness != Ready {
		t.Errorf("platform: dvcqg %q sso %q", s.Platform["dvcqg"].Readiness, s.Platform["sso"].Readiness)
	}
	if s.Gate.Passed || ExitCode(s) != 1 || s.Headline.SyncOK {
		t.Errorf("gate %v sync %v: a run that submitted nothing cannot pass", s.Gate.Passed, s.Headline.SyncOK)
	}
	if ruleAt(s.Gate, "complete_run").Passed || len(s.Partial) < 2 {
		t.Errorf("partial reasons %+v", s.Partial)
	}
	tableHas(t, s, "Toàn trình: 0/3 dịch vụ (3 chưa kiểm chứng) · CSDL quốc gia: 2/2 kết nối · Đồng bộ DVCQG: chưa kiểm chứng",
		"NOT VERIFIED", "PARTIAL RUN", "allow.submit: false", "Go-live gate FAILED")
}

func TestEveryRequiredLayerMustRun(t *testing.T) {
	// DV02's browser flow was filtered out; its API flow and negatives passed.
	srs := replace(green(), 4, skipped("", "service:DV02", "kind:e2e", "layer:browser"))
	s := buildWith(srs, Meta{LabelFilter: "layer:api", Target: TargetInfo{Allow: &Allow{Submit: true, Pay: true}}}, fixtures.Gate{})
	v := s.Services[1]
	if v.Readiness != NotVerified || len(v.Unverified) != 1 || v.Unverified[0].Check != "browser_e2e" {
		t.Fatalf("DV02 %q %+v, want NOT VERIFIED: browser_e2e", v.Readiness, v.Unverified)
	}
	if !s.Gate.RuleFails("services", "DV02") || ruleAt(s.Gate, "complete_run").Passed || s.Gate.Passed {
		t.Errorf("gate %+v", s.Gate)
	}
	// A profile that requires the API flow only makes it READY.
	s = buildWith(srs, Meta{Target: TargetInfo{Allow: &Allow{Submit: true, Pay: true}}}, fixtures.Gate{Require: []string{"api_e2e"}})
	if s.Services[1].Readiness != Ready {
		t.Errorf("require: [api_e2e]: DV02 %q", s.Services[1].Readiness)
	}
}

func TestNegativeSpecsAloneNeverMakeReady(t *testing.T) {
	s := buildWith([]types.SpecReport{it(types.SpecStatePassed, "", "service:DV01", "kind:negative", "layer:api")}, Meta{}, fixtures.Gate{})
	if v := s.Services[0]; v.Readiness != NotVerified {
		t.Errorf("DV01 with only a negative spec: %q", v.Readiness)
	}
}

func TestFailingPlatformSpecFailsTheGate(t *testing.T) {
	srs := replace(green(), 11, it(types.SpecStateFailed, "portal kept accepting an ID token past its expiry", "system:sso", "kind:platform"))
	s := buildWith(srs, Meta{Target: TargetInfo{Allow: &Allow{Submit: true, Pay: true}}}, fixtures.Gate{})
	if s.Platform["sso"].Readiness != NotReady || !s.Gate.RuleFails("platform", "sso") || ExitCode(s) != 1 {
		t.Errorf("sso %q, gate %+v", s.Platform["sso"].Readiness, s.Gate)
	}
	// A profile may leave a system out of the gate, explicitly.
	s = buildWith(srs, Meta{Target: TargetInfo{Allow: &Allow{Submit: true, Pay: true}}}, fixtures.Gate{PlatformReady: []string{"payment", "dvcqg"}})
	if !s.Gate.Passed {
		t.Errorf("platform_ready without sso: %+v", s.Gate)
	}
}

// A rule the profile makes inapplicable (framework.NotApplicable) is
// neither a pass nor a missing check; a plain skip still leaves the item
// NOT VERIFIED, and an item with nothing but inapplicable specs is not
// verified either.
func TestNotApplicableIsNotMissing(t *testing.T) {
	na := skipped(vocab.NotApplicable+"sso.dialect wso2: RFC 7636 does not apply", "system:sso", "kind:platform")
	allow := Meta{Target: TargetInfo{Allow: &Allow{Submit: true, Pay: true}}}
	s := buildWith(append(green(), na), allow, fixtures.Gate{})
	if v := s.Platform["sso"]; v.Readiness != Ready || v.Skipped != 1 || !s.Gate.Passed {
		t.Errorf("sso with a passed and an inapplicable spec: %q skipped %d, gate %v", v.Readiness, v.Skipped, s.Gate.Passed)
	}
	plain := skipped("the provider publishes no end_session_endpoint", "system:sso", "kind:platform")
	if v := buildWith(append(green(), plain), allow, fixtures.Gate{}).Platform["sso"]; v.Readiness != NotVerified {
		t.Errorf("sso with a plainly skipped spec: %q, want NOT VERIFIED", v.Readiness)
	}
	srs := replace(green(), 11, na)
	if v := buildWith(srs, allow, fixtures.Gate{}).Platform["sso"]; v.Readiness != NotVerified {
		t.Errorf("sso with only an inapplicable spec: %q, want NOT VERIFIED", v.Readiness)
	}
}

func TestSyncIsProvenByReadBack(t *testing.T) {
	// DV03's API flow passed without reaching the sync step (no check).
	srs := replace(green(), 6, it(types.SpecStatePassed, "", "service:DV03", "kind:e2e", "layer:api"))
	s := buildWith(srs, Meta{Target: TargetInfo{Allow: &Allow{Submit: true, Pay: true}}}, fixtures.Gate{})
	if s.Headline.SyncOK || s.Headline.SyncProven != 2 || s.Headline.SyncCounted != 3 || !s.Gate.RuleFails("dvcqg_sync", "DV03") {
		t.Errorf("headline %+v gate %+v", s.Headline, s.Gate)
	}
}

func TestBlockedOnlyWhenProvenDown(t *testing.T) {
	start := func(hs string) types.SpecReport {
		e := types.ReportEntry{Name: vocab.EntryHealth}
		e.Value = types.WrapEntryValue(hs)
		return types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed, ReportEntries: []types.ReportEntry{e}}
	}
	fail := it(types.SpecStateFailed, "x", "service:DV01", "kind:e2e", "layer:api")
	// Other specs that log in through the SSO passed, which contradicts the
	// start probe: the failing spec's own refused request is the evidence.
	ev := types.ReportEntry{Name: vocab.EntryHealth}
	ev.Value = types.WrapEntryValue(`[{"system":"sso","status":"down","detail":"during the spec: POST /token: connection refused","source":"request"}]`)
	fail.ReportEntries = append(fail.ReportEntries, ev)
	ssoFail := it(types.SpecStateFailed, "x", "system:sso", "kind:platform")
	// unknown (a 404 probe) is not down; a system never blocks its own
	// verdict.
	srs := append([]types.SpecReport{start(`[{"system":"sso","status":"down"},{"system":"dvcqg","status":"unknown"}]`)},
		replace(replace(green(), 0, fail), 11, ssoFail)...)
	s := buildWith(srs, Meta{}, fixtures.Gate{})
	if v := s.Services[0]; v.Readiness != Blocked || len(v.BlockedBy) != 1 || v.BlockedBy[0] != "sso" {
		t.Errorf("DV01 %q by %v, want BLOCKED by sso only (not the unknown dvcqg)", v.Readiness, v.BlockedBy)
	}
	if v := s.Platform["sso"]; v.Readiness != NotReady {
		t.Errorf("sso's own outage is NOT READY, got %q by %v", v.Readiness, v.BlockedBy)
	}
	// The SSO down together with the portal: its own outage decides.
	srs[0] = start(`[{"system":"sso","status":"down"},{"system":"portal","status":"down"}]`)
	if v := buildWith(srs, Meta{}, fixtures.Gate{}).Platform["sso"]; v.Readiness != NotReady {
		t.Errorf("sso and portal down: sso %q by %v, want NOT READY", v.Readiness, v.BlockedBy)
	}
	// The same failures with only the portal down: the portal is the system
	// under test, it never blocks its own services.
	srs[0] = start(`[{"system":"portal","status":"down","detail":"connection refused"}]`)
	portalFail := it(types.SpecStateFailed, "x", "service:DV01", "kind:e2e", "layer:api")
	pev := types.ReportEntry{Name: vocab.EntryHealth}
	pev.Value = types.WrapEntryValue(`[{"system":"portal","status":"down","detail":"during the spec: connection refused","source":"request"}]`)
	portalFail.ReportEntries = append(portalFail.ReportEntries, pev)
	srs[1] = portalFail
	s = buildWith(srs, Meta{}, fixtures.Gate{})
	if v := s.Services[0]; v.Readiness != NotReady {
		t.Errorf("portal down: DV01 %q by %v, want NOT READY", v.Readiness, v.BlockedBy)
	}
	// A probe said down while specs that use the system passed: shown.
	if len(s.HealthNotes) != 1 || s.HealthNotes[0].System != "portal" || s.HealthNotes[0].Passed == 0 {
		t.Errorf("health notes %+v", s.HealthNotes)
	}
}

// TestContradictedProbeBlamesNothing: probes (at the start, and taken when
// a spec failed) that call the gateway and the population database down,
// while the run's own lookups through them passed, blame nothing: a
// database whose lookups worked is not BLOCKED, nor is a service. The
// contradiction is shown as a health note.
func TestContradictedProbeBlamesNothing(t *testing.T) {
	e := types.ReportEntry{Name: vocab.EntryHealth}
	e.Value = types.WrapEntryValue(`[{"system":"gateway","status":"down","detail":"HTTP 503"},{"system":"db:population","status":"down"},{"system":"db:tax","status":"down"}]`)
	setup := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed, ReportEntries: []types.ReportEntry{e}}
	taxFail := it(types.SpecStateFailed, "unknown ID in tax: want 404", "db:tax", "kind:connection")
	taxFail.ReportEntries = append(taxFail.ReportEntries, e) // the probe when it failed: still wrong
	dv01Fail := it(types.SpecStateFailed, "x", "service:DV01", "kind:e2e", "layer:api")
	dv01Fail.ReportEntries = append(dv01Fail.ReportEntries, e)
	srs := []types.SpecReport{setup,
		it(types.SpecStatePassed, "", "db:population", "kind:connection"),
		it(types.SpecStatePassed, "", "db:tax", "kind:connection"), // the lookup worked
		taxFail, dv01Fail,
	}
	s := buildWith(srs, Meta{}, fixtures.Gate{})
	if v := s.NationalDBs["tax"]; v.Readiness != NotReady || len(v.BlockedBy) != 0 {
		t.Errorf("tax %q by %v, want NOT READY (its lookups worked: its own failure)", v.Readiness, v.BlockedBy)
	}
	if v := s.Services[0]; v.Readiness == Blocked {
		t.Errorf("DV01 BLOCKED by %v on probes the run contradicted", v.BlockedBy)
	}
	notes := map[string]bool{}
	for _, n := range s.HealthNotes {
		notes[n.System] = true
	}
	if !notes["gateway"] || !notes["db:population"] || !notes["db:tax"] {
		t.Errorf("health notes %+v, want the contradicted gateway, population and tax", s.HealthNotes)
	}
	// Evidence of the run's own request still blames, whatever passed.
	ev := types.ReportEntry{Name: vocab.EntryHealth}
	ev.Value = types.WrapEntryValue(`[{"system":"db:population","status":"down","detail":"during the spec: gateway answered HTTP 502","source":"request"}]`)
	dv01Fail.ReportEntries = append(dv01Fail.ReportEntries, ev)
	s = buildWith(replace(srs, 4, dv01Fail), Meta{}, fixtures.Gate{})
	if v := s.Services[0]; v.Readiness != Blocked || len(v.BlockedBy) != 1 || v.BlockedBy[0] != "db:population" {
		t.Errorf("DV01 %q by %v, want BLOCKED by db:population (its own request's 502)", v.Readiness, v.BlockedBy)
	}
}

func TestAccessibilityWarningsAreVisible(t *testing.T) {
	a11y := it(types.SpecStatePassed, "", "service:DV01", "kind:a11y", "layer:browser")
	e := types.ReportEntry{Name: vocab.EntryA11yWarn}
	e.Value = types.WrapEntryValue("color-contrast (serious, 3 element(s)): Elements must meet minimum color contrast")
	a11y.ReportEntries = append(a11y.ReportEntries, e)
	s := buildWith(append(green(), a11y), Meta{}, fixtures.Gate{})
	v := s.Services[0]
	if len(v.Warnings) != 1 || !strings.Contains(v.Warnings[0], "color-contrast") {
		t.Fatalf("warnings %v", v.Warnings)
	}
	renderedHas(t, s, "color-contrast")
}

// ruleAt is the gate's rule id; a missing rule fails the test.
func ruleAt(g GateResult, id string) RuleResult {
	for _, r := range g.Rules {
		if r.ID == id {
			return r
		}
	}
	panic("no gate rule " + id)
}

// TestSlowIsNotDown: a system that answered late is never a reason for
// BLOCKED; only "down" is.
func TestSlowIsNotDown(t *testing.T) {
	hs := []SystemHealth{{System: "payment", Status: vocab.HealthSlow, Detail: "answered in 3s"}, {System: "gateway", Status: vocab.HealthDown}}
	if got := downDeps([]string{"payment", "gateway"}, hs, nil, nil); len(got) != 1 || got[0] != "gateway" {
		t.Errorf("down dependencies %v, want only gateway", got)
	}
}
