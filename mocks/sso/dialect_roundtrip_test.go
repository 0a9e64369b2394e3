package sso_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ssoapi "github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/mocks/sso"
	"github.com/dvcqa/dvcqa/vocab"
)

// The harness's driver (api/sso) against the real mock handler, per
// dialect: login by password, userinfo, refresh, the refresh_token login
// kind, a wrong password, the raw authorization request by POST.

const rtSecret = "wso2-s3cr:t/+"

// newDialectMock mounts the mock under /sso in dialect d and returns the
// driver's client for it, configured as a target profile of d would be.
func newDialectMock(t *testing.T, d string) *ssoapi.Client {
	t.Helper()
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	secret := ""
	if d == vocab.DialectSSOWSO2 {
		secret = rtSecret
	}
	srv, err := sso.New(sso.Options{
		Issuer: ts.URL + "/sso", Dialect: d, Key: testKey(),
		Accounts: []sso.Account{{PersonalID: citizenID, Password: citizenPW, Claims: map[string]string{"HoVaTen": citizenName}}},
		Clients:  []sso.Client{{ID: publicID, Secret: secret, RedirectURIs: []string{redirectURI}, PostLogoutRedirectURIs: []string{loggedOutURI}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/sso/", http.StripPrefix("/sso", srv))
	c := &ssoapi.Client{Issuer: srv.Issuer(), ClientID: publicID, RedirectURI: redirectURI, Dialect: d,
		HTTP: &http.Client{Timeout: 10 * time.Second}}
	if d == vocab.DialectSSOWSO2 {
		c.ClientSecret, c.ClientAuth, c.ACRValues, c.Scopes = secret, ssoapi.AuthBasic, "LoA1", []string{"openid", "profile"}
	}
	return c
}

// RefreshTokenFor is the mock's way to hand out a refresh token for the
// refresh_token login kind: a password login through the driver, whose
// refresh token CI would then keep in sso.refresh_token_env.
func refreshTokenFor(t *testing.T, c *ssoapi.Client) string {
	t.Helper()
	tok, err := c.Login(t.Context(), citizenID, citizenPW)
	if err != nil {
		t.Fatalf("password login for a refresh token: %v", err)
	}
	return tok.RefreshToken
}

func TestDriverRoundTripPerDialect(t *testing.T) {
	for _, d := range vocab.Dialects[vocab.SystemSSO] {
		t.Run(d, func(t *testing.T) {
			c := newDialectMock(t, d)
			tok, err := c.Login(t.Context(), citizenID, citizenPW)
			if err != nil {
				t.Fatalf("Login: %v", err)
			}
			claims, err := ssoapi.Claims(tok.IDToken)
			if err != nil {
				t.Fatal(err)
			}
			wantACR := map[string]any{vocab.DialectSSOOIDC: nil, vocab.DialectSSOWSO2: "LoA1"}[d]
			if claims["acr"] != wantACR || claims["HoVaTen"] != citizenName || claims["iss"] != c.Issuer {
				t.Errorf("ID token acr %v HoVaTen %v iss %v", claims["acr"], claims["HoVaTen"], claims["iss"])
			}
			info, err := c.UserInfo(t.Context(), tok.AccessToken)
			if err != nil || info["SoDinhDanh"] != citizenID {
				t.Errorf("UserInfo = %v, %v", info, err)
			}
			fresh, err := c.Refresh(t.Context(), tok.RefreshToken)
			if err != nil || fresh.IDToken == "" {
				t.Fatalf("Refresh = %+v, %v", fresh, err)
			}
			// The refresh_token login kind, twice: the rotated token is used next.
			tl := c.NewTokenLogin(refreshTokenFor(t, c))
			for i := range 2 {
				got, err := tl.Login(t.Context())
				if err != nil {
					t.Fatalf("token login %d: %v", i, err)
				}
				if sub, err := ssoapi.Subject(got.IDToken); err != nil || sub != citizenID {
					t.Errorf("token login %d names %q, %v", i, sub, err)
				}
			}
			_, err = c.Login(t.Context(), citizenID, "sai-mat-khau")
			if !ssoapi.IsCredentialsRejected(err) {
				t.Errorf("wrong password: %v, want the credentials rejected", err)
			}
			ar := ssoapi.NewAuthRequest(c.Scope())
			ar.Method = http.MethodPost
			a, err := c.Authorize(t.Context(), ar)
			if err != nil || !a.LoginForm || a.Status != http.StatusOK {
				t.Errorf("POST authorize = %+v, %v; want the login form", a, err)
			}
		})
	}
}

// TestDriverDialectMismatchWithMock: the driver configured for one dialect
// against the mock speaking the other fails at discovery, once, naming sso
// and the dialect.
func TestDriverDialectMismatchWithMock(t *testing.T) {
	oidcMock := newDialectMock(t, vocab.DialectSSOOIDC)
	wso2Mock := newDialectMock(t, vocab.DialectSSOWSO2)
	for _, tc := range []struct {
		name   string
		client ssoapi.Client
		want   string
	}{
		{"profile wso2, mock oidc", ssoapi.Client{Issuer: oidcMock.Issuer, Dialect: vocab.DialectSSOWSO2, ClientSecret: "x", ClientAuth: ssoapi.AuthBasic},
			"sso speaks another dialect than wso2"},
		{"profile oidc, mock wso2", ssoapi.Client{Issuer: wso2Mock.Issuer, Dialect: vocab.DialectSSOOIDC},
			"sso speaks another dialect than oidc"},
		{"profile oidc, mock wso2's base URL", ssoapi.Client{Issuer: strings.TrimSuffix(wso2Mock.Issuer, "/oauth2/token"), Dialect: vocab.DialectSSOOIDC},
			"no discovery document for dialect oidc"},
	} {
		c := tc.client
		c.ClientID, c.RedirectURI = publicID, redirectURI
		_, err := c.Login(t.Context(), citizenID, citizenPW)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Login = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// TestDriverSavedSession: in wso2 a login with "remember me" leaves a
// session (commonAuthId) the driver saves to a 0600 file; logins with it
// need no password and get a code at once. The oidc mock remembers
// nothing, so there is no session to save.
func TestDriverSavedSession(t *testing.T) {
	c := newDialectMock(t, vocab.DialectSSOWSO2)
	s, err := c.SaveSession(t.Context(), citizenID, citizenPW)
	if err != nil {
		t.Fatalf("SaveSession: %v", err)
	}
	if s.PersonalID != citizenID || len(s.Cookies) != 1 || s.Cookies[0].Name != "commonAuthId" ||
		s.Expires.Before(time.Now().Add(sso.SessionTTL-time.Minute)) || s.Expires.After(time.Now().Add(sso.SessionTTL+time.Minute)) {
		t.Errorf("session = %+v, want commonAuthId expiring in %s", s, sso.SessionTTL)
	}
	path := t.TempDir() + "/session.json"
	if err := ssoapi.WriteSession(path, s); err != nil {
		t.Fatal(err)
	}
	back, err := ssoapi.ReadSession(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		tok, err := c.LoginWithSession(t.Context(), back)
		if err != nil {
			t.Fatalf("LoginWithSession %d: %v", i, err)
		}
		if sub, _ := ssoapi.Subject(tok.IDToken); sub != citizenID {
			t.Errorf("session login names %q", sub)
		}
	}
	// A forged cookie is no session: the SSO shows its form.
	bad := *back
	bad.Cookies = []ssoapi.SessionCookie{{Name: "commonAuthId", Value: "forged", Path: "/"}}
	if _, err := c.LoginWithSession(t.Context(), &bad); err == nil || !strings.Contains(err.Error(), "no longer valid") {
		t.Errorf("forged session: %v, want it refused", err)
	}
	if _, err := newDialectMock(t, vocab.DialectSSOOIDC).SaveSession(t.Context(), citizenID, citizenPW); err == nil ||
		!strings.Contains(err.Error(), "remember me") {
		t.Errorf("oidc SaveSession = %v, want no session kept", err)
	}
}
