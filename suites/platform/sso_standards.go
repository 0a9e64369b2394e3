package platform

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/vocab"
)

// The identity provider held to the standards it claims (issue 10): OpenID
// Connect Core 1.0, RFC 6749 and RFC 6750 (OAuth 2.0 and bearer tokens),
// RFC 7636 (PKCE), RFC 9700 (OAuth 2.0 Security Best Current Practice) and
// Decree 13/2023 on personal data protection. Each rule is one spec with a
// seeded defect that makes it fail (mocks/defects/registry_sso.go); the
// judges are the plain functions below, proven by sso_standards_test.go.
var _ = ginkgo.Describe("Single sign-on held to the OpenID Connect and OAuth standards", framework.LayerAPI, framework.KindPlatform, framework.SystemSSO, func() {
	f := framework.NewDefaultFramework("sso-standards")
	timeout := ginkgo.SpecTimeout(framework.SpecTimeouts().Spec)

	ginkgo.It("answers prompt=none without a session with a login_required error redirect (OIDC Core §3.1.2.6)", timeout, func(ctx ginkgo.SpecContext) {
		ar := sso.NewAuthRequest("openid")
		ar.Prompt = "none"
		a, err := f.SSO.Authorize(ctx, ar)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "authorization request with prompt=none")
		gomega.Expect(promptNoneProblems(a, f.SSO.RedirectURI, ar.State)).To(gomega.Succeed())
	})

	ginkgo.It("accepts the authorization request by POST as by GET (OIDC Core §3.1.2.1)", timeout, func(ctx ginkgo.SpecContext) {
		needPassword(f)
		c := f.Citizen(framework.RolePlatform, 0)
		get, err := f.SSO.Authorize(ctx, sso.NewAuthRequest(f.SSO.Scope()))
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "authorization request by GET")
		post := sso.NewAuthRequest(f.SSO.Scope())
		post.Method = http.MethodPost
		posted, err := f.SSO.Authorize(ctx, post)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "authorization request by POST")
		gomega.Expect(authorizePostProblems(get, posted)).To(gomega.Succeed())
		// And all the way: a login begun by POST yields tokens.
		ans, err := signIn(ctx, f.SSO, post, c)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "log in through an authorization request sent by POST")
		gomega.Expect(tokensIssued(ans, "POST /token (code of a POST /authorize)")).To(gomega.Succeed())
	})

	ginkgo.It("redirects after logout only to a registered post_logout_redirect_uri (RP-Initiated Logout §2)", timeout, func(ctx ginkgo.SpecContext) {
		d, err := f.SSO.Discover(ctx)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "OIDC discovery")
		if d.EndSessionEndpoint == "" {
			ginkgo.Skip("the provider publishes no end_session_endpoint")
		}
		state := framework.NewKey()
		a, err := f.SSO.Logout(ctx, f.PostLogoutURI, state)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "logout to the registered %s", f.PostLogoutURI)
		gomega.Expect(logoutRedirected(a, f.PostLogoutURI, state)).To(gomega.Succeed())
		for _, u := range unregisteredLogoutURIs(f.PostLogoutURI) {
			a, err := f.SSO.Logout(ctx, u, state)
			gomega.Expect(err).NotTo(gomega.HaveOccurred(), "logout to the unregistered %s", u)
			gomega.Expect(logoutRefused(a, u)).To(gomega.Succeed())
		}
	})

	ginkgo.It("releases only the claims of the requested scopes (OIDC Core §5.4, Decree 13/2023)", timeout, func(ctx ginkgo.SpecContext) {
		needPassword(f)
		c := f.Citizen(framework.RolePlatform, 0)
		for _, scope := range []string{"openid", "openid profile"} {
			ans, err := signIn(ctx, f.SSO, sso.NewAuthRequest(scope), c)
			gomega.Expect(err).NotTo(gomega.HaveOccurred(), "log in with scope %q", scope)
			gomega.Expect(tokensIssued(ans, "POST /token (scope "+scope+")")).To(gomega.Succeed())
			claims, err := sso.Claims(ans.String("id_token"))
			gomega.Expect(err).NotTo(gomega.HaveOccurred(), "ID token of scope %q", scope)
			info, err := f.SSO.UserInfo(ctx, ans.String("access_token"))
			gomega.Expect(err).NotTo(gomega.HaveOccurred(), "userinfo with the access token of scope %q", scope)
			gomega.Expect(releasedClaimsProblems(claims, info, scope)).To(gomega.Succeed())
		}
	})

	ginkgo.It("refuses a replayed authorization code and revokes the tokens issued from it (RFC 6749 §4.1.2, RFC 9700 §4.5)", timeout, func(ctx ginkgo.SpecContext) {
		needPassword(f)
		ar := sso.NewAuthRequest("openid")
		code, err := codeFor(ctx, f.SSO, ar, f.Citizen(framework.RolePlatform, 0))
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "log in for a code")
		first, err := f.SSO.RedeemCode(ctx, code, ar.Verifier)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "redeem the code")
		gomega.Expect(tokensIssued(first, "POST /token (authorization_code)")).To(gomega.Succeed())
		again, err := f.SSO.RedeemCode(ctx, code, ar.Verifier)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "redeem the code again")
		gomega.Expect(tokenRefused(again, "POST /token (replayed code)", "invalid_grant")).To(gomega.Succeed())
		info, err := f.SSO.UserInfoAnswer(ctx, first.String("access_token"))
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "userinfo with the first redemption's access token")
		gomega.Expect(resourceRefused(info, "GET /userinfo (access token of a replayed code)")).To(gomega.Succeed())
		refreshed, err := f.SSO.RefreshScope(ctx, first.String("refresh_token"), "")
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "refresh with the first redemption's refresh token")
		gomega.Expect(tokenRefused(refreshed, "POST /token (refresh token of a replayed code)", "invalid_grant")).To(gomega.Succeed())
	})

	ginkgo.It("refuses a refresh that asks for a scope the login did not grant (RFC 6749 §6)", timeout, func(ctx ginkgo.SpecContext) {
		needPassword(f)
		ans, err := signIn(ctx, f.SSO, sso.NewAuthRequest("openid"), f.Citizen(framework.RolePlatform, 0))
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "log in with scope openid")
		gomega.Expect(tokensIssued(ans, "POST /token (scope openid)")).To(gomega.Succeed())
		wider, err := f.SSO.RefreshScope(ctx, ans.String("refresh_token"), "openid profile")
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "refresh asking for scope openid profile")
		gomega.Expect(tokenRefused(wider, "POST /token (refresh_token, scope openid profile after a login with openid)", "invalid_scope")).To(gomega.Succeed())
	})

	ginkgo.It("answers a whole token response whose tokens live within the target's bound (RFC 6749 §5.1)", timeout, func(ctx ginkgo.SpecContext) {
		needPassword(f)
		ans, err := signIn(ctx, f.SSO, sso.NewAuthRequest(f.SSO.Scope()), f.Citizen(framework.RolePlatform, 0))
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "log in with scope %q", f.SSO.Scope())
		gomega.Expect(tokenResponseProblems(ans, f.SSO.Scope(), f.Target.SSO.MaxTokenLifetime)).To(gomega.Succeed())
	})

	ginkgo.It("marks its signing keys for signature use (RFC 7517 §4.2)", timeout, func(ctx ginkgo.SpecContext) {
		d, err := f.SSO.Discover(ctx)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "OIDC discovery")
		keys, err := fetchJWKS(ctx, f.HTTP, d.JWKSURI)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "signing keys of %s", d.Issuer)
		gomega.Expect(jwksUseProblems(keys)).To(gomega.Succeed())
	})

	ginkgo.It("advertises PKCE S256 and refuses a code redeemed with a wrong code_verifier (RFC 7636 §4.6)", timeout, func(ctx ginkgo.SpecContext) {
		d, err := f.SSO.Discover(ctx)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "OIDC discovery")
		if !ssoDiscoveryRules(f.SSO).pkce && !slices.Contains(d.CodeChallengeMethodsSupported, "S256") {
			framework.NotApplicable("sso.dialect " + f.SSO.DialectName() + ": the confidential client needs no PKCE and the provider advertises none, so RFC 7636 does not apply")
		}
		needPassword(f)
		gomega.Expect(pkceAdvertised(d)).To(gomega.Succeed())
		ar := sso.NewAuthRequest("openid")
		code, err := codeFor(ctx, f.SSO, ar, f.Citizen(framework.RolePlatform, 0))
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "log in for a code")
		wrong := sso.NewAuthRequest("openid").Verifier // well-formed, another login's
		ans, err := f.SSO.RedeemCode(ctx, code, wrong)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "redeem the code with a wrong code_verifier")
		gomega.Expect(tokenRefused(ans, "POST /token (code redeemed with a wrong code_verifier)", "invalid_grant")).To(gomega.Succeed())
	})

	ginkgo.It("answers a request without credentials with a Bearer challenge and no error code (RFC 6750 §3.1)", timeout, func(ctx ginkgo.SpecContext) {
		a, err := f.SSO.UserInfoAnswer(ctx, "")
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "userinfo without an Authorization header")
		gomega.Expect(noCredentialsProblems(a)).To(gomega.Succeed())
	})
})

