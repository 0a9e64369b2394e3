package reports

import (
	"strings"

	"github.com/dvcqa/dvcqa/vocab"
)

// judgeProvinces fills the province rows and the national headline of a
// run over several provinces: each province is judged by the same rules
// as a whole run, from its own specs plus those that ran once for all (no
// province). A run of one province has no rows.
func judgeProvinces(s *Summary, specs []*spec, in Input) {
	order := provinceOrder(specs, in.Meta.Target.Provinces)
	if len(order) < 2 {
		return
	}
	var subs []*Summary
	for _, code := range order {
		var own []*spec
		for _, sp := range specs {
			if p := sp.result.Province; p == code || p == "" {
				own = append(own, sp)
			}
		}
		sub := &Summary{NationalDBs: map[string]*Verdict{}, Platform: map[string]*Verdict{}, Health: s.Health, Meta: s.Meta}
		judge(sub, own, in)
		subs = append(subs, sub)
		row := ProvinceRow{Province: code, ServicesReady: sub.Headline.ServicesReady, ServicesTotal: sub.Headline.ServicesTotal,
			DBsReady: sub.Headline.DBsReady, DBsTotal: sub.Headline.DBsTotal, SyncOK: sub.Headline.SyncOK,
			DVCQGConnected: dvcqgConnected(sub), DBsConnected: sub.Headline.DBsTotal > 0 && sub.Headline.DBsReady == sub.Headline.DBsTotal}
		for _, v := range sub.Services {
			row.Services = append(row.Services, ProvinceCell{ID: v.ID, Readiness: v.Readiness, Failed: v.Failed})
		}
		s.Provinces = append(s.Provinces, row)
		if row.DVCQGConnected {
			s.Headline.ProvincesDVCQG++
		}
		if row.DBsConnected {
			s.Headline.ProvincesDBs++
		}
	}
	s.Headline.ProvincesTotal = len(order)
	nationalOnlyWhereEveryProvince(s)
	// The same for the national databases and the platform systems: pooled,
	// one province's pass would cover another's skipped check.
	for id, v := range s.NationalDBs {
		if downgrade(v, order, subs, func(sub *Summary) *Verdict { return sub.NationalDBs[id] }) {
			s.Headline.DBsReady--
		}
	}
	for id, v := range s.Platform {
		downgrade(v, order, subs, func(sub *Summary) *Verdict { return sub.Platform[id] })
	}
}

// downgrade makes a READY item NOT VERIFIED when some province's own
// verdict of it is not READY (or WAIVED), naming those provinces; it says
// whether it did.
func downgrade(v *Verdict, order []string, subs []*Summary, of func(*Summary) *Verdict) bool {
	if v.Readiness != Ready {
		return false
	}
	var short []string
	for i, sub := range subs {
		if pv := of(sub); pv == nil || (pv.Readiness != Ready && pv.Readiness != Waived) {
			r := NotVerified
			if pv != nil {
				r = pv.Readiness
			}
			short = append(short, order[i]+" "+r)
		}
	}
	if len(short) == 0 {
		return false
	}
	v.Readiness = NotVerified
	v.Unverified = append(v.Unverified, Unverified{Check: "provinces", Reason: "not READY in every province: " + strings.Join(short, ", ")})
	return true
}

// nationalOnlyWhereEveryProvince: a service is READY nationally only when
// it is READY (or WAIVED) in every province of the run. The national judge
// pools the provinces' specs, so a check that passed in one province would
// otherwise stand in for one that did not run in another.
func nationalOnlyWhereEveryProvince(s *Summary) {
	h := &s.Headline
	for i := range s.Services {
		v := &s.Services[i]
		if v.Readiness != Ready {
			continue
		}
		var short []string
		for _, row := range s.Provinces {
			if c := row.Services[i]; c.Readiness != Ready && c.Readiness != Waived {
				short = append(short, row.Province+" "+c.Readiness)
			}
		}
		if len(short) == 0 {
			continue
		}
		v.Readiness = NotVerified
		v.Unverified = append(v.Unverified, Unverified{Check: "provinces", Reason: "not READY in every province: " + strings.Join(short, ", ")})
		h.ServicesReady--
		h.ServicesNotVerified++
	}
}

// provinceOrder is the run's provinces: as the run named them, else as its
// specs first name them.
func provinceOrder(specs []*spec, named []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, p := range named {
		add(p)
	}
	for _, sp := range specs {
		add(sp.result.Province)
	}
	return out
}

// specProvince is the province a spec ran for: its province label, else
// the shard's (a province run merged).
func specProvince(labels []string, shard string) string {
	if p := vocab.LabelValue(labels, vocab.KeyProvince); p != "" {
		return p
	}
	return shard
}

// dvcqgConnected: the province's portal is connected to the national
// portal when the national-portal specs are READY for it, a dossier of at
// least one service was read back from DVCQG with its status and history,
// and no service's read-back failed. Unlike the headline's sync proof it
// does not wait for services to be READY end to end (browser specs
// included), so an API-only national run can count connections.
func dvcqgConnected(s *Summary) bool {
	p := s.Platform[vocab.SystemDVCQG]
	if p == nil || (p.Readiness != Ready && p.Readiness != Waived) {
		return false
	}
	proven := 0
	for _, v := range s.Services {
		switch v.Checks[vocab.CheckSync] {
		case CheckFail:
			return false
		case CheckPass:
			proven++
		}
	}
	return proven > 0
}
