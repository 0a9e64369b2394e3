package reports

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

// inProvince is a green run's specs for one province (province label and
// text), except SSO, which a run over several provinces checks once.
func inProvince(code string) []types.SpecReport {
	var out []types.SpecReport
	for _, sr := range green() {
		if sr.LeafNodeLabels[0] == "system:sso" {
			continue
		}
		sr.LeafNodeLabels = append(append([]string(nil), sr.LeafNodeLabels...), "province:"+code)
		sr.LeafNodeText = code + " · " + sr.LeafNodeText
		out = append(out, sr)
	}
	return out
}

func provincesRun(srs []types.SpecReport) *Summary {
	sso := it(types.SpecStatePassed, "", "system:sso", "kind:platform")
	return Build(Input{Shards: []Shard{{RunID: "r1", Reports: []types.Report{{SpecReports: append(srs, sso)}}}},
		Catalog: testCatalog(), Meta: Meta{Target: TargetInfo{Provinces: []string{"01", "79"}, Allow: &Allow{Submit: true, Pay: true}}},
		Now: t0})
}

func TestProvincesGreenCountEveryProvince(t *testing.T) {
	s := provincesRun(append(inProvince("01"), inProvince("79")...))
	h := s.Headline
	if h.ProvincesTotal != 2 || h.ProvincesDVCQG != 2 || h.ProvincesDBs != 2 || h.ServicesReady != 3 {
		t.Fatalf("headline %+v, want 2/2 provinces connected to both and 3/3 services", h)
	}
	if len(s.Provinces) != 2 || s.Provinces[0].Province != "01" || s.Provinces[1].Province != "79" {
		t.Fatalf("province rows %+v, want 01 and 79 in the run's order", s.Provinces)
	}
	for _, row := range s.Provinces {
		for _, c := range row.Services {
			if c.Readiness != Ready {
				t.Errorf("province %s %s: %s, want READY", row.Province, c.ID, c.Readiness)
			}
		}
	}
	if !s.Gate.Passed {
		t.Errorf("a green run over two provinces must pass the gate: %+v", s.Gate)
	}
}

// A defect in one province shows in that province's cells only: DV02's API
// flow failed in 79 (its sync step too). Nationally DV02 is NOT READY, 79
// is not connected to DVCQG, 01 is untouched.
func TestProvinceDefectShowsOnlyThere(t *testing.T) {
	srs := inProvince("79")
	for i, sr := range srs {
		if sr.LeafNodeLabels[0] == "service:DV02" && sr.LeafNodeLabels[1] == "kind:e2e" && sr.LeafNodeLabels[2] == "layer:api" {
			f := withChecks(it(types.SpecStateFailed, "sync: DVCQG has no dossier", sr.LeafNodeLabels...), "login", "prefill", "sync")
			f.LeafNodeText = sr.LeafNodeText
			srs[i] = f
		}
	}
	s := provincesRun(append(inProvince("01"), srs...))
	want := map[string]map[string]string{
		"01": {"DV01": Ready, "DV02": Ready, "DV03": Ready},
		"79": {"DV01": Ready, "DV02": NotReady, "DV03": Ready},
	}
	for _, row := range s.Provinces {
		for _, c := range row.Services {
			if c.Readiness != want[row.Province][c.ID] {
				t.Errorf("province %s %s: %s, want %s", row.Province, c.ID, c.Readiness, want[row.Province][c.ID])
			}
		}
	}
	if !s.Provinces[0].DVCQGConnected || s.Provinces[1].DVCQGConnected {
		t.Errorf("DVCQG connected: 01 %v, 79 %v; want true, false", s.Provinces[0].DVCQGConnected, s.Provinces[1].DVCQGConnected)
	}
	h := s.Headline
	if h.ProvincesDVCQG != 1 || h.ProvincesDBs != 2 || h.ServicesReady != 2 {
		t.Errorf("headline %+v, want DVCQG 1/2, databases 2/2, 2/3 services", h)
	}
	if s.Gate.Passed {
		t.Error("the gate passed with DV02 failing in 79")
	}
}

// A check that passed in one province does not stand in for the same check
// not run in another: DV03's browser flow ran only in 01.
func TestProvinceNotRunIsNotCoveredByAnother(t *testing.T) {
	srs := inProvince("79")
	for i, sr := range srs {
		if sr.LeafNodeLabels[0] == "service:DV03" && sr.LeafNodeLabels[2] == "layer:browser" {
			srs[i] = skipped("", sr.LeafNodeLabels...)
		}
	}
	s := provincesRun(append(inProvince("01"), srs...))
	if v := s.Services[2]; v.ID != "DV03" || v.Readiness != NotVerified {
		t.Fatalf("DV03 nationally: %s %s, want NOT VERIFIED", v.ID, v.Readiness)
	}
	if s.Headline.ServicesReady != 2 || s.Headline.ServicesNotVerified != 1 {
		t.Errorf("headline %+v, want 2 READY and 1 not verified", s.Headline)
	}
}

// The same holds for a national database: population's connection spec
// skipped in 79 leaves it NOT VERIFIED nationally, not READY on 01's pass.
func TestProvinceDatabaseNotRunIsNotCoveredByAnother(t *testing.T) {
	srs := inProvince("79")
	for i, sr := range srs {
		if sr.LeafNodeLabels[0] == "db:population" {
			srs[i] = skipped("", sr.LeafNodeLabels...)
		}
	}
	s := provincesRun(append(inProvince("01"), srs...))
	if v := s.NationalDBs["population"]; v.Readiness != NotVerified {
		t.Fatalf("population nationally: %s, want NOT VERIFIED", v.Readiness)
	}
	if s.Headline.DBsReady != 1 || s.Headline.ProvincesDBs != 1 {
		t.Errorf("headline %+v, want 1 database READY nationally and 1/2 provinces connected", s.Headline)
	}
	if s.Gate.Passed {
		t.Error("the gate passed with population not checked in 79")
	}
}
