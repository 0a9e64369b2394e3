package reports

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/vocab"
)

// apiNoneSkip is how framework.Framework.Portal ends a spec on a target
// whose portal has no dvcqa citizen API (a copy: reports never import the
// suites).
const apiNoneSkip = "portal.api: none: this check uses dvcqa's citizen API of the portal (fixtures/openapi/portal.yaml), which the target's portal does not have"

// apiNoneRun is a run on a portal without the citizen API: every API spec
// of a service skipped with the reason, the browser flow passed, the
// national portal read back by the browser flow (its sync step).
func apiNoneRun() []types.SpecReport {
	var srs []types.SpecReport
	for _, id := range []string{"DV01", "DV02", "DV03"} {
		srs = append(srs,
			skipped(apiNoneSkip, "service:"+id, "kind:e2e", "layer:api"),
			withChecks(it(types.SpecStatePassed, "", "service:"+id, "kind:e2e", "layer:browser"), "login", "catalog", "prefill", "submit", "processing", "sync", "history", "result"),
			skipped(apiNoneSkip, "service:"+id, "kind:negative", "layer:api"),
			it(types.SpecStatePassed, "", "service:"+id, "kind:negative", "layer:browser"))
	}
	for _, x := range []string{"db:population", "db:tax"} {
		srs = append(srs, it(types.SpecStatePassed, "", x, "kind:connection"))
	}
	for _, sys := range []string{"system:sso", "system:payment", "system:dvcqg"} {
		srs = append(srs, it(types.SpecStatePassed, "", sys, "kind:platform"))
	}
	return srs
}

// The gate portal.api none gives by default (fixtures: browser_e2e only):
// services whose browser flow passed are READY although their API specs
// were NOT RUN, the sync is proven by the browser flow, the gate passes; the
// API checks stay NOT RUN, with the reason, never a pass.
func TestPortalAPINoneJudgesServicesOnTheBrowserFlow(t *testing.T) {
	allow := Meta{Target: TargetInfo{Allow: &Allow{Submit: true, Pay: true}, PortalAPI: "none"}}
	gate := fixtures.Gate{Require: []string{vocab.E2EColumn(vocab.LayerBrowser)}}
	s := buildWith(apiNoneRun(), allow, gate)
	for _, v := range s.Services {
		if v.Readiness != Ready || len(v.Unverified) != 0 || v.Skipped != 2 || v.Passed != 2 {
			t.Errorf("%s: %q unverified %+v skipped %d passed %d, want READY on the browser flow", v.ID, v.Readiness, v.Unverified, v.Skipped, v.Passed)
		}
		if c := v.Checks; c["api_e2e"] != CheckNotRun || c["browser_e2e"] != CheckPass || c[vocab.CheckSync] != CheckPass || c["negative"] != CheckPass {
			t.Errorf("%s checks %v: want api_e2e not run, browser_e2e and sync (read back by the browser flow) passed", v.ID, c)
		}
	}
	if !s.Gate.Passed || ExitCode(s) != 0 || !s.Headline.SyncOK {
		t.Fatalf("gate %+v sync %v: want passed", s.Gate, s.Headline.SyncOK)
	}
	if s.Totals.Skipped != 6 || s.Totals.Failed != 0 {
		t.Errorf("totals %+v: want the 6 API specs skipped, none failed", s.Totals)
	}
	n := 0
	for _, sp := range s.Specs {
		if vocab.LabelValue(sp.Labels, vocab.KeyLayer) == vocab.LayerAPI && vocab.LabelValue(sp.Labels, vocab.KeyService) != "" {
			if sp.Outcome != Skipped || sp.SkipReason != apiNoneSkip {
				t.Errorf("%s: %s %q, want skipped naming portal.api: none", sp.Name, sp.Outcome, sp.SkipReason)
			}
			n++
		}
	}
	if n != 6 {
		t.Errorf("%d API specs of services, want 6", n)
	}
	tableHas(t, s, "Toàn trình: 3/3 dịch vụ", "Đồng bộ DVCQG: đạt", "browser_e2e ran and passed",
		"Not run (the spec said why):", "portal.api: none — the portal has no dvcqa citizen API", "  - 6 spec(s): portal.api: none: this check uses dvcqa's citizen API")

	// The same run under the default gate of portal.api dvcqa (both flows):
	// the skipped API flow leaves every service NOT VERIFIED, naming why.
	s = buildWith(apiNoneRun(), allow, fixtures.Gate{})
	for _, v := range s.Services {
		if v.Readiness != NotVerified || len(v.Unverified) != 1 || v.Unverified[0].Check != "api_e2e" || !strings.HasPrefix(v.Unverified[0].Reason, "portal.api: none") {
			t.Errorf("%s under both flows: %q %+v, want NOT VERIFIED: api_e2e (portal.api: none)", v.ID, v.Readiness, v.Unverified)
		}
	}
	if s.Gate.Passed {
		t.Error("a gate requiring api_e2e cannot pass when the API flow never ran")
	}

	// A browser flow that fails at the national portal fails the sync.
	srs := apiNoneRun()
	srs[1] = withChecks(it(types.SpecStateFailed, "national portal history of dossier X ≠ the catalog workflow", "service:DV01", "kind:e2e", "layer:browser"),
		"login", "catalog", "prefill", "submit", "processing", "sync")
	s = buildWith(srs, allow, gate)
	if v := s.Services[0]; v.Readiness != NotReady || v.Checks[vocab.CheckSync] != CheckFail || v.Checks["browser_e2e"] != CheckFail {
		t.Errorf("DV01 failed at sync: %q checks %v", v.Readiness, v.Checks)
	}
	if s.Gate.Passed || s.Headline.SyncOK || !s.Gate.RuleFails("dvcqg_sync", "DV01") {
		t.Errorf("gate %+v: a failed read-back fails the sync rule", s.Gate)
	}
}
