package nationaldb

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
)

// The judges below return nil (or no problems) only for what the gateway
// contract prescribes (docs/contracts.md); a transport failure or another
// answer fails the spec. Plain functions, so expect_test.go can prove that
// without a running world.

// refusal: err is the gateway's error answer with this status, code and,
// when field is not "", the offending query parameter.
func refusal(err error, status int, code, field string) error {
	want := fmt.Sprintf("HTTP %d %s", status, code)
	if field != "" {
		want += " naming " + field
	}
	if err == nil {
		return errors.New("accepted; want " + want)
	}
	e, ok := errors.AsType[*gateway.Error](err)
	if !ok {
		return fmt.Errorf("want the gateway's %s, got no answer of the gateway: %w", want, err)
	}
	if e.Status != status || e.Code != code || (field != "" && e.Field != field) {
		return fmt.Errorf("gateway answered HTTP %d %q (field %q), want %s", e.Status, e.Code, e.Field, want)
	}
	return nil
}

// answersQuery: at least one record, and every record has the key asked for.
func answersQuery(recs []gateway.Record, key, value string) error {
	if len(recs) == 0 {
		return errors.New("no record, want the known test citizen's")
	}
	for i, r := range recs {
		if r[key] != value {
			return fmt.Errorf("record %d of %d has another %s than asked (%s)", i+1, len(recs), key, redact.ID(r[key]))
		}
	}
	return nil
}

// fieldProblems: the record has exactly the fields databases.yaml lists.
func fieldProblems(db fixtures.Database, rec map[string]string) []string {
	var p []string
	for _, f := range db.Fields {
		if _, ok := rec[f]; !ok {
			p = append(p, fmt.Sprintf("%s record lacks field %s", db.ID, f))
		}
	}
	for _, f := range slices.Sorted(maps.Keys(rec)) {
		if !slices.Contains(db.Fields, f) {
			p = append(p, fmt.Sprintf("%s record has field %s, which databases.yaml does not list", db.ID, f))
		}
	}
	return p
}

// ownFields are kept by each database for itself: its last update.
var ownFields = []string{"NgayCapNhat"}

// identityProblems compares every field the database shares with the
// population database (the name always; date of birth, gender, address,
// household, birth registration where the database carries them) with the
// population record, and reports each that differs by name only: the
// values are personal data.
func identityProblems(db fixtures.Database, population *fixtures.Database, rec, pop map[string]string) []string {
	if population == nil {
		return []string{"the catalog has no population database to compare with"}
	}
	var p []string
	for _, f := range db.Fields {
		if !slices.Contains(population.Fields, f) || slices.Contains(ownFields, f) || rec[f] == pop[f] {
			continue
		}
		switch f {
		case "SoDinhDanh":
			p = append(p, fmt.Sprintf("%s record has SoDinhDanh %s, the population record %s", db.ID, redact.ID(rec[f]), redact.ID(pop[f])))
		case "HoVaTen":
			p = append(p, db.ID+" name ≠ population name")
		default:
			p = append(p, fmt.Sprintf("%s %s ≠ population %s", db.ID, f, f))
		}
	}
	return p
}

// equalRecords: the same fields with the same values.
func equalRecords(a, b map[string]string) bool { return maps.Equal(a, b) }
