package services

import (
	"regexp"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/mocks/defects"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// TestEverySpecKindHasASeededDefect: for each kind of service spec, some
// seeded defect's self-test selects a spec of that kind (its filter matches
// the spec's labels) and declares it must fail (its expected specs match the
// spec's text). The self-test (package selftest) then proves it does.
func TestEverySpecKindHasASeededDefect(t *testing.T) {
	cat := framework.Catalog()
	if len(cat.Services) == 0 {
		t.Fatal("the catalog did not load")
	}
	layers := []struct {
		container string
		layer     ginkgo.Labels
		kinds     []specKind
	}{{apiContainer, framework.LayerAPI, apiKinds}, {browserContainer, framework.LayerBrowser, browserKinds}}
	for _, l := range layers {
		for _, k := range l.kinds {
			var by []string
			for _, d := range defects.All() {
				if catches(t, d, func(yield func(text string, labels []string) bool) {
					for _, svc := range cat.Services {
						labels := append(append(append([]string{}, l.layer...), framework.ServiceLabels(svc)...), k.kind...)
						if !yield(l.container+" "+svc.ID+" "+svc.NameVI+" "+k.text, labels) {
							return
						}
					}
				}) {
					by = append(by, d.Name)
				}
			}
			if len(by) == 0 {
				t.Errorf("%s %q: no seeded defect proves it can fail", l.layer[0], k.text)
				continue
			}
			t.Logf("%s %q: %s", l.layer[0], k.text, strings.Join(by, ", "))
		}
	}
}

// catches reports whether the defect's self-test expects one of the specs
// to fail.
func catches(t *testing.T, d defects.Defect, specs func(yield func(text string, labels []string) bool)) bool {
	t.Helper()
	filter, err := types.ParseLabelFilter(d.Filter)
	if err != nil {
		t.Fatalf("defect %s: filter %q: %v", d.Name, d.Filter, err)
	}
	found := false
	specs(func(text string, labels []string) bool {
		if !filter(labels) {
			return true
		}
		for _, p := range d.ExpectedSpecs {
			if regexp.MustCompile(p).MatchString(text) {
				found = true
				return false
			}
		}
		return true
	})
	return found
}
