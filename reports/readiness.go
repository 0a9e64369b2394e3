package reports

import (
	"sort"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
)

// item collects the specs of one service, database or platform system.
type item struct {
	v     *Verdict
	specs []*spec
	deps  []string // systems it depends on (health names)
}

// judge gives every item its verdicts, checks and counts.
func judge(s *Summary, specs []*spec, in Input) {
	cat := in.Catalog
	services := map[string]*item{}
	for _, svc := range cat.Services {
		s.Services = append(s.Services, Verdict{ID: svc.ID, NameVI: svc.NameVI, NameEN: svc.NameEN, Agency: svc.Agency})
	}
	for i, svc := range cat.Services {
		deps := []string{"sso", "portal", "dvcqg", "gateway"}
		for _, db := range svc.Databases {
			deps = append(deps, "db:"+db)
		}
		if svc.FeeVND > 0 {
			deps = append(deps, "payment")
		}
		services[svc.ID] = &item{v: &s.Services[i], deps: deps}
	}
	dbs := map[string]*item{}
	for _, db := range cat.Databases {
		v := &Verdict{ID: db.ID, NameVI: db.NameVI, NameEN: db.NameEN, Agency: db.Agency}
		s.NationalDBs[db.ID] = v
		deps := []string{"gateway"}
		if db.ID != "population" {
			// Consistency is judged against the population database.
			deps = append(deps, "db:population")
		}
		dbs[db.ID] = &item{v: v, deps: deps}
	}
	platform := map[string]*item{}
	for _, sp := range specs {
		kind := labelValue(sp.labels, kindPrefix)
		if id := labelValue(sp.labels, servicePrefix); services[id] != nil {
			services[id].specs = append(services[id].specs, sp)
		}
		if db := labelValue(sp.labels, dbPrefix); kind == "connection" && dbs[db] != nil {
			dbs[db].specs = append(dbs[db].specs, sp)
		}
		if sys := labelValue(sp.labels, systemPrefix); kind == "platform" && sys != "" {
			if platform[sys] == nil {
				v := &Verdict{ID: sys, NameVI: platformNames[sys]}
				s.Platform[sys] = v
				// Platform specs go through the portal's form, which
				// prefills from the population database.
				platform[sys] = &item{v: v, deps: []string{sys, "portal", "gateway", "db:population"}}
			}
			platform[sys].specs = append(platform[sys].specs, sp)
		}
	}
	for _, svc := range cat.Services {
		it := services[svc.ID]
		readiness(it, s.Health, in.Waivers, in.Now)
		it.v.Checks = checks(svc, it.specs)
	}
	for _, it := range dbs {
		readiness(it, s.Health, in.Waivers, in.Now)
	}
	for _, it := range platform {
		readiness(it, s.Health, in.Waivers, in.Now)
	}

	s.Totals.ServicesTotal = len(s.Services)
	s.Headline.ServicesTotal = len(s.Services)
	for _, v := range s.Services {
		if v.Verdict == Pass {
			s.Totals.ServicesPassed++
		}
		switch v.Readiness {
		case Ready:
			s.Headline.ServicesReady++
		case Waived:
			s.Headline.ServicesWaived++
		}
	}
	s.Totals.DBsTotal = len(s.NationalDBs)
	s.Headline.DBsTotal = len(s.NationalDBs)
	for _, v := range s.NationalDBs {
		if v.Verdict == Pass {
			s.Totals.DBsPassed++
		}
		if v.Readiness == Ready {
			s.Headline.DBsReady++
		}
	}
	s.Headline.SyncOK = syncOK(s)
}

// readiness sets an item's counts, spec verdict (schema 1) and readiness.
func readiness(it *item, start []SystemHealth, waivers []fixtures.Waiver, now time.Time) {
	v := it.v
	var failed []*spec
	for _, sp := range it.specs {
		v.Seconds += sp.result.Seconds
		switch sp.result.Outcome {
		case Pass:
			v.Passed++
		case "flaky":
			v.Passed++
			v.Flaky++
			for _, a := range sp.attempts {
				v.Failures = append(v.Failures, a)
			}
		case Fail:
			v.Failed++
			failed = append(failed, sp)
			v.Failures = append(v.Failures, sp.attempts...)
			v.Failures = append(v.Failures, *sp.failure)
		default:
			v.Skipped++
		}
	}
	v.Seconds = round3(v.Seconds)
	switch {
	case v.Failed > 0:
		v.Verdict = Fail
	case v.Passed > 0:
		v.Verdict = Pass
	default:
		v.Verdict = Skipped
	}

	switch {
	case v.Passed+v.Failed == 0:
		v.Readiness = NotRun
	case v.Failed > 0:
		if down := downDeps(it.deps, start, failed); len(down) > 0 {
			v.Readiness, v.BlockedBy = Blocked, down
		} else if w := waiverFor(v.ID, failed, waivers, now); w != nil {
			v.Readiness = Waived
			v.Waiver = &WaiverRef{Reason: w.Reason, Ticket: w.Ticket, Owner: w.Owner, Approver: w.Approver, Expires: w.Expires}
		} else {
			v.Readiness = NotReady
		}
	case v.Flaky > 0:
		v.Readiness = Flaky
	default:
		v.Readiness = Ready
	}
}

