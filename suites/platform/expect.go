package platform

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// The judges below return nil (or no problems) only for the exact answer
// the protocol prescribes; a transport failure, a 5xx or any other answer is
// a failure of the negative spec, never a pass. They are plain functions so
// that expect_test.go can prove it without a running world.

// expectUnauthenticated asserts err is the portal's 401 "unauthenticated"
// answer with the given reason (docs/contracts.md, provincial portal).
func expectUnauthenticated(err error, reason, what string) {
	ginkgo.GinkgoHelper()
	gomega.Expect(portalRefusal(err, reason)).To(gomega.Succeed(), "%s", what)
}

func portalRefusal(err error, reason string) error {
	if err == nil {
		return errors.New("accepted; want HTTP 401 unauthenticated (" + reason + ")")
	}
	ae, ok := errors.AsType[*portal.APIError](err)
	if !ok {
		return fmt.Errorf("want the portal's HTTP 401 unauthenticated (%s), got no answer of the portal: %w", reason, err)
	}
	if ae.Status != http.StatusUnauthorized || ae.Code != portal.CodeUnauthenticated || ae.Reason != reason {
		return fmt.Errorf("answered HTTP %d %s (reason %q), want HTTP 401 %s (reason %q)", ae.Status, ae.Code, ae.Reason, portal.CodeUnauthenticated, reason)
	}
	return nil
}

// credentialsRefused: the SSO's login page refused the credentials (a 401
// or 403 page, or the login form again), not a provider that is down.
func credentialsRefused(err error) error {
	if err == nil {
		return errors.New("SSO accepted a wrong password")
	}
	if !sso.IsCredentialsRejected(err) {
		return fmt.Errorf("wrong password: want the SSO's credential error (login page refusing the credentials), got: %w", err)
	}
	return nil
}

// sessionRefused: the national portal's answer to a wrong password is
// error_code -1 on POST /api/session (docs/contracts.md).
func sessionRefused(err error) error {
	if err == nil {
		return errors.New("national portal opened a session with a wrong password")
	}
	e, ok := errors.AsType[*dvcqg.Error](err)
	if !ok {
		return fmt.Errorf("wrong password: want the national portal's error_code %d answer, got no protocol answer: %w", dvcqg.CodeFailed, err)
	}
	if e.Service != "session" || e.Code != dvcqg.CodeFailed || e.Message == "" {
		return fmt.Errorf("wrong password answered %s error_code %d (%q), want session error_code %d with a message", e.Service, e.Code, e.Message, dvcqg.CodeFailed)
	}
	return nil
}

// dossierNotFound: TraCuuHoSo of an unknown code is error_code -1 "Không
// tìm thấy hồ sơ" (docs/contracts.md).
func dossierNotFound(err error) error {
	if err == nil {
		return errors.New("unknown dossier code found")
	}
	e, ok := errors.AsType[*dvcqg.Error](err)
	if !ok {
		return fmt.Errorf("unknown dossier code: want error_code %d %q, got no protocol answer: %w", dvcqg.CodeFailed, dvcqg.MessageNotFound, err)
	}
	if e.Service != dvcqg.ServiceLookup || e.Code != dvcqg.CodeFailed || !strings.Contains(strings.ToLower(e.Message), strings.ToLower(dvcqg.MessageNotFound)) {
		return fmt.Errorf("unknown dossier code answered %s error_code %d (%q), want error_code %d %q", e.Service, e.Code, e.Message, dvcqg.CodeFailed, dvcqg.MessageNotFound)
	}
	return nil
}

// paymentRefusal: the payment platform's answer with the HTTP status and
// MaLoi (docs/contracts.md, payment platform).
func paymentRefusal(err error, status int, maLoi string) error {
	if err == nil {
		return fmt.Errorf("accepted; want HTTP %d MaLoi %s", status, maLoi)
	}
	pe, ok := errors.AsType[*payment.Error](err)
	if !ok {
		return fmt.Errorf("want the payment platform's HTTP %d MaLoi %s, got no answer of the platform: %w", status, maLoi, err)
	}
	if pe.Status != status || pe.MaLoi != maLoi {
		return fmt.Errorf("answered HTTP %d MaLoi %s (%s), want HTTP %d MaLoi %s", pe.Status, pe.MaLoi, pe.MoTaLoi, status, maLoi)
	}
	return nil
}