// codeFor logs the citizen in with the authorization request and returns
// the code of the redirect.
func codeFor(ctx context.Context, c *sso.Client, ar sso.AuthRequest, who framework.Citizen) (string, error) {
	callback, err := c.SignInWith(ctx, ar, who.PersonalID, who.Password)
	if err != nil {
		return "", err
	}
	return c.Code(callback, ar.State)
}

// signIn logs the citizen in with the authorization request and redeems
// the code: the token endpoint's answer as it came.
func signIn(ctx context.Context, c *sso.Client, ar sso.AuthRequest, who framework.Citizen) (*sso.TokenAnswer, error) {
	code, err := codeFor(ctx, c, ar, who)
	if err != nil {
		return nil, err
	}
	return c.RedeemCode(ctx, code, ar.Verifier)
}

func ssoAnswer(op string) framework.Answer {
	return framework.Answer{System: vocab.SystemSSO, Operation: op}
}

// sameEndpoint: two URLs name the same endpoint (scheme, host, path),
// whatever their queries.
func sameEndpoint(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Host, ub.Host) && ua.Path == ub.Path
}

func endpointOf(u *url.URL) string {
	v := *u
	v.RawQuery, v.Fragment = "", ""
	return v.String()
}

// authzResponse is an authorization response as far as the judges read it.
// Code is "(present)" or "": a code is never printed.
type authzResponse struct {
	RedirectURI string `json:"redirect_uri"`
	Error       string `json:"error"`
	State       string `json:"state"`
	Code        string `json:"code"`
}

