package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dvcqa/dvcqa/fixtures"

	"github.com/dvcqa/dvcqa/vocab"
)

// evaluateGate applies the target's go-live gate to the verdicts, rule by
// rule, so the report can print each rule, what the run showed, and which
// items keep a rule from passing. Every system is in the gate: services,
// national databases, and the platform (SSO, payment, national portal).
func evaluateGate(s *Summary, g fixtures.Gate, cat *fixtures.Catalog) GateResult {
	var rules []RuleResult
	add := func(r RuleResult) { rules = append(rules, r) }

	add(RuleResult{ID: "suite_setup", Description: "The harness and the target started", DescriptionVI: "Bộ kiểm thử và hệ thống được kiểm thử khởi động được",
		Want: "no setup failure", Got: fmt.Sprintf("%d setup failure(s)", len(s.SuiteFailures)), Passed: len(s.SuiteFailures) == 0})

	// A partial run can be useful, but it cannot decide go-live.
	complete := RuleResult{ID: "complete_run", Description: "A complete run: every suite selected, submitting and paying allowed, every required check ran",
		DescriptionVI: "Lần chạy đầy đủ: không lọc, được nộp hồ sơ và thanh toán, mọi bước bắt buộc đều chạy",
		Want:          "complete", Got: "complete", Passed: len(s.Partial) == 0}
	if len(s.Partial) > 0 {
		var codes []string
		for _, p := range s.Partial {
			codes = append(codes, p.Code)
		}
		complete.Got = "partial: " + strings.Join(codes, ", ")
	}
	add(complete)

	wantSvc := g.ServicesReady
	if wantSvc == 0 {
		wantSvc = len(cat.Services)
	}
	gotSvc := s.Headline.ServicesReady + s.Headline.ServicesWaived
	svc := RuleResult{ID: "services", Description: "Services end to end (toàn trình) READY or WAIVED: " + strings.Join(g.RequiredChecks(), " + ") + " ran and passed",
		DescriptionVI: "Dịch vụ toàn trình đạt (READY hoặc WAIVED): " + strings.Join(g.RequiredChecks(), " + ") + " đã chạy và đạt",
		Want:          fmt.Sprintf("≥ %d/%d", wantSvc, len(cat.Services)), Got: fmt.Sprintf("%d/%d", gotSvc, len(cat.Services)), Passed: gotSvc >= wantSvc}
	if n := s.Headline.ServicesNotVerified; n > 0 {
		svc.Got += fmt.Sprintf(" (%d NOT VERIFIED)", n)
	}
	for _, v := range s.Services {
		if v.Readiness != Ready && v.Readiness != Waived {
			svc.Items = append(svc.Items, v.ID+" "+v.Readiness)
		}
	}
	add(svc)

	wantDB := g.NationalDBsReady
	if wantDB == 0 {
		wantDB = len(cat.Databases)
	}
	db := RuleResult{ID: "national_dbs", Description: "National-database connections READY", DescriptionVI: "Kết nối CSDL quốc gia đạt (READY)",
		Want: fmt.Sprintf("≥ %d/%d", wantDB, len(cat.Databases)), Got: fmt.Sprintf("%d/%d", s.Headline.DBsReady, len(cat.Databases)), Passed: s.Headline.DBsReady >= wantDB}
	for _, id := range SortedKeys(s.NationalDBs) {
		if v := s.NationalDBs[id]; v.Readiness != Ready {
			db.Items = append(db.Items, id+" "+v.Readiness)
		}
	}
	add(db)

	want := g.RequiredPlatform()
	plat := RuleResult{ID: "platform", Description: "Platform systems READY (SSO, payment platform, national portal)",
		DescriptionVI: "Hệ thống nền tảng đạt (SSO, thanh toán, Cổng DVC quốc gia)", Passed: true}
	if len(want) == 0 {
		plat.Want, plat.Got = "none (target profile: platform_ready: [])", "not required"
	} else {
		plat.Want = strings.Join(want, ", ") + " READY"
		var got []string
		for _, sys := range want {
			r := NotVerified
			if v := s.Platform[sys]; v != nil {
				r = v.Readiness
			}
			got = append(got, sys+" "+r)
			if r != Ready && r != Waived {
				plat.Passed = false
				plat.Items = append(plat.Items, sys+" "+r)
			}
		}
		plat.Got = strings.Join(got, ", ")
	}
	add(plat)

	if !g.AllowFlaky {
		add(RuleResult{ID: "no_flaky", Description: "No FLAKY spec (passed only on a retry)", DescriptionVI: "Không có kiểm thử FLAKY (chỉ đạt khi chạy lại)",
			Want: "0", Got: fmt.Sprint(s.Totals.Flaky), Passed: s.Totals.Flaky == 0})
	}
	if !g.IgnoreDVCQGSync {
		h := s.Headline
		got := fmt.Sprintf("chưa đạt / not proven (%d/%d services read back)", h.SyncProven, h.SyncCounted)
		if h.SyncOK {
			got = fmt.Sprintf("đạt / ok (%d/%d services read back)", h.SyncProven, h.SyncCounted)
		}
		sync := RuleResult{ID: "dvcqg_sync", Description: "Status sync to the National Public Service Portal, read back for every service counted",
			DescriptionVI: "Đồng bộ trạng thái lên Cổng DVC quốc gia, đọc lại được cho mọi dịch vụ được tính",
			Want:          "đạt / ok", Got: got, Passed: h.SyncOK}
		if p := s.Platform[vocab.SystemDVCQG]; p != nil && p.Readiness != Ready && p.Readiness != Waived {
			sync.Items = append(sync.Items, "dvcqg "+p.Readiness)
		}
		for _, v := range s.Services {
			if (v.Readiness == Ready && v.Checks[vocab.CheckSync] != CheckPass) || v.Checks[vocab.CheckSync] == CheckFail {
				sync.Items = append(sync.Items, v.ID+" "+vocab.CheckSync+" "+v.Checks[vocab.CheckSync])
			}
		}
		add(sync)
	}
	res := GateResult{Passed: true, Rules: rules}
	for _, r := range rules {
		res.Passed = res.Passed && r.Passed
	}
	return res
}

// ExitCode is dvcqa's exit code for a finished run: 0 the go-live gate
// passed, 1 it failed. (2, the harness could not run, is decided before a
// summary exists.)
func ExitCode(s *Summary) int {
	if s != nil && s.Gate.Passed {
		return 0
	}
	return 1
}

// RuleFails says whether the gate's rule id failed and names item among
// what keeps it from passing (item "DV07", "population", "sso").
func (g GateResult) RuleFails(id, item string) bool {
	for _, r := range g.Rules {
		if r.ID != id || r.Passed {
			continue
		}
		return slices.ContainsFunc(r.Items, func(s string) bool { return strings.HasPrefix(s, item+" ") })
	}
	return false
}