// callbackAnswer: the portal answered a payment callback with the HTTP
// status and MaLoi.
func callbackAnswer(ans *framework.CallbackAnswer, err error, status int, maLoi string) error {
	if err != nil {
		return fmt.Errorf("want the portal's HTTP %d MaLoi %s, got no answer: %w", status, maLoi, err)
	}
	if ans.Status != status || ans.MaLoi != maLoi {
		return fmt.Errorf("portal answered HTTP %d MaLoi %q, want HTTP %d MaLoi %q", ans.Status, ans.MaLoi, status, maLoi)
	}
	return nil
}

// discoveryProblems holds the provider's metadata to what the harness needs
// of it (OIDC Discovery 1.0 §3, RFC 8414 §2, docs/contracts.md): the
// configured issuer, every endpoint under it, the code flow with PKCE S256,
// the refresh grant, RS256 ID tokens, public subjects, the openid and
// profile scopes and a public client. Fields the provider left out take
// RFC 8414's defaults. Every problem is reported.
func discoveryProblems(d *sso.Discovery, issuer string) []string {
	return discoveryProblemsFor(d, issuer, discoveryRules{base: issuer, pkce: true, clientAuth: "none"})
}

// discoveryRules are what the dialect wants beyond the common core
// (sso_dialect.go): where the endpoints are, whether PKCE S256 must be
// advertised, the client's token endpoint authentication.
type discoveryRules struct {
	base       string // every endpoint is under it
	pkce       bool
	clientAuth string
}

func discoveryProblemsFor(d *sso.Discovery, issuer string, r discoveryRules) []string {
	var p []string
	if d.Issuer != issuer {
		p = append(p, fmt.Sprintf("issuer %q ≠ configured issuer %q", d.Issuer, issuer))
	}
	for _, e := range []struct {
		name, url string
		required  bool
	}{
		{"authorization_endpoint", d.AuthorizationEndpoint, true},
		{"token_endpoint", d.TokenEndpoint, true},
		{"userinfo_endpoint", d.UserinfoEndpoint, true},
		{"jwks_uri", d.JWKSURI, true},
		{"end_session_endpoint", d.EndSessionEndpoint, false},
	} {
		switch {
		case e.url == "" && e.required:
			p = append(p, "lacks "+e.name)
		case e.url != "" && !strings.HasPrefix(e.url, r.base+"/") && r.base == issuer:
			p = append(p, fmt.Sprintf("%s %q is not under the issuer %q", e.name, e.url, issuer))
		case e.url != "" && !strings.HasPrefix(e.url, r.base+"/"):
			p = append(p, fmt.Sprintf("%s %q is not under the provider's base %q", e.name, e.url, r.base))
		}
	}
	need := func(field string, list, omitted []string, want ...string) {
		shown := fmt.Sprint(list)
		if list == nil {
			list, shown = omitted, fmt.Sprintf("omitted (by default %v)", omitted)
		}
		for _, w := range want {
			if !slices.Contains(list, w) {
				p = append(p, fmt.Sprintf("%s %s lacks %q", field, shown, w))
			}
		}
	}
	need("response_types_supported", d.ResponseTypesSupported, []string{}, "code")
	need("grant_types_supported", d.GrantTypesSupported, []string{"authorization_code", "implicit"}, "authorization_code", "refresh_token")
	if r.pkce {
		need("code_challenge_methods_supported", d.CodeChallengeMethodsSupported, []string{}, "S256")
	}
	need("id_token_signing_alg_values_supported", d.IDTokenSigningAlgValuesSupported, []string{}, "RS256")
	need("subject_types_supported", d.SubjectTypesSupported, []string{}, "public")
	if d.ScopesSupported != nil { // RECOMMENDED only: absent says nothing
		need("scopes_supported", d.ScopesSupported, nil, "openid", "profile")
	}
	need("token_endpoint_auth_methods_supported", d.TokenEndpointAuthMethodsSupported, []string{"client_secret_basic"}, r.clientAuth)
	if d.ClaimsSupported != nil { // RECOMMENDED only; when listed, the claims specs read must be there
		need("claims_supported", d.ClaimsSupported, nil, append([]string{"sub", "SoDinhDanh", "LoaiTaiKhoan"}, identityClaims...)...)
	}
	return p
}