func present(s string) string {
	if s == "" {
		return ""
	}
	return "(present)"
}

// promptNoneProblems: OIDC Core §3.1.2.6 — a provider with no session for
// the user answers prompt=none with an error redirect to the redirect_uri:
// error=login_required, the request's state, no code. A login page is the
// very thing prompt=none forbids.
func promptNoneProblems(a *sso.AuthorizeAnswer, redirectURI, state string) error {
	op := ssoAnswer("GET /authorize (prompt=none, no session)")
	var d framework.Diffs
	if a.Callback == nil {
		d.Form(op, "redirect", fmt.Sprintf("HTTP %d page", a.Status), false, "an error redirect to "+redirectURI+" with error=login_required")
		return d.Err("prompt=none without a session")
	}
	q := a.Callback.Query()
	got := authzResponse{RedirectURI: endpointOf(a.Callback), Error: q.Get("error"), State: q.Get("state"), Code: present(q.Get("code"))}
	if sameEndpoint(got.RedirectURI, redirectURI) {
		got.RedirectURI = redirectURI
	}
	d.Compare(op, authzResponse{RedirectURI: redirectURI, Error: "login_required", State: state}, got)
	return d.Err("prompt=none without a session")
}

// authorizePostProblems: OIDC Core §3.1.2.1 — the authorization endpoint
// MUST support GET and POST, POST with the parameters form-encoded; the
// same request answers the same way. The GET must show the login form.
func authorizePostProblems(get, post *sso.AuthorizeAnswer) error {
	getOp, postOp := ssoAnswer("GET /authorize"), ssoAnswer("POST /authorize")
	var d framework.Diffs
	d.Form(getOp, "login form", get.LoginForm, get.LoginForm, "the provider's login form")
	d.Same(postOp, "HTTP status", getOp, get.Status, post.Status)
	d.Same(postOp, "login form", getOp, get.LoginForm, post.LoginForm)
	d.Same(postOp, "redirect", getOp, get.Callback != nil, post.Callback != nil)
	return d.Err("authorization request by POST")
}