// downDeps are the item's dependencies found down at the start of the run
// or when one of its specs failed.
func downDeps(deps []string, start []SystemHealth, failed []*spec) []string {
	down := map[string]bool{}
	mark := func(hs []SystemHealth) {
		for _, h := range hs {
			if h.Status != "ok" {
				down[h.System] = true
			}
		}
	}
	mark(start)
	for _, sp := range failed {
		mark(sp.health)
	}
	var out []string
	for _, d := range deps {
		if down[d] {
			out = append(out, d)
		}
	}
	return out
}

// waiverFor is an active waiver covering every failed spec of the item.
func waiverFor(id string, failed []*spec, waivers []fixtures.Waiver, now time.Time) *fixtures.Waiver {
	for i := range waivers {
		w := &waivers[i]
		if !w.Active(now) {
			continue
		}
		all := true
		for _, sp := range failed {
			all = all && w.Covers(id, sp.result.Name)
		}
		if all {
			return w
		}
	}
	return nil
}

// checks fills the service matrix's columns from the service's specs.
func checks(svc fixtures.Service, specs []*spec) map[string]string {
	out := map[string]string{}
	for _, c := range CheckColumns {
		out[c] = CheckNotRun
	}
	set := func(col, res string) { out[col] = worse(out[col], res) }
	for _, sp := range specs {
		layer, kind := labelValue(sp.labels, layerPrefix), labelValue(sp.labels, kindPrefix)
		res := specCheck(sp.result.Outcome)
		if res == "" {
			continue
		}
		switch kind {
		case "e2e":
			set(layer+"_e2e", res)
			for _, col := range []string{"prefill", "payment", "sync", "result"} {
				if layer == "browser" && col == "sync" {
					continue // the national portal is checked over the API
				}
				set(col, stepResult(sp, col))
			}
		case "negative":
			set("negative", res)
		case "a11y":
			set("a11y", res)
		}
	}
	if svc.FeeVND == 0 {
		out["payment"] = CheckNA
	}
	return out
}

func specCheck(outcome string) string {
	switch outcome {
	case Pass:
		return CheckPass
	case Fail:
		return CheckFail
	case "flaky":
		return CheckFlaky
	}
	return ""
}

// stepResult is what an end-to-end spec says of one of its checks.
func stepResult(sp *spec, check string) string {
	reached := false
	for _, c := range sp.checks {
		reached = reached || c.check == check
	}
	switch {
	case sp.result.Outcome == Fail && sp.failure.Check == check:
		return CheckFail
	case !reached:
		return CheckNotReached
	case sp.result.Outcome == "flaky":
		return CheckFlaky
	}
	return CheckPass
}

// worse keeps the more serious of two check results.
func worse(a, b string) string {
	rank := map[string]int{CheckNotRun: 0, CheckNA: 1, CheckPass: 2, CheckNotReached: 3, CheckFlaky: 4, CheckFail: 5}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// syncOK: the national portal sync is proven when its platform specs are
// READY and no service's sync check failed.
func syncOK(s *Summary) bool {
	p := s.Platform["dvcqg"]
	if p == nil || p.Readiness != Ready {
		return false
	}
	for _, v := range s.Services {
		if v.Checks["sync"] == CheckFail {
			return false
		}
	}
	return true
}

// stepTimings: how long each check of the end-to-end flows took (from its
// start to the next check's), per layer, over the specs that passed.
func stepTimings(specs []*spec) []StepTiming {
	type key struct{ layer, check string }
	d := map[key][]float64{}
	for _, sp := range specs {
		if sp.result.Outcome != Pass || labelValue(sp.labels, kindPrefix) != "e2e" || len(sp.checks) < 2 {
			continue
		}
		layer := labelValue(sp.labels, layerPrefix)
		for i := 0; i+1 < len(sp.checks); i++ {
			k := key{layer, sp.checks[i].check}
			d[k] = append(d[k], float64(sp.checks[i+1].at.Sub(sp.checks[i].at).Microseconds())/1000)
		}
	}
	var out []StepTiming
	for k, v := range d {
		sort.Float64s(v)
		out = append(out, StepTiming{Layer: k.layer, Check: k.check, Count: len(v), MedianMS: round3(v[len(v)/2]), MaxMS: round3(v[len(v)-1])})
	}
	order := map[string]int{"login": 0, "catalog": 1, "prefill": 2, "submit": 3, "payment": 4, "processing": 5, "history": 6, "result": 7, "sync": 8, "chain": 9}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Layer != out[j].Layer {
			return out[i].Layer < out[j].Layer
		}
		return order[out[i].Check] < order[out[j].Check]
	})
	return out
}

var platformNames = map[string]string{
	"sso":     "Đăng nhập một lần (SSO / VNeID)",
	"payment": "Nền tảng thanh toán (payment platform)",
	"dvcqg":   "Đồng bộ Cổng DVC quốc gia (national portal sync)",
	"gateway": "Nền tảng chia sẻ dữ liệu (data-exchange gateway)",
}

func sortStrings(s []string) { sort.Strings(s) }