// jwk is one key of a JWKS document (RFC 7517), as far as RS256 needs.
type jwk struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// jwksProblems checks every key is an RSA signing key for RS256 with a
// unique kid, and that the key the ID token names verifies its signature.
// The signature is checked here with crypto/rsa, apart from go-oidc, so the
// harness does not trust the library the portal also uses.
func jwksProblems(keys []jwk, idToken string) []string {
	var p []string
	if len(keys) == 0 {
		return []string{"JWKS has no keys"}
	}
	kids := map[string]bool{}
	for i, k := range keys {
		if k.Kty != "RSA" || (k.Use != "" && k.Use != "sig") || (k.Alg != "" && k.Alg != "RS256") {
			p = append(p, fmt.Sprintf("JWKS key %d (kid %q) is kty %q use %q alg %q, want an RSA signing key for RS256", i, k.Kid, k.Kty, k.Use, k.Alg))
		}
		if k.Kid == "" || kids[k.Kid] {
			p = append(p, fmt.Sprintf("JWKS key %d has an empty or repeated kid %q", i, k.Kid))
		}
		kids[k.Kid] = true
	}
	parts := strings.Split(idToken, ".")
	if len(parts) != 3 {
		return append(p, fmt.Sprintf("ID token has %d parts, want 3", len(parts)))
	}
	var header struct{ Alg, Kid string }
	if raw, err := base64.RawURLEncoding.DecodeString(parts[0]); err != nil || json.Unmarshal(raw, &header) != nil {
		return append(p, "ID token header is not base64url JSON")
	}
	if header.Alg != "RS256" {
		p = append(p, fmt.Sprintf("ID token is signed with %q, want RS256", header.Alg))
	}
	i := slices.IndexFunc(keys, func(k jwk) bool { return k.Kid == header.Kid })
	if i < 0 {
		return append(p, fmt.Sprintf("ID token names kid %q, which the JWKS does not hold", header.Kid))
	}
	pub, err := rsaKey(keys[i])
	if err != nil {
		return append(p, fmt.Sprintf("JWKS key %q: %v", header.Kid, err))
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return append(p, "ID token signature is not base64url")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		p = append(p, fmt.Sprintf("JWKS key %q does not verify the ID token: %v", header.Kid, err))
	}
	return p
}