// tokensIssued: the token endpoint answered 200 with an access token and
// an ID token (the detail is tokenResponseProblems').
func tokensIssued(a *sso.TokenAnswer, op string) error {
	ans := ssoAnswer(op)
	var d framework.Diffs
	d.Field(ans, "HTTP status", 200, a.Status)
	if a.Status == 200 {
		for _, k := range []string{"access_token", "id_token"} {
			d.Form(ans, k, shownToken(a.String(k)), a.String(k) != "", "present")
		}
	} else {
		d.Field(ans, "error", "", a.String("error"))
	}
	return d.Err("token response")
}

// shownToken stands for a token in a failure line: never its value.
func shownToken(t string) string {
	if t == "" {
		return "(absent)"
	}
	return "(present)"
}

// tokenRefused: RFC 6749 §5.2 — the token endpoint refused with HTTP 400
// and the error code.
func tokenRefused(a *sso.TokenAnswer, op, code string) error {
	ans := ssoAnswer(op)
	var d framework.Diffs
	d.Field(ans, "HTTP status", 400, a.Status)
	d.Field(ans, "error", code, a.String("error"))
	if a.Status == 200 {
		d.Form(ans, "access_token", shownToken(a.String("access_token")), a.String("access_token") == "", "(absent): nothing issued")
	}
	return d.Err("token endpoint's refusal")
}

// resourceRefused: a revoked access token is refused with 401 (RFC 6750
// §3.1 invalid_token).
func resourceRefused(a *sso.ResourceAnswer, op string) error {
	ans := ssoAnswer(op)
	var d framework.Diffs
	d.Field(ans, "HTTP status", 401, a.Status)
	return d.Err("revoked access token")
}

// logoutRedirected: the provider sent the user back to the registered
// post_logout_redirect_uri with the state (RP-Initiated Logout §2, §3).
func logoutRedirected(a *sso.LogoutAnswer, uri, state string) error {
	op := ssoAnswer("GET /logout (registered post_logout_redirect_uri)")
	var d framework.Diffs
	loc, err := url.Parse(a.Location)
	if a.Location == "" || err != nil {
		d.Form(op, "Location", fmt.Sprintf("HTTP %d without a redirect", a.Status), false, "a redirect to "+uri)
		return d.Err("logout")
	}
	got := authzResponse{RedirectURI: endpointOf(loc), State: loc.Query().Get("state")}
	if sameEndpoint(got.RedirectURI, uri) {
		got.RedirectURI = uri
	}
	d.Compare(op, authzResponse{RedirectURI: uri, State: state}, got)
	return d.Err("logout")
}

// logoutRefused: a post_logout_redirect_uri nobody registered is never
// redirected to (RP-Initiated Logout §3: the OP would be an open
// redirector); the provider answers a page of its own, not a 5xx.
func logoutRefused(a *sso.LogoutAnswer, uri string) error {
	op := ssoAnswer("GET /logout (unregistered post_logout_redirect_uri " + uri + ")")
	var d framework.Diffs
	d.Form(op, "Location", a.Location, a.Location == "" || !sameEndpoint(a.Location, uri), "no redirect to the unregistered post_logout_redirect_uri")
	d.Form(op, "HTTP status", a.Status, a.Status < 500, "the provider's own refusal (not 5xx)")
	return d.Err("logout")
}

// unregisteredLogoutURIs are addresses beside the registered one that no
// client registers: another path on its origin and a foreign host.
func unregisteredLogoutURIs(registered string) []string {
	out := []string{"https://dvcqa-unregistered.invalid/logged-out"}
	if u, err := url.Parse(registered); err == nil && u.Host != "" {
		u.Path = strings.TrimRight(u.Path, "/") + "/dvcqa-unregistered-logout"
		u.RawQuery = ""
		out = append([]string{u.String()}, out...)
	}
	return out
}

