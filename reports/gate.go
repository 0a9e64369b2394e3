package reports

import (
	"fmt"

	"github.com/dvcqa/dvcqa/fixtures"
)

// evaluateGate applies the target's go-live gate to the verdicts, rule by
// rule, so the report can print each rule and what the run showed.
func evaluateGate(s *Summary, g fixtures.Gate, cat *fixtures.Catalog) GateResult {
	var rules []RuleResult
	add := func(id, en, vi, want, got string, ok bool) {
		rules = append(rules, RuleResult{ID: id, Description: en, DescriptionVI: vi, Want: want, Got: got, Passed: ok})
	}
	add("suite_setup", "The harness and the target started", "Bộ kiểm thử và hệ thống được kiểm thử khởi động được",
		"no setup failure", fmt.Sprintf("%d setup failure(s)", len(s.SuiteFailures)), len(s.SuiteFailures) == 0)

	wantSvc := g.ServicesReady
	if wantSvc == 0 {
		wantSvc = len(cat.Services)
	}
	gotSvc := s.Headline.ServicesReady + s.Headline.ServicesWaived
	add("services", "Services end to end (toàn trình) READY or WAIVED", "Dịch vụ toàn trình đạt (READY hoặc WAIVED)",
		fmt.Sprintf("≥ %d/%d", wantSvc, len(cat.Services)), fmt.Sprintf("%d/%d", gotSvc, len(cat.Services)), gotSvc >= wantSvc)

	wantDB := g.NationalDBsReady
	if wantDB == 0 {
		wantDB = len(cat.Databases)
	}
	add("national_dbs", "National-database connections READY", "Kết nối CSDL quốc gia đạt (READY)",
		fmt.Sprintf("≥ %d/%d", wantDB, len(cat.Databases)), fmt.Sprintf("%d/%d", s.Headline.DBsReady, len(cat.Databases)), s.Headline.DBsReady >= wantDB)

	if !g.AllowFlaky {
		add("no_flaky", "No FLAKY spec (passed only on a retry)", "Không có kiểm thử FLAKY (chỉ đạt khi chạy lại)",
			"0", fmt.Sprint(s.Totals.Flaky), s.Totals.Flaky == 0)
	}
	if !g.IgnoreDVCQGSync {
		got := "chưa đạt / not proven"
		if s.Headline.SyncOK {
			got = "đạt / ok"
		}
		add("dvcqg_sync", "Status sync to the National Public Service Portal", "Đồng bộ trạng thái lên Cổng DVC quốc gia",
			"đạt / ok", got, s.Headline.SyncOK)
	}
	res := GateResult{Passed: true, Rules: rules}
	for _, r := range rules {
		res.Passed = res.Passed && r.Passed
	}
	return res
}