func rsaKey(k jwk) (*rsa.PublicKey, error) {
	n, err := base64.RawURLEncoding.DecodeString(k.N)
	if err != nil || len(n) == 0 {
		return nil, errors.New("modulus n is not base64url")
	}
	e, err := base64.RawURLEncoding.DecodeString(k.E)
	if err != nil || len(e) == 0 || len(e) > 4 {
		return nil, errors.New("exponent e is not a small base64url integer")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
}

// identityClaims are the citizen's claims the SSO takes from the
// population record: in the ID token the first three, in userinfo all
// (docs/contracts.md, SSO).
var identityClaims = []string{"HoVaTen", "NgayThangNamSinh", "GioiTinh", "ThuongTru", "SoDienThoai", "ThuDienTu"}

// accountTypeCitizen is LoaiTaiKhoan 1.
const accountTypeCitizen = "1"

// clockSkew is how far the SSO's clock may be ahead of the harness's.
const clockSkew = time.Minute

// idTokenProblems checks the ID token of a login (already verified by
// signature) claim by claim: issued by the issuer to the client, now,
// answering a nonce, for the citizen, with the population record's name,
// date of birth and gender.
func idTokenProblems(claims map[string]any, issuer, clientID, personalID string, pop map[string]string, now time.Time) []string {
	var p []string
	str := func(k string) string { s, _ := claims[k].(string); return s }
	num := func(k string) (int64, bool) {
		f, ok := claims[k].(float64)
		return int64(f), ok
	}
	// The standard rules (iss, aud/azp, sub, exp, iat, nonce) are the
	// harness's reference in api/sso, pinned by OIDC Core's example token.
	rules := sso.IDTokenRules{Issuer: issuer, ClientID: clientID, RequireNonce: true, Now: now, Skew: clockSkew}
	p = append(p, rules.ClaimsProblems(claims)...)
	iat, okIat := num("iat")
	if at, ok := num("auth_time"); ok && okIat && at > iat {
		p = append(p, fmt.Sprintf("ID token auth_time %d is after iat %d", at, iat))
	}
	for _, k := range []string{"sub", "SoDinhDanh"} {
		if str(k) != personalID {
			p = append(p, fmt.Sprintf("ID token %s %s names another citizen than %s", k, redact.ID(str(k)), redact.ID(personalID)))
		}
	}
	if str("LoaiTaiKhoan") != accountTypeCitizen {
		p = append(p, fmt.Sprintf("ID token LoaiTaiKhoan %q, want %q (citizen)", str("LoaiTaiKhoan"), accountTypeCitizen))
	}
	for _, k := range identityClaims[:3] {
		if str(k) != pop[k] {
			p = append(p, fmt.Sprintf("ID token %s ≠ population %s", k, k))
		}
	}
	return p
}

// userinfoProblems compares the whole userinfo document with the one the
// contract prescribes for the citizen: sub and SoDinhDanh, LoaiTaiKhoan 1
// and each identity claim equal to the population record, claims without a
// value left out (OIDC Core §5.3.2), nothing else. Values are not printed:
// they are personal data.
func userinfoProblems(info map[string]any, personalID string, pop map[string]string) []string {
	want := map[string]string{"sub": personalID, "SoDinhDanh": personalID, "LoaiTaiKhoan": accountTypeCitizen}
	for _, k := range identityClaims {
		if pop[k] != "" {
			want[k] = pop[k]
		}
	}
	var p []string
	for _, k := range sortedKeys(want, info) {
		w, wanted := want[k]
		v, has := info[k]
		s, isString := v.(string)
		switch {
		case !wanted:
			p = append(p, fmt.Sprintf("userinfo has claim %s, which the contract does not name", k))
		case !has:
			p = append(p, fmt.Sprintf("userinfo lacks claim %s", k))
		case !isString:
			p = append(p, fmt.Sprintf("userinfo claim %s is not a string", k))
		case s != w && (k == "sub" || k == "SoDinhDanh"):
			p = append(p, fmt.Sprintf("userinfo %s %s names another citizen than %s", k, redact.ID(s), redact.ID(personalID)))
		case s != w && k == "LoaiTaiKhoan":
			p = append(p, fmt.Sprintf("userinfo LoaiTaiKhoan %q, want %q (citizen)", s, w))
		case s != w:
			p = append(p, fmt.Sprintf("userinfo %s ≠ population %s", k, k))
		}
	}
	return p
}

func sortedKeys(a map[string]string, b map[string]any) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, dup := a[k]; !dup {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// refreshedIDTokenProblems applies OIDC Core §12.2 to the ID token of a
// refresh: iss, sub, aud and auth_time as in the login's ID token, a new
// iat, an exp after it, and a nonce only if it is the login's.
func refreshedIDTokenProblems(login, fresh map[string]any) []string {
	var p []string
	for _, k := range []string{"iss", "sub", "aud", "auth_time", "SoDinhDanh"} {
		if fmt.Sprint(fresh[k]) != fmt.Sprint(login[k]) {
			p = append(p, fmt.Sprintf("refreshed ID token %s differs from the login's", k))
		}
	}
	iat, okIat := fresh["iat"].(float64)
	exp, okExp := fresh["exp"].(float64)
	loginIat, _ := login["iat"].(float64)
	switch {
	case !okIat || !okExp:
		p = append(p, "refreshed ID token lacks a numeric exp or iat")
	case iat < loginIat:
		p = append(p, fmt.Sprintf("refreshed ID token iat %.0f is before the login's %.0f", iat, loginIat))
	case exp <= iat:
		p = append(p, fmt.Sprintf("refreshed ID token exp %.0f is not after iat %.0f", exp, iat))
	}
	if n, has := fresh["nonce"]; has && n != login["nonce"] {
		p = append(p, "refreshed ID token carries a nonce other than the login's")
	}
	return p
}