// scopeClaims is OIDC Core §5.4 mapped onto the contract's claims
// (docs/contracts.md, SSO): the harness's own table, apart from the
// mock's.
var scopeClaims = map[string][]string{
	"profile": identityClaims[:3], // HoVaTen, NgayThangNamSinh, GioiTinh: name, birthdate, gender
	"address": {"ThuongTru"},
	"phone":   {"SoDienThoai"},
	"email":   {"ThuDienTu"},
}

// alwaysClaims identify the account, which scope openid asks for.
var alwaysClaims = []string{"sub", "SoDinhDanh", "LoaiTaiKhoan"}

// tokenClaims are the ID token's protocol claims (OIDC Core §2, §3.1.3.6).
var tokenClaims = []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "at_hash", "c_hash", "sid", "jti"}

// released: the scope string releases claim k.
func released(scope, k string) bool {
	for _, sc := range strings.Fields(scope) {
		if slices.Contains(scopeClaims[sc], k) {
			return true
		}
	}
	return false
}

// releasedClaimsProblems: only the claims of the granted scopes leave the
// provider (OIDC Core §5.4; Decree 13/2023 art. 3: personal data collected
// only as needed). The ID token carries its protocol claims, the account's
// identity (sub, SoDinhDanh, LoaiTaiKhoan) and the released identity
// claims; userinfo the identity and the released claims — a claim outside
// is reported, never its value. Userinfo must still identify the account.
func releasedClaimsProblems(idClaims, info map[string]any, scope string) error {
	var d framework.Diffs
	rule := fmt.Sprintf("absent: scope %q does not release it", scope)
	check := func(op framework.Answer, claims map[string]any, allowed func(string) bool) {
		keys := make([]string, 0, len(claims))
		for k := range claims {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !allowed(k) {
				d.Form(op, k, "(released)", false, rule)
			}
		}
	}
	check(ssoAnswer("POST /token id_token (scope "+scope+")"), idClaims, func(k string) bool {
		return slices.Contains(tokenClaims, k) || slices.Contains(alwaysClaims, k) || released(scope, k)
	})
	ui := ssoAnswer("GET /userinfo (scope " + scope + ")")
	check(ui, info, func(k string) bool { return slices.Contains(alwaysClaims, k) || released(scope, k) })
	for _, k := range alwaysClaims {
		_, has := info[k]
		d.Form(ui, k, "(absent)", has, "present: it identifies the account")
	}
	return d.Err("claims released for scope " + scope)
}

