package framework

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	ssomock "github.com/dvcqa/dvcqa/mocks/sso"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestSetupSSODialectWSO2: in dialect wso2 both SSO clients are
// confidential with seed-derived secrets, ask for LoA1, and the SSO's
// requests are told apart by the host's base, not the issuer.
func TestSetupSSODialectWSO2(t *testing.T) {
	tgt, cat := mockTarget(t)
	tgt.URLs.SSO = "http://sso.test/sso/oauth2/token"
	tgt.SSO.Dialect, tgt.SSO.ClientAuth, tgt.SSO.ACRValues = vocab.DialectSSOWSO2, fixtures.SSOAuthBasic, "LoA1"
	e, err := Setup(tgt, cat)
	if err != nil {
		t.Fatal(err)
	}
	if c := e.SSO; c.ClientSecret != fixtures.MockSecret(tgt.Seed, "sso:dvcqa-portal") || c.DialectName() != sso.DialectWSO2 ||
		c.AuthMethod() != sso.AuthBasic || c.ACRValues != "LoA1" || c.Issuer != tgt.URLs.SSO {
		t.Errorf("SSO client = %+v", c)
	}
	if e.ShortSSO.ClientSecret != fixtures.MockSecret(tgt.Seed, "sso:dvcqa-portal-short") {
		t.Error("short-lived client's secret not derived from the seed")
	}
	if got := ssoBase(tgt); got != "http://sso.test/sso" {
		t.Errorf("ssoBase = %q", got)
	}
	if !e.PasswordLogin() {
		t.Error("password is the default login kind")
	}
}

// TestRefreshTokenLoginKind: sso.login refresh_token logs the token's
// citizen in again and again (the rotated token used next), and refuses
// to stand in for another citizen.
func TestRefreshTokenLoginKind(t *testing.T) {
	const id, pw = "001090012345", "Mk-s3cret"
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	tgt, cat := mockTarget(t)
	redirect := tgt.URLs.Portal + "/auth/callback"
	srv, err := ssomock.New(ssomock.Options{Issuer: ts.URL + "/sso",
		Accounts: []ssomock.Account{{PersonalID: id, Password: pw}},
		Clients:  []ssomock.Client{{ID: "dvcqa-portal", RedirectURIs: []string{redirect}}, {ID: "dvcqa-portal-short", RedirectURIs: []string{redirect}}}})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/sso/", http.StripPrefix("/sso", srv))
	// The mock's way to a refresh token: one password login beforehand.
	first, err := (&sso.Client{Issuer: ts.URL + "/sso", ClientID: "dvcqa-portal", RedirectURI: redirect}).Login(t.Context(), id, pw)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("DVCQA_TEST_SSO_REFRESH", first.RefreshToken)
	tgt.URLs.SSO = ts.URL + "/sso"
	tgt.SSO.Login, tgt.SSO.RefreshTokenEnv = fixtures.SSOLoginToken, "DVCQA_TEST_SSO_REFRESH"
	e, err := Setup(tgt, cat)
	if err != nil {
		t.Fatal(err)
	}
	if e.PasswordLogin() {
		t.Error("PasswordLogin with sso.login refresh_token")
	}
	for i := range 2 {
		toks, err := e.login(t.Context(), Citizen{PersonalID: id})
		if err != nil || toks.IDToken == "" {
			t.Fatalf("login %d: %v", i, err)
		}
	}
	_, err = e.login(t.Context(), Citizen{PersonalID: "001090099999"})
	if err == nil || !strings.Contains(err.Error(), "DVCQA_TEST_SSO_REFRESH") || !strings.Contains(err.Error(), "one account") {
		t.Errorf("login as another citizen = %v, want an error naming the variable", err)
	}
	t.Setenv("DVCQA_TEST_SSO_REFRESH", "")
	if _, err := Setup(tgt, cat); err == nil || !strings.Contains(err.Error(), "DVCQA_TEST_SSO_REFRESH") {
		t.Errorf("Setup without the variable = %v", err)
	}
}

// TestSessionLoginKind: sso.login session reads the saved session; an
// expired one stops Setup (hence the run, before any spec) with a message
// naming the file and the expiry; a valid one reports when it expires.
func TestSessionLoginKind(t *testing.T) {
	tgt, cat := mockTarget(t)
	path := t.TempDir() + "/session.json"
	tgt.SSO.Login, tgt.SSO.SessionFile = fixtures.SSOLoginSess, path
	s := &sso.Session{Issuer: tgt.URLs.SSO, ClientID: "dvcqa-portal", PersonalID: "001090012345",
		SavedAt: time.Now().Add(-9 * time.Hour).UTC(), Expires: time.Now().Add(-time.Hour).UTC(),
		Cookies: []sso.SessionCookie{{Name: "commonAuthId", Value: "v", Path: "/sso/"}}}
	if err := sso.WriteSession(path, s); err != nil {
		t.Fatal(err)
	}
	_, err := Setup(tgt, cat)
	if err == nil || !strings.Contains(err.Error(), "expired at "+s.Expires.Format(time.RFC3339)) || !strings.Contains(err.Error(), path) ||
		!strings.Contains(err.Error(), "dvcqa auth save") {
		t.Errorf("Setup with an expired session = %v", err)
	}
	s.Expires = time.Now().Add(2 * time.Hour).UTC()
	if err := sso.WriteSession(path, s); err != nil {
		t.Fatal(err)
	}
	e, err := Setup(tgt, cat)
	if err != nil {
		t.Fatal(err)
	}
	if e.PasswordLogin() || !strings.Contains(e.SSOSessionNote(), s.Expires.Format(time.RFC3339)) {
		t.Errorf("session env: password login %v, note %q", e.PasswordLogin(), e.SSOSessionNote())
	}
}
