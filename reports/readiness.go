package reports

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"

	"github.com/dvcqa/dvcqa/vocab"
)

// item collects the specs of one service, database or platform system.
type item struct {
	v        *Verdict
	specs    []*spec
	deps     []string                   // systems it depends on (health names); never the item's own system
	self     string                     // its own health name (sso, db:tax): proven down, it is NOT READY
	required func(*spec) (string, bool) // which required check a spec is; nil = every spec is required
	checks   []string                   // the required checks that must be found among the specs
}

// judge gives every item its verdicts, checks and counts.
func judge(s *Summary, specs []*spec, in Input) {
	cat := in.Catalog
	required := in.Gate.RequiredChecks()
	services := map[string]*item{}
	for _, svc := range cat.Services {
		s.Services = append(s.Services, Verdict{ID: svc.ID, NameVI: svc.NameVI, NameEN: svc.NameEN, Agency: svc.Agency})
	}
	for i, svc := range cat.Services {
		// What a service depends on is catalog data (services.yaml:
		// default_systems, systems); never the portal, the system under
		// test: a portal that is down is NOT READY.
		// The portal is each service's system under test: proven down, the
		// service is NOT READY, never BLOCKED by anything else.
		services[svc.ID] = &item{v: &s.Services[i], deps: svc.Systems, self: vocab.SystemPortal, required: columnOf, checks: required}
	}
	dbs := map[string]*item{}
	for _, db := range cat.Databases {
		v := &Verdict{ID: db.ID, NameVI: db.NameVI, NameEN: db.NameEN, Agency: db.Agency}
		s.NationalDBs[db.ID] = v
		deps := []string{vocab.SystemGateway}
		if db.ID != populationDB {
			// Consistency is judged against the population database.
			deps = append(deps, vocab.DB(populationDB))
		}
		dbs[db.ID] = &item{v: v, deps: deps, self: vocab.DB(db.ID)}
	}
	platform := map[string]*item{}
	// Platform specs go through the portal's form, which prefills from
	// the population database; the system's own outage is NOT READY.
	platformItem := func(sys string) *item {
		v := &Verdict{ID: sys, NameVI: vocab.SystemNames[sys]}
		s.Platform[sys] = v
		return &item{v: v, deps: []string{vocab.SystemPortal, vocab.SystemGateway, vocab.DB(populationDB)}, self: sys}
	}
	for _, sys := range vocab.PlatformSystems {
		platform[sys] = platformItem(sys)
	}
	for _, sp := range specs {
		kind := vocab.LabelValue(sp.labels, vocab.KeyKind)
		if id := vocab.LabelValue(sp.labels, vocab.KeyService); services[id] != nil {
			services[id].specs = append(services[id].specs, sp)
		}
		if db := vocab.LabelValue(sp.labels, vocab.KeyDB); kind == vocab.KindConnection && dbs[db] != nil {
			dbs[db].specs = append(dbs[db].specs, sp)
		}
		if sys := vocab.LabelValue(sp.labels, vocab.KeySystem); kind == vocab.KindPlatform && sys != "" {
			if platform[sys] == nil {
				platform[sys] = platformItem(sys)
			}
			platform[sys].specs = append(platform[sys].specs, sp)
		}
	}
	up := provenUp(specs, cat)
	for _, svc := range cat.Services {
		it := services[svc.ID]
		readiness(it, s.Health, up, in.Waivers, in.Now)
		it.v.Checks = checks(svc, it.specs)
	}
	for _, it := range dbs {
		readiness(it, s.Health, up, in.Waivers, in.Now)
	}
	for _, it := range platform {
		readiness(it, s.Health, up, in.Waivers, in.Now)
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
		case NotVerified:
			s.Headline.ServicesNotVerified++
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
	syncProof(s)
	s.HealthNotes = healthNotes(s, services, dbs, platform)
	s.Partial = partial(s, in)
}

// populationDB is the national database every other one (and every form's
// prefill) is checked against.
const populationDB = "population"

// columnOf is the service-matrix column a spec fills by its own outcome
// (vocab.Columns): api_e2e, browser_e2e, negative, a11y; false when none.
func columnOf(sp *spec) (string, bool) {
	c := specColumn(sp)
	if c == nil {
		return "", false
	}
	return c.ID, true
}

func specColumn(sp *spec) *vocab.Column {
	kind, layer := vocab.LabelValue(sp.labels, vocab.KeyKind), vocab.LabelValue(sp.labels, vocab.KeyLayer)
	for i, c := range vocab.Columns {
		if c.Step == "" && c.Kind == kind && (c.Layer == "" || c.Layer == layer) {
			return &vocab.Columns[i]
		}
	}
	return nil
}

// readiness sets an item's counts, spec verdict (schema 1) and readiness.
// READY rests only on evidence of this run: every required check ran and
// passed. A required check that was skipped, filtered out or could not run
// leaves the item NOT VERIFIED (chưa kiểm chứng), with the reason.
func readiness(it *item, start []SystemHealth, up map[string]bool, waivers []fixtures.Waiver, now time.Time) {
	v := it.v
	var failed, notRun []*spec
	passed := map[string]bool{}
	for _, sp := range it.specs {
		v.Seconds += sp.result.Seconds
		v.Warnings = append(v.Warnings, sp.warnings...)
		check, req := sp.result.Name, true
		if it.required != nil {
			check, req = it.required(sp)
			req = req && slices.Contains(it.checks, check)
		}
		switch sp.result.Outcome {
		case Pass:
			v.Passed++
			passed[check] = true
		case OutcomeFlaky:
			v.Passed++
			v.Flaky++
			passed[check] = true
			v.Failures = append(v.Failures, sp.attempts...)
		case Fail:
			v.Failed++
			failed = append(failed, sp)
			v.Failures = append(v.Failures, sp.attempts...)
			v.Failures = append(v.Failures, *sp.failure)
		default:
			v.Skipped++
			if strings.HasPrefix(sp.skipped, vocab.NotApplicable) {
				continue // the rule does not apply to this target (framework.NotApplicable)
			}
			if req {
				notRun = append(notRun, sp)
				v.Unverified = append(v.Unverified, Unverified{Check: check, Spec: sp.result.Name, Reason: sp.skipped})
			}
		}
	}
	// A required check with no spec at all in the run (another suite
	// package, or a catalog item nothing tests) is not verified either.
	for _, c := range it.checks {
		if passed[c] || hasCheck(v.Unverified, c) || failedCheckOf(it, failed, c) {
			continue
		}
		v.Unverified = append(v.Unverified, Unverified{Check: c, Reason: "no such spec in this run"})
	}
	if it.required == nil && (len(it.specs) == 0 || v.Passed+v.Failed == 0 && len(v.Unverified) == 0) {
		v.Unverified = append(v.Unverified, Unverified{Check: "specs", Reason: "none of its specs ran"})
	}
	sort.SliceStable(v.Unverified, func(i, j int) bool { return v.Unverified[i].Check < v.Unverified[j].Check })
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
	case v.Failed > 0:
		if it.self != "" && len(downDeps([]string{it.self}, start, failed, up)) > 0 {
			// Its own outage is a verdict on it, whatever else is down.
			v.Readiness = NotReady
		} else if down := downDeps(it.deps, start, failed, up); len(down) > 0 {
			v.Readiness, v.BlockedBy = Blocked, down
		} else if w := waiverFor(v.ID, append(failed, notRun...), waivers, now); w != nil && len(v.Unverified) == len(notRun) {
			v.Readiness = Waived
			v.Waiver = waiverRef(w)
		} else {
			v.Readiness = NotReady
		}
	case len(v.Unverified) > 0:
		if w := waiverFor(v.ID, notRun, waivers, now); w != nil && len(notRun) > 0 && len(v.Unverified) == len(notRun) {
			v.Readiness = Waived
			v.Waiver = waiverRef(w)
		} else {
			v.Readiness = NotVerified
		}
	case v.Flaky > 0:
		v.Readiness = Flaky
	default:
		v.Readiness = Ready
	}
}