// sameScope compares scope strings as sets (RFC 6749 §3.3: order does not
// matter).
func sameScope(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// tokenResponseProblems compares the whole token response of a login with
// what RFC 6749 §5.1 and OIDC Core §3.1.3.3 prescribe and the target
// profile bounds: HTTP 200, token_type Bearer (any case), expires_in a
// positive number of seconds within sso.max_token_lifetime, scope (when
// present: RFC 6749 lets it be left out when equal) the one requested,
// access, ID and refresh tokens present, and each JWT's exp − iat within
// the bound too. Token values are never printed.
func tokenResponseProblems(a *sso.TokenAnswer, scope string, bound time.Duration) error {
	op := ssoAnswer("POST /token (authorization_code)")
	var d framework.Diffs
	d.Field(op, "HTTP status", 200, a.Status)
	if a.Status != 200 {
		d.Field(op, "error", "", a.String("error"))
		return d.Err("token response")
	}
	within := fmt.Sprintf("a positive number of seconds ≤ %d (sso.max_token_lifetime %s)", int64(bound.Seconds()), bound)
	tt := a.String("token_type")
	d.Form(op, "token_type", a.Members["token_type"], strings.EqualFold(tt, "Bearer"), `"Bearer" (any case, RFC 6749 §7.1)`)
	n, ok := a.Members["expires_in"].(float64)
	d.Form(op, "expires_in", a.Members["expires_in"], ok && n > 0 && n == float64(int64(n)) && n <= bound.Seconds(), within)
	if sc, has := a.Members["scope"]; has {
		s, _ := sc.(string)
		d.Form(op, "scope", sc, sameScope(s, scope), fmt.Sprintf("%q, the scope requested (or absent)", scope))
	}
	for _, k := range []string{"access_token", "id_token", "refresh_token"} {
		d.Form(op, k, shownToken(a.String(k)), a.String(k) != "", "present")
	}
	lifetime := func(name, jwt string, required bool) {
		claims, err := sso.Claims(jwt)
		if err != nil {
			if required {
				d.Form(op, name, "not a JWT", false, "a JWT with exp and iat")
			}
			return // an opaque access token has no lifetime to read
		}
		exp, okExp := claims["exp"].(float64)
		iat, okIat := claims["iat"].(float64)
		if !okExp || !okIat {
			d.Form(op, name+" exp − iat", "(absent)", !required && !okExp && !okIat, "numeric exp and iat")
			return
		}
		life := time.Duration(exp-iat) * time.Second
		d.Form(op, name+" exp − iat", life.String(), life > 0 && life <= bound, fmt.Sprintf("in (0, %s] (sso.max_token_lifetime)", bound))
	}
	if t := a.String("id_token"); t != "" {
		lifetime("id_token", t, true)
	}
	if t := a.String("access_token"); t != "" && strings.Count(t, ".") == 2 {
		lifetime("access_token", t, false)
	}
	return d.Err("token response")
}

// jweAlgs are key-management algorithms of JWE (RFC 7518 §4.1): a key for
// one of them may be an encryption key.
var jweAlgs = []string{"RSA1_5", "RSA-OAEP", "RSA-OAEP-256", "ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW", "A128KW", "A192KW", "A256KW", "dir"}

// jwksUseProblems: RFC 7517 §4.2 — every key that can sign says use "sig",
// so that no client takes a signing key for encryption or trusts a key
// meant for encryption to verify tokens (RFC 8725 §3.1). A key of a JWE
// algorithm may be "enc"; any other key without "sig" fails.
func jwksUseProblems(keys []jwk) error {
	op := ssoAnswer("GET /jwks")
	var d framework.Diffs
	if len(keys) == 0 {
		d.Form(op, "keys", "[]", false, "at least one signing key")
	}
	for i, k := range keys {
		if slices.Contains(jweAlgs, k.Alg) && k.Use == "enc" {
			continue
		}
		got := any(k.Use)
		if k.Use == "" {
			got = "(absent)"
		}
		d.Form(op, fmt.Sprintf("keys[%d] (kid %q).use", i, k.Kid), got, k.Use == "sig", `"sig"`)
	}
	return d.Err("signing keys")
}

// pkceAdvertised: RFC 8414 §2 / RFC 7636 §6.2 — a provider that supports
// PKCE says so; S256 is the method the harness and the portal use.
func pkceAdvertised(d *sso.Discovery) error {
	op := ssoAnswer("GET /.well-known/openid-configuration")
	var diffs framework.Diffs
	diffs.Form(op, "code_challenge_methods_supported", d.CodeChallengeMethodsSupported,
		slices.Contains(d.CodeChallengeMethodsSupported, "S256"), `a list holding "S256"`)
	return diffs.Err("discovery document of " + d.Issuer)
}

// errorParam finds an error attribute in a WWW-Authenticate challenge (not
// error_description or error_uri).
var errorParam = regexp.MustCompile(`(?i)(^|[\s,])error\s*=`)

// noCredentialsProblems: RFC 6750 §3.1 — a request that lacks any
// authentication information is answered 401 with a Bearer challenge that
// SHOULD NOT carry an error code: nothing was wrong with a token, there was
// none. The body, if it is an OAuth error, must not say invalid_token
// either.
func noCredentialsProblems(a *sso.ResourceAnswer) error {
	op := ssoAnswer("GET /userinfo (no Authorization header)")
	var d framework.Diffs
	d.Field(op, "HTTP status", 401, a.Status)
	challenge := strings.TrimSpace(a.WWWAuthenticate)
	scheme, _, _ := strings.Cut(challenge, " ")
	d.Form(op, "WWW-Authenticate", challenge, strings.EqualFold(scheme, "Bearer") && !errorParam.MatchString(challenge),
		"a Bearer challenge without an error code")
	var body struct {
		Error any `json:"error"`
	}
	if json.Unmarshal(a.Body, &body) == nil {
		if s, ok := body.Error.(string); ok {
			d.Form(op, "error", s, s != "invalid_token", "no invalid_token: the request carried no token")
		}
	}
	return d.Err("request without credentials")
}
