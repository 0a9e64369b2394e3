package framework

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
)

// ContractTotals sums the ContractEntry records of a run's specs.
type ContractTotals struct {
	Specs      int     // specs with a record
	Validated  int     // exchanges validated
	Deliberate int     // requests marked deliberately invalid
	Violations int     // exchanges that broke the contract
	Millis     float64 // time spent validating
	Operations map[string]int
}

// SumContract adds up the contract records of specs (e.g. a run's
// combined Ginkgo report).
func SumContract(specs types.SpecReports) (ContractTotals, error) {
	var t ContractTotals
	for _, sr := range specs {
		for _, e := range sr.ReportEntries {
			if e.Name != ContractEntry {
				continue
			}
			var r ContractReport
			if err := json.Unmarshal([]byte(fmt.Sprint(e.GetRawValue())), &r); err != nil {
				return t, fmt.Errorf("%s entry of %q: %w", ContractEntry, sr.FullText(), err)
			}
			t.Specs++
			t.Validated += r.Validated
			t.Deliberate += r.Deliberate
			t.Violations += len(r.Violations)
			t.Millis += r.Millis
			for op, n := range r.Operations {
				if t.Operations == nil {
					t.Operations = map[string]int{}
				}
				t.Operations[op] += n
			}
		}
	}
	return t, nil
}

// One line at the end of the run, over every process's specs, so that the
// count of validated exchanges is visible without opening a report.
var _ = ginkgo.ReportAfterSuite("portal contract totals", func(r ginkgo.Report) {
	t, err := SumContract(r.SpecReports)
	if err != nil {
		fmt.Fprintf(os.Stderr, "portal contract: %v\n", err)
		return
	}
	if t.Specs == 0 {
		return
	}
	fmt.Fprintf(os.Stdout, "portal contract: %d exchanges validated in %d specs (%.0f ms validating), %d deliberately invalid requests, %d violations\n",
		t.Validated, t.Specs, t.Millis, t.Deliberate, t.Violations)
	ops := slices.Sorted(maps.Keys(t.Operations))
	for _, op := range ops {
		fmt.Fprintf(os.Stdout, "  %5d  %s\n", t.Operations[op], op)
	}
})
