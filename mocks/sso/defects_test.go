package sso_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

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

func TestDefectDiscoveryIncomplete(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "sso-discovery-incomplete"})
	e := newEnvWith(t, func(o *sso.Options) { o.Defects = set })
	doc := func() map[string]any {
		t.Helper()
		resp, body := e.get(e.issuer + "/.well-known/openid-configuration")
		var m map[string]any
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &m) != nil {
			t.Fatalf("discovery: status %d: %s", resp.StatusCode, body)
		}
		return m
	}
	m := doc()
	for _, k := range []string{"code_challenge_methods_supported", "grant_types_supported"} {
		if _, has := m[k]; has {
			t.Errorf("discovery with the defect on has %s = %v, want it left out", k, m[k])
		}
	}
	if m["issuer"] != e.issuer || m["token_endpoint"] != e.issuer+"/token" {
		t.Errorf("discovery with the defect on lost more than the two fields: %v", m)
	}
	// PKCE and refresh still work: only the document is wrong.
	if tok := e.loginTokens(); tok.RefreshToken == "" {
		t.Error("login with the defect on issued no refresh token")
	}

	set.Replace(nil)
	m = doc()
	if m["code_challenge_methods_supported"] == nil || m["grant_types_supported"] == nil {
		t.Errorf("discovery after the switch went off: %v", m)
	}
}

func TestDefectUserinfoWrongCitizen(t *testing.T) {
	const otherID, otherName = "001090000001", "Lê Văn Nam" // sorts before citizenID
	set := defects.NewSet(defects.Switch{Name: "sso-userinfo-wrong-citizen"})
	e := newEnvWith(t, func(o *sso.Options) {
		o.Defects = set
		o.Accounts = append(o.Accounts, sso.Account{PersonalID: otherID, Password: "x-other-pw",
			Claims: map[string]string{"HoVaTen": otherName}})
	})
	tok := e.loginTokens()
	info := func() map[string]any {
		t.Helper()
		req, err := http.NewRequestWithContext(e.ctx, http.MethodGet, e.issuer+"/userinfo", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, body := e.do(req)
		var m map[string]any
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &m) != nil {
			t.Fatalf("userinfo: status %d: %s", resp.StatusCode, body)
		}
		return m
	}
	if m := info(); m["sub"] != otherID || m["SoDinhDanh"] != otherID || m["HoVaTen"] != otherName {
		t.Errorf("userinfo of %s with the defect on: %v, want the other citizen %s", citizenID, m, otherID)
	}
	set.Replace(nil)
	if m := info(); m["sub"] != citizenID || m["HoVaTen"] != citizenName {
		t.Errorf("userinfo after the switch went off: %v, want %s", m, citizenID)
	}
}

func TestDefectRefreshNotRotated(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "sso-refresh-not-rotated"})
	e := newEnvWith(t, func(o *sso.Options) { o.Defects = set })
	refresh := func(rt string) (int, map[string]any) {
		t.Helper()
		return e.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {publicID}})
	}
	old := e.loginTokens().RefreshToken
	for i := 1; i <= 3; i++ { // the same token, again and again
		status, m := refresh(old)
		if status != http.StatusOK || m["refresh_token"] != old {
			t.Fatalf("refresh #%d with the defect on: %d %v, want 200 with the same refresh token", i, status, m)
		}
	}

	set.Replace(nil)
	status, m := refresh(old)
	next, _ := m["refresh_token"].(string)
	if status != http.StatusOK || next == "" || next == old {
		t.Fatalf("refresh after the switch went off: %d %v, want a rotated token", status, m)
	}
	status, m = refresh(old)
	wantOAuthError(t, status, m, http.StatusBadRequest, "invalid_grant")
}

// claimsOf reads a JWT's payload without verifying it: the test looks at
// what the SSO wrote.
func claimsOf(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDefectIssuedInFuture(t *testing.T) {
	for _, on := range []bool{false, true} {
		var set *defects.Set
		if on {
			set = defects.NewSet(defects.Switch{Name: "sso-iat-future"})
		}
		e := newEnvWith(t, func(o *sso.Options) { o.Defects = set })
		now := time.Now().Unix()
		c := claimsOf(t, idToken(t, e.loginTokens()))
		iat, exp := int64(c["iat"].(float64)), int64(c["exp"].(float64))
		switch {
		case !on && (iat < now-5 || iat > now+5 || exp <= iat):
			t.Errorf("correct SSO: iat %d exp %d now %d", iat, exp, now)
		case on && (iat < now+60 || exp <= iat):
			t.Errorf("seeded defect: iat %d is not well in the future (now %d) or exp %d not after it", iat, now, exp)
		}
	}
}
