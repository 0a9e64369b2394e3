package sso_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/sso"
	ssomock "github.com/dvcqa/dvcqa/mocks/sso"
)

const loggedOutURI = "http://127.0.0.1:1/portal/79/"

// newStandardsMock is newMock with a registered post-logout URI.
func newStandardsMock(t *testing.T) *sso.Client {
	t.Helper()
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	srv, err := ssomock.New(ssomock.Options{
		Issuer: ts.URL + "/sso",
		Accounts: []ssomock.Account{{PersonalID: citizenID, Password: citizenPW, Claims: map[string]string{
			"HoVaTen": citizenName, "NgayThangNamSinh": "20030101", "GioiTinh": "1", "ThuongTru": "Phường Bến Thành, TP Hồ Chí Minh",
		}}},
		Clients: []ssomock.Client{{ID: clientID, RedirectURIs: []string{redirectURI}, PostLogoutRedirectURIs: []string{loggedOutURI}}},
		Key:     testKey(),
	})
	if err != nil {
		t.Fatalf("mock: %v", err)
	}
	mux.Handle("/sso/", http.StripPrefix("/sso", srv))
	return &sso.Client{Issuer: ts.URL + "/sso", ClientID: clientID, RedirectURI: redirectURI, HTTP: &http.Client{Timeout: 5 * time.Second}}
}

func TestAuthorizeAnswers(t *testing.T) {
	c := newStandardsMock(t)
	ar := sso.NewAuthRequest("openid")
	if ar.State == "" || ar.Nonce == "" || len(ar.Verifier) < 43 || ar.Method != http.MethodGet {
		t.Fatalf("NewAuthRequest = %+v", ar)
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		ar.Method = method
		a, err := c.Authorize(t.Context(), ar)
		if err != nil || a.Status != http.StatusOK || !a.LoginForm || a.Callback != nil {
			t.Errorf("%s: %+v %v, want the login form", method, a, err)
		}
	}
	ar.Method, ar.Prompt = http.MethodGet, "none"
	a, err := c.Authorize(t.Context(), ar)
	if err != nil || a.Callback == nil || a.Callback.Query().Get("error") != "login_required" || a.Callback.Query().Get("state") != ar.State {
		t.Errorf("prompt=none: %+v %v", a, err)
	}
	ar.Method = "PUT"
	if _, err := c.Authorize(t.Context(), ar); err == nil || !strings.Contains(err.Error(), "want GET or POST") {
		t.Errorf("PUT: %v", err)
	}
}

func TestRawTokenExchanges(t *testing.T) {
	c := newStandardsMock(t)
	ar := sso.NewAuthRequest("openid profile")
	ar.Method = http.MethodPost
	cb, err := c.SignInWith(t.Context(), ar, citizenID, citizenPW)
	if err != nil {
		t.Fatal(err)
	}
	code, err := c.Code(cb, ar.State)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Code(cb, "another state"); err == nil {
		t.Error("Code accepted another state")
	}
	tok, err := c.RedeemCode(t.Context(), code, ar.Verifier)
	if err != nil || tok.Status != http.StatusOK || tok.String("token_type") != "Bearer" || tok.String("scope") != "openid profile" || tok.Members["expires_in"] == nil {
		t.Fatalf("redeem: %+v %v", tok, err)
	}
	again, err := c.RedeemCode(t.Context(), code, ar.Verifier)
	if err != nil || again.Status != http.StatusBadRequest || again.String("error") != "invalid_grant" {
		t.Errorf("replay: %+v %v", again, err)
	}
	info, err := c.UserInfoAnswer(t.Context(), tok.String("access_token"))
	if err != nil || info.Status != http.StatusUnauthorized || !strings.Contains(info.WWWAuthenticate, "invalid_token") {
		t.Errorf("userinfo with a revoked token: %+v %v", info, err)
	}
	none, err := c.UserInfoAnswer(t.Context(), "")
	if err != nil || none.Status != http.StatusUnauthorized || none.WWWAuthenticate != `Bearer realm="sso"` {
		t.Errorf("userinfo without credentials: %+v %v", none, err)
	}

	ar = sso.NewAuthRequest("openid")
	cb, err = c.SignInWith(t.Context(), ar, citizenID, citizenPW)
	if err != nil {
		t.Fatal(err)
	}
	code, _ = c.Code(cb, ar.State)
	tok, err = c.RedeemCode(t.Context(), code, ar.Verifier)
	if err != nil || tok.Status != http.StatusOK {
		t.Fatalf("redeem: %+v %v", tok, err)
	}
	wide, err := c.RefreshScope(t.Context(), tok.String("refresh_token"), "openid profile")
	if err != nil || wide.Status != http.StatusBadRequest || wide.String("error") != "invalid_scope" {
		t.Errorf("wider refresh: %+v %v", wide, err)
	}
	same, err := c.RefreshScope(t.Context(), tok.String("refresh_token"), "")
	if err != nil || same.Status != http.StatusOK || same.String("refresh_token") == "" {
		t.Errorf("refresh: %+v %v", same, err)
	}
}

func TestLogoutAnswers(t *testing.T) {
	c := newStandardsMock(t)
	a, err := c.Logout(t.Context(), loggedOutURI, "s")
	if err != nil || a.Status != http.StatusFound || a.Location != loggedOutURI+"?state=s" {
		t.Errorf("registered: %+v %v", a, err)
	}
	a, err = c.Logout(t.Context(), loggedOutURI+"x", "s")
	if err != nil || a.Status != http.StatusBadRequest || a.Location != "" {
		t.Errorf("unregistered: %+v %v", a, err)
	}
	down := &sso.Client{Issuer: "http://127.0.0.1:1/sso", ClientID: clientID, RedirectURI: redirectURI, HTTP: &http.Client{Timeout: time.Second}}
	if _, err := down.Logout(t.Context(), loggedOutURI, ""); err == nil || !strings.Contains(err.Error(), "sso logout") {
		t.Errorf("provider down: %v", err)
	}
}
