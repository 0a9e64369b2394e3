package nationaldb

import (
	"testing"

	"github.com/dvcqa/dvcqa/mocks/defects"
)

// TestDefectRecordsLost: with "<db>-records-lost" every lookup of that
// database is 404 not_found, by any key; another database's switch changes
// nothing.
func TestDefectRecordsLost(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "tax-records-lost"})
	s := newPopulation(t, set)
	if a := get(t, s, "/records?SoDinhDanh=001090012345", true); a.status != 200 || len(a.recs) != 1 {
		t.Fatalf("tax-records-lost changed population: %d", a.status)
	}
	set.Replace([]defects.Switch{{Name: "population-records-lost"}})
	for _, q := range []string{"SoDinhDanh=001090012345", "SoCMND=012345678"} {
		if a := get(t, s, "/records?"+q, true); a.status != 404 || a.err.Code != "not_found" {
			t.Errorf("%s with population-records-lost: %d %+v, want 404 not_found", q, a.status, a.err)
		}
	}
	if a := get(t, s, "/healthz", false); a.status != 200 {
		t.Errorf("healthz with lost records: %d, want 200 (the database is up)", a.status)
	}
}
