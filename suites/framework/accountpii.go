package framework

import (
	"encoding/json"

	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework/pii"
)

// learnAccounts teaches the masker a real target's test accounts (their
// personal IDs, from the environment) before any spec runs: every artefact
// masks them wherever they appear, also in a shape no rule would find.
func learnAccounts(cs []Citizen) {
	for _, c := range cs {
		pii.Add(redact.KindID, c.PersonalID)
	}
}

// learnIDToken teaches the masker what a login's ID token says of the
// citizen (name, date of birth, personal ID): the token endpoint's answer
// is never logged (a secret), so this is where a real account's name is
// first known. The standard OIDC "name" claim counts as a name too.
func learnIDToken(idToken string) {
	claims, err := sso.Claims(idToken)
	if err != nil {
		return
	}
	if body, err := json.Marshal(claims); err == nil {
		pii.Learn(body)
	}
	for _, k := range []string{"name", "family_name", "given_name"} {
		if v, ok := claims[k].(string); ok {
			pii.Add(redact.KindName, v)
		}
	}
}
