// Package accounts says which test citizen each spec uses: every (role,
// item) pair its own (Allocate). It is pure (no Ginkgo), so that `dvcqa run`
// checks a target's accounts before anything runs, with the suites' own
// numbers; package framework re-exports it.
package accounts

import (
	"fmt"
	"strings"

	"github.com/dvcqa/dvcqa/fixtures"
)

// Role is a kind of spec that needs test citizens of its own, one per item
// (a service, a platform spec): specs running in parallel must never share
// one citizen's dossiers. How many items each role has comes from the
// catalog (roles below), and Allocate hands every (role, item) pair its own
// citizen.
type Role int

// The roles, in the order they are allocated.
const (
	RoleEndToEnd   Role = iota // the API end-to-end flow of each service
	RoleNegative               // the API negative specs of each service (they submit)
	RoleConnection             // the national-database lookups (read-only)
	RolePlatform               // the SSO, payment and national-portal specs
	RoleBrowser                // the browser specs of each service
	numRoles
)

// PlatformItems is how many citizens the platform specs use
// (suites/platform: Citizen(RolePlatform, 0..PlatformItems-1)).
const PlatformItems = 5

type roleSpec struct {
	name    string
	items   func(*fixtures.Catalog) int
	mutates bool // its specs create dossiers or payments (allow.submit)
}

func perService(c *fixtures.Catalog) int { return len(c.Services) }

var roles = [numRoles]roleSpec{
	RoleEndToEnd:   {"end-to-end", perService, true},
	RoleNegative:   {"negative", perService, true},
	RoleConnection: {"connection", func(*fixtures.Catalog) int { return 1 }, false},
	RolePlatform:   {"platform", func(*fixtures.Catalog) int { return PlatformItems }, true},
	RoleBrowser:    {"browser", perService, true},
}

func (r Role) String() string {
	if r >= 0 && r < numRoles {
		return roles[r].name
	}
	return fmt.Sprintf("Role(%d)", int(r))
}

// Allocation maps each (role, item) pair to one of the target's citizens.
// It is a pure function of the catalog, the number of citizens and whether
// data-mutating specs run, so every Ginkgo process computes the same one.
type Allocation struct {
	first, size [numRoles]int
	available   int
	// Shared says that citizens are shared between pairs, and why; ""
	// when every pair has its own.
	Shared string
}

// Allocate lays the roles out one after another over available citizens.
// With fewer citizens than pairs it refuses, naming how many are needed,
// when data-mutating specs run (mutating: the target's allow.submit);
// otherwise only read-only specs use citizens, and they share them in turn
// (Allocation.Shared says so).
func Allocate(cat *fixtures.Catalog, available int, mutating bool) (*Allocation, error) {
	a := &Allocation{available: available}
	need := 0
	var parts []string
	for r := range numRoles {
		n := roles[r].items(cat)
		a.first[r], a.size[r] = need, n
		need += n
		parts = append(parts, fmt.Sprintf("%s %d", roles[r].name, n))
	}
	if available >= need {
		return a, nil
	}
	what := fmt.Sprintf("%d test citizens, the specs need %d, one per role and item (%s)", available, need, strings.Join(parts, ", "))
	// The first role that runs short, with the accounts it needs (numbered
	// from 1, in the order of accounts:).
	for r := range numRoles {
		if end := a.first[r] + a.size[r]; end > available {
			what += fmt.Sprintf("; role %s needs %d accounts (numbers %d to %d), %d of them missing", roles[r].name, a.size[r], a.first[r]+1, end, end-max(available, a.first[r]))
			break
		}
	}
	if available == 0 || mutating {
		return nil, fmt.Errorf("%s: parallel specs would share a citizen's dossiers; give the target more citizens (accounts:), or set allow.submit: false to run only read-only specs on shared ones", what)
	}
	a.Shared = what + "; shared in turn by read-only specs (allow.submit: false)"
	return a, nil
}

// Need is how many citizens give every pair its own.
func (a *Allocation) Need() int {
	return a.first[numRoles-1] + a.size[numRoles-1]
}

// Index is the citizen (an index into the target's citizens) of the n-th
// item of role. An item beyond the role's size is a harness bug: it panics
// naming the role (Ginkgo reports the panic as the spec's failure).
func (a *Allocation) Index(role Role, n int) int {
	if role < 0 || role >= numRoles || n < 0 || n >= a.size[role] {
		panic(fmt.Sprintf("test citizen %d of role %s asked for; the role has %d (framework.roles)", n, role, a.size[max(0, min(role, numRoles-1))]))
	}
	return (a.first[role] + n) % a.available
}

// Pair is the n-th item of a role.
type Pair struct {
	Role Role
	N    int
}

// Pairs is every (role, item) pair of the catalog, in allocation order.
func Pairs(cat *fixtures.Catalog) []Pair {
	var out []Pair
	for r := range numRoles {
		for n := range roles[r].items(cat) {
			out = append(out, Pair{r, n})
		}
	}
	return out
}
