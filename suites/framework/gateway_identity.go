package framework

import (
	"fmt"
	"os"
	"strings"

	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/fixtures"
)

// The gateway's ndxp dialect queries the population database by personal ID
// together with the name and date (or year) of birth. The harness knows
// them for its test citizens: the synthetic citizens' population records on
// a mock target, the variables a real target's accounts name
// (accounts[].full_name_env, accounts[].date_of_birth_env).

// placeholderIdentity is sent with a personal ID that is no test citizen's
// (the unknown-ID and malformed-ID specs): the query still needs a name and
// a date, and these match nobody, so the answer is the ID's own "not found"
// or its refusal.
var placeholderIdentity = gateway.Identity{FullName: "Nguyễn Văn Thử", BirthYear: "1990"}

// gatewayIdentity is the gateway client's Identity source.
func (e *Env) gatewayIdentity(personalID string) (gateway.Identity, error) {
	c, ok := e.citizenByID(personalID)
	if !ok {
		return placeholderIdentity, nil
	}
	if c.identityGap != "" {
		return gateway.Identity{}, fmt.Errorf("the ndxp population query needs the test citizen's name and date of birth: %s", c.identityGap)
	}
	if c.FullName == "" || c.DateOfBirth == "" {
		return gateway.Identity{}, fmt.Errorf("the ndxp population query needs the test citizen's name and date of birth, which the target does not give")
	}
	if len(c.DateOfBirth) == 4 { // only the year is known
		return gateway.Identity{FullName: c.FullName, BirthYear: c.DateOfBirth}, nil
	}
	return gateway.Identity{FullName: c.FullName, DateOfBirth: c.DateOfBirth}, nil
}

func (e *Env) citizenByID(id string) (Citizen, bool) {
	for _, c := range e.citizens {
		if c.PersonalID == id {
			return c, true
		}
	}
	if e.business != nil && e.business.PersonalID == id {
		return *e.business, true
	}
	return Citizen{}, false
}

// accountIdentity reads a real target's account name and date of birth
// (YYYY-MM-DD, or a year) from the variables its profile names; a key that
// is absent or a variable that is empty is noted in identityGap, for the
// error of an ndxp lookup (the rest dialect does not need them).
func accountIdentity(i int, a fixtures.Account, c Citizen) Citizen {
	base := fmt.Sprintf("accounts[%d]", i)
	var gaps []string
	read := func(key, env string) string {
		if env == "" {
			gaps = append(gaps, "set profile key "+base+"."+key)
			return ""
		}
		v := strings.TrimSpace(os.Getenv(env))
		if v == "" {
			gaps = append(gaps, "environment variable "+env+" ("+base+"."+key+") is not set")
		}
		return v
	}
	c.FullName = read("full_name_env", a.FullNameEnv)
	c.DateOfBirth = read("date_of_birth_env", a.DateOfBirthEnv)
	c.identityGap = strings.Join(gaps, "; ")
	return c
}
