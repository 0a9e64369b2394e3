package sso_test

import (
	"net/http"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/dvcqa/dvcqa/mocks/defects"
	"github.com/dvcqa/dvcqa/mocks/sso"
)

func TestDefectWrongPasswordAccepted(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "sso-wrong-password-accepted"})
	e := newEnvWith(t, func(o *sso.Options) { o.Defects = set })
	cfg := e.publicConfig()
	verifier := oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL("st", oidc.Nonce("n-1"), oauth2.S256ChallengeOption(verifier))

	// A known citizen with a wrong password is logged in, for real: the
	// code yields the citizen's tokens.
	resp, body := e.login(authURL, citizenID, "sai-mat-khau")
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("wrong password with the defect on: status %d, want 302: %s", resp.StatusCode, body)
	}
	loc, _ := resp.Location()
	tok, err := cfg.Exchange(e.ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange the code of a wrong password: %v", err)
	}
	idt, err := e.provider().Verifier(&oidc.Config{ClientID: publicID, Now: e.clock.Now}).Verify(e.ctx, idToken(t, tok))
	if err != nil {
		t.Fatalf("ID token after a wrong password: %v", err)
	}
	if idt.Subject != citizenID {
		t.Errorf("ID token after a wrong password: sub %q, want %s", idt.Subject, citizenID)
	}

	// Still refused: an empty password, an unknown personal ID.
	for _, c := range []struct{ user, pw string }{{citizenID, ""}, {"009999999999", "sai-mat-khau"}} {
		if resp, _ := e.login(authURL, c.user, c.pw); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("user %s password %q with the defect on: status %d, want 401", c.user, c.pw, resp.StatusCode)
		}
	}

	set.Replace(nil)
	if resp, _ := e.login(authURL, citizenID, "sai-mat-khau"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password after the switch went off: status %d, want 401", resp.StatusCode)
	}
	if resp, body := e.login(authURL, citizenID, citizenPW); resp.StatusCode != http.StatusFound {
		t.Errorf("right password after the switch went off: status %d: %s", resp.StatusCode, body)
	}
}
