package framework

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework/pii"
)

// TestRealAccountsAreMasked: a real target's test accounts are known to the
// masker from Setup (their personal IDs), and a login's ID token teaches it
// the account's name — one no shape rule finds (an Ê Đê name) — so
// failure messages, HTTP excerpts and pages never carry them.
func TestRealAccountsAreMasked(t *testing.T) {
	const name, id = "Ksor H'Bia", "066199001234"
	if !strings.Contains(pii.Mask("xin chào "+name), name) {
		t.Skip("the shape rules already mask the test name: pick another")
	}
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"u1","name":"` + name + `","SoDinhDanh":"` + id + `"}`))
	learnIDToken("eyJhbGciOiJub25lIn0." + payload + ".c2ln")
	for _, s := range []string{"login of " + name + " failed", "Họ và tên: " + name} {
		if got := pii.Mask(s); strings.Contains(got, name) {
			t.Errorf("name not masked after login: %q", got)
		}
	}

	// Setup of a real target learns every account's personal ID, in any
	// shape (here one a rule would miss: split by a dash).
	tgt, cat := mockTarget(t)
	tgt.Kind = fixtures.KindReal
	tgt.Accounts = []fixtures.Account{{PersonalIDEnv: "DVCQA_T_ID", PasswordEnv: "DVCQA_T_PW"}}
	t.Setenv("DVCQA_T_ID", "0661-9900-1234")
	t.Setenv("DVCQA_T_PW", "pw-1")
	tgt.Gateway.ClientSecretEnv, tgt.DVCQG.PasswordEnv, tgt.Payment.SecretEnv = "DVCQA_T_S1", "DVCQA_T_S2", "DVCQA_T_S3"
	t.Setenv("DVCQA_T_S1", "s1")
	t.Setenv("DVCQA_T_S2", "s2")
	t.Setenv("DVCQA_T_S3", "s3")
	tgt.Allow.Submit = false // one account is enough for read-only specs
	if _, err := Setup(tgt, cat); err != nil {
		t.Fatal(err)
	}
	if got := pii.Mask("account 0661-9900-1234 logged in"); strings.Contains(got, "0661-9900-1234") {
		t.Errorf("account ID not masked: %q", got)
	}
}
