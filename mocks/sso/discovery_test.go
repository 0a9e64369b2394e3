package sso_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/mocks/sso"
)

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	resp, body := e.get(e.issuer + "/healthz")
	var m map[string]string
	if err := json.Unmarshal(body, &m); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d %s (%v)", resp.StatusCode, body, err)
	}
	if m["status"] != "ok" || m["system"] != "sso" || m["version"] != "mock-1" {
		t.Errorf("healthz = %v", m)
	}
}

func TestDiscoveryDocument(t *testing.T) {
	e := newEnv(t)
	resp, body := e.get(e.issuer + "/.well-known/openid-configuration")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("discovery: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var d struct {
		Issuer                            string   `json:"issuer"`
		AuthorizationEndpoint             string   `json:"authorization_endpoint"`
		TokenEndpoint                     string   `json:"token_endpoint"`
		UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
		JWKSURI                           string   `json:"jwks_uri"`
		EndSessionEndpoint                string   `json:"end_session_endpoint"`
		ResponseTypesSupported            []string `json:"response_types_supported"`
		GrantTypesSupported               []string `json:"grant_types_supported"`
		CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
		IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
		SubjectTypesSupported             []string `json:"subject_types_supported"`
		ScopesSupported                   []string `json:"scopes_supported"`
		TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
		ClaimsSupported                   []string `json:"claims_supported"`
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, got, path string }{
		{"issuer", d.Issuer, ""},
		{"authorization_endpoint", d.AuthorizationEndpoint, "/authorize"},
		{"token_endpoint", d.TokenEndpoint, "/token"},
		{"userinfo_endpoint", d.UserinfoEndpoint, "/userinfo"},
		{"jwks_uri", d.JWKSURI, "/jwks"},
		{"end_session_endpoint", d.EndSessionEndpoint, "/logout"},
	} {
		if c.got != e.issuer+c.path {
			t.Errorf("%s = %q, want %q", c.name, c.got, e.issuer+c.path)
		}
	}
	for name, c := range map[string]struct{ got, want []string }{
		"response_types_supported":              {d.ResponseTypesSupported, []string{"code"}},
		"grant_types_supported":                 {d.GrantTypesSupported, []string{"authorization_code", "refresh_token"}},
		"code_challenge_methods_supported":      {d.CodeChallengeMethodsSupported, []string{"S256"}},
		"id_token_signing_alg_values_supported": {d.IDTokenSigningAlgValuesSupported, []string{"RS256"}},
		"subject_types_supported":               {d.SubjectTypesSupported, []string{"public"}},
		"scopes_supported":                      {d.ScopesSupported, []string{"openid", "profile", "address", "phone", "email"}},
		"token_endpoint_auth_methods_supported": {d.TokenEndpointAuthMethodsSupported, []string{"none", "client_secret_basic", "client_secret_post"}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %v, want %v", name, c.got, c.want)
		}
	}
}

// TestJWKSVerifiesIDToken checks the published key by hand with crypto/rsa.
func TestJWKSVerifiesIDToken(t *testing.T) {
	e := newEnv(t)
	raw := idToken(t, e.loginTokens())

	_, body := e.get(e.issuer + "/jwks")
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("jwks %s: %v", body, err)
	}
	k := set.Keys[0]
	if k["kty"] != "RSA" || k["alg"] != "RS256" || k["use"] != "sig" || k["kid"] == "" {
		t.Errorf("jwk = %v", k)
	}
	n, errN := base64.RawURLEncoding.DecodeString(k["n"])
	eb, errE := base64.RawURLEncoding.DecodeString(k["e"])
	if errN != nil || errE != nil {
		t.Fatalf("jwk n/e not base64url: %v %v", errN, errE)
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(eb).Int64())}

	parts := strings.Split(raw, ".")
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	var h map[string]string
	if err := json.Unmarshal(hb, &h); err != nil {
		t.Fatal(err)
	}
	if h["alg"] != "RS256" || h["typ"] != "JWT" || h["kid"] != k["kid"] {
		t.Errorf("header = %v, want RS256/JWT/kid %s", h, k["kid"])
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		t.Errorf("ID token signature does not verify with the JWKS key: %v", err)
	}
	tampered := parts[0] + "." + parts[1] + "x." + parts[2]
	sum = sha256.Sum256([]byte(strings.Join(strings.Split(tampered, ".")[:2], ".")))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) == nil {
		t.Error("tampered payload verified")
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	key := testKey()
	ok := sso.Client{ID: "c", RedirectURIs: []string{"http://x.test/cb"}}
	for name, opts := range map[string]sso.Options{
		"no issuer":         {Key: key},
		"relative issuer":   {Issuer: "/sso", Key: key},
		"short personal ID": {Issuer: "http://x.test/sso", Key: key, Accounts: []sso.Account{{PersonalID: "123", Password: "p"}}},
		"empty password":    {Issuer: "http://x.test/sso", Key: key, Accounts: []sso.Account{{PersonalID: citizenID}}},
		"duplicate client":  {Issuer: "http://x.test/sso", Key: key, Clients: []sso.Client{ok, ok}},
		"no redirect URI":   {Issuer: "http://x.test/sso", Key: key, Clients: []sso.Client{{ID: "c"}}},
		"relative redirect": {Issuer: "http://x.test/sso", Key: key, Clients: []sso.Client{{ID: "c", RedirectURIs: []string{"/cb"}}}},
		"sub-second TTL":    {Issuer: "http://x.test/sso", Key: key, Clients: []sso.Client{{ID: "c", RedirectURIs: ok.RedirectURIs, TokenTTL: 1}}},
	} {
		if _, err := sso.New(opts); err == nil {
			t.Errorf("%s: New accepted %+v", name, opts)
		}
	}
	s, err := sso.New(sso.Options{Issuer: "http://x.test/sso/", Key: key, Clients: []sso.Client{ok}})
	if err != nil {
		t.Fatalf("New with valid options: %v", err)
	}
	if s.Issuer() != "http://x.test/sso" {
		t.Errorf("Issuer() = %q, want the trailing slash trimmed", s.Issuer())
	}
}
