package accounts

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
)

func catalogOf(services int) *fixtures.Catalog {
	c := &fixtures.Catalog{}
	for i := range services {
		c.Services = append(c.Services, fixtures.Service{ID: fmt.Sprintf("DV%02d", i+1)})
	}
	return c
}

func pairs(cat *fixtures.Catalog) []Pair { return Pairs(cat) }

// Every (role, item) pair gets its own citizen, also for a 26th service,
// which hand-numbered offsets gave another spec's citizen.
func TestAllocateGivesEveryPairItsOwnCitizen(t *testing.T) {
	for _, services := range []int{25, 26} {
		cat := catalogOf(services)
		a, err := Allocate(cat, 200, true)
		if err != nil {
			t.Fatal(err)
		}
		if want := 3*services + 1 + PlatformItems; a.Need() != want {
			t.Errorf("%d services: need %d, want %d", services, a.Need(), want)
		}
		owner := map[int]Pair{}
		for _, p := range pairs(cat) {
			i := a.Index(p.Role, p.N)
			if other, taken := owner[i]; taken {
				t.Errorf("%d services: citizen %d given to %s #%d and %s #%d", services, i, other.Role, other.N, p.Role, p.N)
			}
			owner[i] = p
		}
		if a.Shared != "" {
			t.Errorf("enough citizens, yet shared: %s", a.Shared)
		}
	}
}

// Two processes allocating from the same inputs agree.
func TestAllocateIsDeterministic(t *testing.T) {
	cat := catalogOf(25)
	a, _ := Allocate(cat, 100, true)
	b, _ := Allocate(cat, 100, true)
	for _, p := range pairs(cat) {
		if a.Index(p.Role, p.N) != b.Index(p.Role, p.N) {
			t.Fatalf("%s #%d: %d and %d", p.Role, p.N, a.Index(p.Role, p.N), b.Index(p.Role, p.N))
		}
	}
}

func TestAllocateWithTooFewCitizens(t *testing.T) {
	cat := catalogOf(26)
	_, err := Allocate(cat, 60, true)
	if err == nil || !strings.Contains(err.Error(), "60 test citizens, the specs need 84") ||
		!strings.Contains(err.Error(), "end-to-end 26") || !strings.Contains(err.Error(), "allow.submit: false") {
		t.Errorf("too few citizens with data-mutating specs: %v", err)
	}
	// The role that runs short, with the accounts it needs.
	if err == nil || !strings.Contains(err.Error(), "role browser needs 26 accounts (numbers 59 to 84), 24 of them missing") {
		t.Errorf("too few citizens: %v, want the short role named", err)
	}
	if _, err := Allocate(cat, 10, true); err == nil || !strings.Contains(err.Error(), "role end-to-end needs 26 accounts (numbers 1 to 26), 16 of them missing") {
		t.Errorf("10 citizens: %v", err)
	}
	if _, err := Allocate(cat, 0, false); err == nil {
		t.Error("no citizens at all: no error")
	}
	// Read-only specs only (a real portal with two accounts): shared, said so.
	a, err := Allocate(cat, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Shared, "2 test citizens, the specs need 84") {
		t.Errorf("Shared = %q", a.Shared)
	}
	for _, p := range pairs(cat) {
		if i := a.Index(p.Role, p.N); i < 0 || i >= 2 {
			t.Errorf("%s #%d: citizen %d of 2", p.Role, p.N, i)
		}
	}
}

func TestAllocateRefusesAnItemBeyondItsRole(t *testing.T) {
	a, _ := Allocate(catalogOf(25), 100, true)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "role platform asked for; the role has 5") {
			t.Errorf("want a panic naming the role, got %v", r)
		}
	}()
	a.Index(RolePlatform, PlatformItems)
}

// The mock world has enough applicants in every province for the catalog:
// a catalog that outgrows citizens.MinApplicants fails here, by numbers.
func TestMockWorldHasACitizenForEveryPair(t *testing.T) {
	cat, err := fixtures.Load()
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := fixtures.DefaultTarget(cat)
	if err != nil {
		t.Fatal(err)
	}
	w, err := citizens.Generate(cat.Provinces, cat.Databases, tgt.Seed, citizens.DefaultPerProvince)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cat.Provinces {
		n := len(w.Applicants(p.Code))
		if _, err := Allocate(cat, n, true); err != nil {
			t.Errorf("province %s: %v (raise citizens.MinApplicants)", p.Code, err)
		}
	}
}
