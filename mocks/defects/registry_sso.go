package defects

import "regexp"

// Spec names of the SSO standards specs (suites/platform/sso_standards.go),
// as Ginkgo's full spec text ends; quoted, for they name sections (§, dots,
// parentheses).
var (
	ssoPromptNone    = regexp.QuoteMeta(`answers prompt=none without a session with a login_required error redirect (OIDC Core §3.1.2.6)`)
	ssoAuthorizePost = regexp.QuoteMeta(`accepts the authorization request by POST as by GET (OIDC Core §3.1.2.1)`)
	ssoLogout        = regexp.QuoteMeta(`redirects after logout only to a registered post_logout_redirect_uri (RP-Initiated Logout §2)`)
	ssoScopeClaims   = regexp.QuoteMeta(`releases only the claims of the requested scopes (OIDC Core §5.4, Decree 13/2023)`)
	ssoCodeReplay    = regexp.QuoteMeta(`refuses a replayed authorization code and revokes the tokens issued from it (RFC 6749 §4.1.2, RFC 9700 §4.5)`)
	ssoRefreshScope  = regexp.QuoteMeta(`refuses a refresh that asks for a scope the login did not grant (RFC 6749 §6)`)
	ssoTokenResponse = regexp.QuoteMeta(`answers a whole token response whose tokens live within the target's bound (RFC 6749 §5.1)`)
	ssoKeyUse        = regexp.QuoteMeta(`marks its signing keys for signature use (RFC 7517 §4.2)`)
	ssoPKCE          = regexp.QuoteMeta(`advertises PKCE S256 and refuses a code redeemed with a wrong code_verifier (RFC 7636 §4.6)`)
	ssoNoCredentials = regexp.QuoteMeta(`answers a request without credentials with a Bearer challenge and no error code (RFC 6750 §3.1)`)
)

// ssoStandardsDefects prove the SSO standards specs can fail (issue 10):
// each breaks one rule of OpenID Connect Core, RFC 6749/6750, RFC 7636,
// RFC 7517 or RFC 9700 while logins keep working, so every other SSO spec
// of the filter stays green.
func ssoStandardsDefects() []Defect {
	return []Defect{
		{Name: "sso-prompt-none-shows-login", System: "sso",
			Description: "prompt=none is ignored: without a session the SSO shows its login page instead of redirecting back with error=login_required (OIDC Core §3.1.2.6), so a silent sign-in hangs on a page nobody sees.",
			Example:     "sso-prompt-none-shows-login", Filter: "system:sso",
			ExpectedSpecs: []string{ssoPromptNone}, Symptom: "login_required"},
		{Name: "sso-authorize-post-refused", System: "sso",
			Description: "The authorization endpoint answers POST with 405: only GET works, though OIDC Core §3.1.2.1 requires both.",
			Example:     "sso-authorize-post-refused", Filter: "system:sso",
			ExpectedSpecs: []string{ssoAuthorizePost}, Symptom: "POST /authorize"},
		{Name: "sso-logout-open-redirect", System: "sso",
			Description: "Logout redirects to any post_logout_redirect_uri on the origin of a registered redirect URI, not only to the registered ones: an open redirector on the portal's host.",
			Example:     "sso-logout-open-redirect", Filter: "system:sso",
			ExpectedSpecs: []string{ssoLogout}, Symptom: "unregistered post_logout_redirect_uri"},
		{Name: "sso-claims-beyond-scope", System: "sso",
			Description: "The SSO releases every identity claim (name, date of birth, address, phone, e-mail) whatever the scope granted: scope openid alone yields the citizen's whole profile (Decree 13/2023 data minimisation).",
			Example:     "sso-claims-beyond-scope", Filter: "system:sso",
			ExpectedSpecs: []string{ssoScopeClaims}, Symptom: "does not release it"},
		{Name: "sso-code-replay-keeps-tokens", System: "sso",
			Description: "A replayed authorization code is refused, but the tokens issued from its first redemption stay valid (RFC 6749 §4.1.2 and RFC 9700 §4.5 want them revoked).",
			Example:     "sso-code-replay-keeps-tokens", Filter: "system:sso",
			ExpectedSpecs: []string{ssoCodeReplay}, Symptom: "access token of a replayed code"},
		{Name: "sso-refresh-widens-scope", System: "sso",
			Description: "A refresh grants the scope it asks for, even beyond what the login granted (RFC 6749 §6 wants invalid_scope).",
			Example:     "sso-refresh-widens-scope", Filter: "system:sso",
			ExpectedSpecs: []string{ssoRefreshScope}, Symptom: "invalid_scope"},
		{Name: "sso-token-lifetime-too-long", System: "sso",
			Description: "ID and access tokens of the portal's client live a day (expires_in, exp − iat), beyond the profile's sso.max_token_lifetime (1 h by default); the short-lived client keeps its 2 s.",
			Example:     "sso-token-lifetime-too-long", Filter: "system:sso",
			ExpectedSpecs: []string{ssoTokenResponse}, Symptom: "sso.max_token_lifetime"},
		{Name: "sso-jwks-use-missing", System: "sso",
			Description: "The JWKS publishes the signing key without \"use\": \"sig\" (RFC 7517 §4.2), so a client cannot tell it from an encryption key.",
			Example:     "sso-jwks-use-missing", Filter: "system:sso",
			ExpectedSpecs: []string{ssoKeyUse}, Symptom: `.use: want "sig"`},
		{Name: "sso-pkce-verifier-ignored", System: "sso",
			Description: "The token endpoint accepts any well-formed code_verifier without comparing it with the code_challenge (RFC 7636 §4.6): a stolen code can be redeemed.",
			Example:     "sso-pkce-verifier-ignored", Filter: "system:sso",
			ExpectedSpecs: []string{ssoPKCE}, Symptom: "wrong code_verifier"},
		{Name: "sso-invalid-token-without-credentials", System: "sso",
			Description: "Userinfo answers a request without any Authorization header with error=\"invalid_token\", though RFC 6750 §3.1 says a request lacking credentials gets no error code.",
			Example:     "sso-invalid-token-without-credentials", Filter: "system:sso",
			ExpectedSpecs: []string{ssoNoCredentials}, Symptom: "WWW-Authenticate"},
	}
}
