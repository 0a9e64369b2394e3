package sso_test

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/sso"
	ssomock "github.com/dvcqa/dvcqa/mocks/sso"
)

const (
	citizenID   = "079203001234"
	citizenPW   = "Mk-s3cret"
	citizenName = "Trần Văn Bình"
	clientID    = "dvcqa-portal"
	redirectURI = "http://127.0.0.1:1/portal/79/auth/callback" // never fetched
)

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// newMock starts the real mock provider under /sso and returns a client
// for it. Middleware, if any, wraps the provider.
func newMock(t *testing.T, middleware ...func(http.Handler) http.Handler) *sso.Client {
	t.Helper()
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	srv, err := ssomock.New(ssomock.Options{
		Issuer: ts.URL + "/sso",
		Accounts: []ssomock.Account{{PersonalID: citizenID, Password: citizenPW, Claims: map[string]string{
			"HoVaTen": citizenName, "NgayThangNamSinh": "20030101", "GioiTinh": "1", "ThuongTru": "Phường Bến Thành, TP Hồ Chí Minh",
		}}},
		Clients: []ssomock.Client{{ID: clientID, RedirectURIs: []string{redirectURI}}},
		Key:     testKey(),
	})
	if err != nil {
		t.Fatalf("mock: %v", err)
	}
	var h http.Handler = srv
	for _, m := range middleware {
		h = m(h)
	}
	mux.Handle("/sso/", http.StripPrefix("/sso", h))
	return &sso.Client{Issuer: ts.URL + "/sso", ClientID: clientID, RedirectURI: redirectURI}
}

func TestLoginReturnsVerifiedTokens(t *testing.T) {
	c := newMock(t)
	tok, err := c.Login(t.Context(), citizenID, citizenPW)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.IDToken == "" {
		t.Fatalf("tokens = %+v", tok)
	}
	if d := time.Until(tok.Expiry); d < 9*time.Minute || d > 10*time.Minute {
		t.Errorf("expiry in %v, want about 10m", d)
	}
	v, err := c.Verifier(t.Context())
	if err != nil {
		t.Fatalf("Verifier: %v", err)
	}
	idt, err := v.Verify(t.Context(), tok.IDToken)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	claims, err := sso.Claims(tok.IDToken)
	if err != nil {
		t.Fatalf("Claims: %v", err)
	}
	for k, want := range map[string]any{
		"sub": citizenID, "aud": clientID, "iss": c.Issuer, "SoDinhDanh": citizenID,
		"HoVaTen": citizenName, "NgayThangNamSinh": "20030101", "GioiTinh": "1", "LoaiTaiKhoan": "1",
	} {
		if claims[k] != want {
			t.Errorf("claim %s = %v, want %v", k, claims[k], want)
		}
	}
	if n, _ := claims["nonce"].(string); n == "" || n != idt.Nonce {
		t.Errorf("nonce claim %q", n)
	}

	info, err := c.UserInfo(t.Context(), tok.AccessToken)
	if err != nil {
		t.Fatalf("UserInfo: %v", err)
	}
	if info["sub"] != citizenID || info["ThuongTru"] != "Phường Bến Thành, TP Hồ Chí Minh" {
		t.Errorf("userinfo = %v", info)
	}
}

func TestLoginBadPasswordIsClear(t *testing.T) {
	c := newMock(t)
	_, err := c.Login(t.Context(), citizenID, "wrong")
	want := "sso login: credentials rejected (401): Số định danh hoặc mật khẩu không đúng"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if !sso.IsCredentialsRejected(err) {
		t.Errorf("IsCredentialsRejected(%v) = false, want true", err)
	}
}

// TestLoginFailuresThatAreNotRefusals: a provider that is down, or answers
// the login form with an error page, has not refused the credentials; the
// wrong-password spec must not count that as a refusal.
func TestLoginFailuresThatAreNotRefusals(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // a loopback port nobody listens on any more
	down := &sso.Client{Issuer: closed.URL + "/sso", ClientID: clientID, RedirectURI: redirectURI}
	answering := func(status int) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost && r.URL.Path == "/login" {
					http.Error(w, "upstream error", status)
					return
				}
				next.ServeHTTP(w, r)
			})
		}
	}
	for name, c := range map[string]*sso.Client{
		"unreachable":  down,
		"500 on login": newMock(t, answering(http.StatusInternalServerError)),
		"404 on login": newMock(t, answering(http.StatusNotFound)),
	} {
		_, err := c.Login(t.Context(), citizenID, "wrong")
		if err == nil || sso.IsCredentialsRejected(err) {
			t.Errorf("%s: err = %v, want an error that is not a credentials refusal", name, err)
		}
	}
}

func TestLoginUnregisteredRedirectURI(t *testing.T) {
	c := newMock(t)
	c.RedirectURI = "http://127.0.0.1:1/elsewhere"
	_, err := c.Login(t.Context(), citizenID, citizenPW)
	if err == nil || !strings.HasPrefix(err.Error(), "sso login: authorize: status 400: ") || !strings.Contains(err.Error(), "redirect_uri") {
		t.Errorf("err = %v, want the provider's 400 page message", err)
	}
}

func TestRefreshRotates(t *testing.T) {
	c := newMock(t)
	first, err := c.Login(t.Context(), citizenID, citizenPW)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	second, err := c.Refresh(t.Context(), first.RefreshToken)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if second.IDToken == "" || second.AccessToken == first.AccessToken || second.RefreshToken == first.RefreshToken {
		t.Errorf("refreshed tokens = %+v", second)
	}
	if claims, err := sso.Claims(second.IDToken); err != nil || claims["sub"] != citizenID {
		t.Errorf("refreshed ID token claims %v (%v)", claims, err)
	}
	_, err = c.Refresh(t.Context(), first.RefreshToken)
	if err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("reusing the rotated refresh token: %v, want invalid_grant", err)
	}
}

func TestUserInfoBadToken(t *testing.T) {
	c := newMock(t)
	_, err := c.UserInfo(t.Context(), "bogus")
	if err == nil || !strings.HasPrefix(err.Error(), "sso userinfo: status 401: invalid_token: ") {
		t.Errorf("err = %v", err)
	}
}

// TestLoginChecksNonce: a provider that answers another authorization
// request (here: a replaced nonce) is caught by the nonce check.
func TestLoginChecksNonce(t *testing.T) {
	c := newMock(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/authorize" {
				q := r.URL.Query()
				q.Set("nonce", "replayed")
				r.URL.RawQuery = q.Encode()
			}
			next.ServeHTTP(w, r)
		})
	})
	_, err := c.Login(t.Context(), citizenID, citizenPW)
	if err == nil || !strings.Contains(err.Error(), `ID token nonce "replayed" does not answer the nonce sent`) {
		t.Errorf("err = %v", err)
	}
}