func hasCheck(us []Unverified, check string) bool {
	for _, u := range us {
		if u.Check == check {
			return true
		}
	}
	return false
}

func failedCheckOf(it *item, failed []*spec, check string) bool {
	for _, sp := range failed {
		if c, _ := it.required(sp); c == check {
			return true
		}
	}
	return false
}

func waiverRef(w *fixtures.Waiver) *WaiverRef {
	return &WaiverRef{Reason: w.Reason, Ticket: w.Ticket, Owner: w.Owner, Approver: w.Approver, Expires: w.Expires}
}

// downDeps are the item's dependencies proven down — by a probe at the
// start of the run or when one of its specs failed, or by the failing
// request itself. "unknown" (no probe, 404) is never down, and neither is a
// system whose probe said down while specs that went through it passed in
// this run (up, see provenUp): the probe is contradicted by the run's own
// evidence (a health note says so). A spec's own failing request is
// evidence whatever passed before.
func downDeps(deps []string, start []SystemHealth, failed []*spec, up map[string]bool) []string {
	down := map[string]bool{}
	mark := func(hs []SystemHealth) {
		for _, h := range hs {
			if h.Status == vocab.HealthDown && (h.Source == sourceRequest || !up[h.System]) {
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

// sourceRequest marks health learnt from a spec's own failing request
// (framework.SourceRequest).
const sourceRequest = "request"

// provenUp are the systems that specs which passed in this run went
// through, by what each kind of spec does: a connection spec asks the
// gateway for its database; an end-to-end flow uses the portal and every
// system its service depends on; a platform spec its own system; any other
// service spec (negative, accessibility) logs in and opens the portal.
func provenUp(specs []*spec, cat *fixtures.Catalog) map[string]bool {
	up := map[string]bool{}
	for _, sp := range specs {
		if sp.result.Outcome != Pass && sp.result.Outcome != OutcomeFlaky {
			continue
		}
		kind := vocab.LabelValue(sp.labels, vocab.KeyKind)
		switch {
		case kind == vocab.KindConnection:
			if db := vocab.LabelValue(sp.labels, vocab.KeyDB); db != "" {
				up[vocab.DB(db)], up[vocab.SystemGateway] = true, true
			}
		case kind == vocab.KindPlatform:
			if sys := vocab.LabelValue(sp.labels, vocab.KeySystem); sys != "" {
				up[sys] = true
			}
		case vocab.LabelValue(sp.labels, vocab.KeyService) != "":
			up[vocab.SystemPortal], up[vocab.SystemSSO] = true, true
			if svc, ok := cat.Service(vocab.LabelValue(sp.labels, vocab.KeyService)); ok && kind == vocab.KindE2E {
				for _, d := range svc.Systems {
					up[d] = true
				}
			}
		}
	}
	return up
}

// healthNotes: systems a probe called down at the start while specs that
// depend on them passed. A probe that contradicts the specs is shown, not
// silently outvoted.
func healthNotes(s *Summary, groups ...map[string]*item) []HealthNote {
	var notes []HealthNote
	for _, h := range s.Health {
		if h.Status != vocab.HealthDown {
			continue
		}
		n := 0
		for _, g := range groups {
			for _, it := range g {
				if it.self != h.System && !slices.Contains(it.deps, h.System) {
					continue
				}
				for _, sp := range it.specs {
					if sp.result.Outcome == Pass || sp.result.Outcome == OutcomeFlaky {
						n++
					}
				}
			}
		}
		if n > 0 {
			notes = append(notes, HealthNote{System: h.System, Detail: h.Detail, Passed: n})
		}
	}
	return notes
}

// partial: why this run cannot decide go-live, however green it is.
func partial(s *Summary, in Input) []PartialReason {
	var out []PartialReason
	if in.Meta.LabelFilter != "" {
		out = append(out, PartialReason{Code: "label_filter", Detail: in.Meta.LabelFilter})
	}
	if a := in.Meta.Target.Allow; a != nil {
		if !a.Submit {
			out = append(out, PartialReason{Code: "no_submit", Detail: "allow.submit: false"})
		}
		if !a.Pay {
			out = append(out, PartialReason{Code: "no_pay", Detail: "allow.pay: false"})
		}
	}
	n := 0
	for _, v := range s.Services {
		if len(v.Unverified) > 0 {
			n++
		}
	}
	for _, v := range s.NationalDBs {
		if len(v.Unverified) > 0 {
			n++
		}
	}
	for _, sys := range in.Gate.RequiredPlatform() {
		if v := s.Platform[sys]; v != nil && len(v.Unverified) > 0 {
			n++
		}
	}
	if n > 0 {
		out = append(out, PartialReason{Code: "not_verified", Detail: fmt.Sprint(n)})
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
		res := specCheck(sp.result.Outcome)
		if res == "" {
			continue
		}
		if c := specColumn(sp); c != nil {
			set(c.ID, res)
		}
		if vocab.LabelValue(sp.labels, vocab.KeyKind) != vocab.KindE2E {
			continue
		}
		// Step columns: how far the end-to-end flow got.
		layer := vocab.LabelValue(sp.labels, vocab.KeyLayer)
		for _, c := range vocab.Columns {
			// A flow of another layer that did report the step counts too:
			// the browser flow checks the national portal when the portal
			// has no API (portal.api: none).
			if c.Step != "" && (c.Layers == nil || slices.Contains(c.Layers, layer) || reachedStep(sp, c.Step)) {
				set(c.ID, stepResult(sp, c.Step))
			}
		}
	}
	if svc.FeeVND == 0 {
		out[vocab.CheckPayment] = CheckNA
	}
	return out
}

func specCheck(outcome string) string {
	switch outcome {
	case Pass:
		return CheckPass
	case Fail:
		return CheckFail
	case OutcomeFlaky:
		return CheckFlaky
	}
	return ""
}

// reachedStep says whether an end-to-end spec reported the check as a step.
func reachedStep(sp *spec, check string) bool {
	return slices.ContainsFunc(sp.checks, func(c checkMark) bool { return c.check == check })
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
	case sp.result.Outcome == OutcomeFlaky:
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

// syncProof: "Đồng bộ DVCQG: đạt" is proven, not assumed. It needs the
// national portal's own specs READY and, for every service counted in the
// ministry line (READY), a dossier submitted in this run and read
// back from the national portal with matching status and history — the
// API end-to-end flow's sync check, passed.
func syncProof(s *Summary) {
	h := &s.Headline
	h.SyncCounted, h.SyncProven = 0, 0
	// WAIVED services are excepted by their waiver, and their flow may
	// have stopped before the sync step: only READY ones are counted.
	for _, v := range s.Services {
		if v.Readiness != Ready {
			continue
		}
		h.SyncCounted++
		if v.Checks[vocab.CheckSync] == CheckPass {
			h.SyncProven++
		}
	}
	failed := false
	for _, v := range s.Services {
		failed = failed || v.Checks[vocab.CheckSync] == CheckFail
	}
	p := s.Platform[vocab.SystemDVCQG]
	h.SyncOK = p != nil && (p.Readiness == Ready || p.Readiness == Waived) && !failed &&
		h.SyncCounted > 0 && h.SyncProven == h.SyncCounted
}

// stepTimings: how long each check of the end-to-end flows took (from its
// start to the next check's), per layer, over the specs that passed.
func stepTimings(specs []*spec) []StepTiming {
	type key struct{ layer, check string }
	d := map[key][]float64{}
	for _, sp := range specs {
		if sp.result.Outcome != Pass || vocab.LabelValue(sp.labels, vocab.KeyKind) != vocab.KindE2E || len(sp.checks) < 2 {
			continue
		}
		layer := vocab.LabelValue(sp.labels, vocab.KeyLayer)
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
	order := map[string]int{}
	for i, c := range vocab.CheckOrder {
		order[c] = i
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Layer != out[j].Layer {
			return out[i].Layer < out[j].Layer
		}
		return order[out[i].Check] < order[out[j].Check]
	})
	return out
}
