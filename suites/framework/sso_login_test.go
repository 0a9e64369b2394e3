package framework

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
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
	const id = "001090012345"
	// A provider of the refresh grant only, rotating its token as the
	// mock SSO does (suites never build with the mocks: a fake here; the
	// driver against the mock SSO is proven in mocks/sso's tests).
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	issuer := ts.URL + "/sso"
	mux.HandleFunc("/sso/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":"%[1]s/authorize","token_endpoint":"%[1]s/token",`+
			`"userinfo_endpoint":"%[1]s/userinfo","jwks_uri":"%[1]s/jwks","response_types_supported":["code"],`+
			`"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}`, issuer)
	})
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	current := "rt-1"
	mux.HandleFunc("/sso/token", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.PostFormValue("grant_type") != "refresh_token" || r.PostFormValue("refresh_token") != current {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		current += "x"
		now := time.Now().Unix()
		claims := fmt.Sprintf(`{"iss":%q,"aud":"dvcqa-portal","sub":"s","SoDinhDanh":%q,"iat":%d,"exp":%d}`, issuer, id, now, now+600)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"at","token_type":"Bearer","expires_in":600,"refresh_token":%q,"id_token":%q}`, current, signRS256(t, key, claims))
	})
	mux.HandleFunc("/sso/jwks", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":%q,"e":"AQAB"}]}`,
			base64.RawURLEncoding.EncodeToString(key.N.Bytes()))
	})
	tgt, cat := mockTarget(t)
	t.Setenv("DVCQA_TEST_SSO_REFRESH", "rt-1")
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

// signRS256 makes a compact JWS of claims (kid k1), as an SSO signs its ID
// tokens.
func signRS256(t *testing.T, key *rsa.PrivateKey, claims string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	in := enc.EncodeToString([]byte(`{"alg":"RS256","kid":"k1","typ":"JWT"}`)) + "." + enc.EncodeToString([]byte(claims))
	sum := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return in + "." + enc.EncodeToString(sig)
}
