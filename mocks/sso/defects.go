package sso

import "github.com/dvcqa/dvcqa/mocks/internal/httpx"

// Defects are seeded defects: named switches read where the behaviour is
// decided. *defects.Set (mocks/defects) implements it; nil = correct.
type Defects = httpx.Defects

// The seeded defects the SSO owns (mocks/defects registry).
const (
	// defectWrongPassword: POST /login accepts any non-empty password for a
	// known personal ID.
	defectWrongPassword = "sso-wrong-password-accepted"
	// defectDiscoveryIncomplete: the discovery document leaves out
	// code_challenge_methods_supported and grant_types_supported, which per
	// RFC 8414 says PKCE and the refresh grant are not supported.
	defectDiscoveryIncomplete = "sso-discovery-incomplete" // discovery.go
	// defectUserinfoWrongCitizen: /userinfo answers another account's claims.
	defectUserinfoWrongCitizen = "sso-userinfo-wrong-citizen" // userinfo.go
	// defectRefreshNotRotated: a refresh answers the presented refresh token
	// again and leaves it valid, so a stolen one works forever.
	defectRefreshNotRotated = "sso-refresh-not-rotated" // token.go, store.go
	// defectIssuedInFuture: ID tokens say they were issued (iat) half their
	// lifetime from now, still before exp (token.go, issue).
	defectIssuedInFuture = "sso-iat-future"

	// The standards defects (issue 10, mocks/defects/registry_sso.go), one
	// per rule of OpenID Connect Core, RFC 6749/6750, RFC 7636 and RFC 9700
	// the platform suite checks.

	// defectPromptNoneShowsLogin: prompt=none is ignored and the login page
	// is shown, instead of the login_required error redirect.
	defectPromptNoneShowsLogin = "sso-prompt-none-shows-login" // authorize.go
	// defectAuthorizePostRefused: POST /authorize answers 405.
	defectAuthorizePostRefused = "sso-authorize-post-refused" // authorize.go
	// defectLogoutOpenRedirect: logout redirects to any URI on the origin of
	// a registered redirect URI, not only the registered post-logout ones.
	defectLogoutOpenRedirect = "sso-logout-open-redirect" // logout.go
	// defectClaimsBeyondScope: every identity claim is released whatever
	// the granted scope.
	defectClaimsBeyondScope = "sso-claims-beyond-scope" // scopes.go
	// defectCodeReplayKeepsTokens: a replayed code is refused but the
	// tokens issued from its first redemption stay valid.
	defectCodeReplayKeepsTokens = "sso-code-replay-keeps-tokens" // store.go
	// defectRefreshWidensScope: a refresh grants scopes the login did not.
	defectRefreshWidensScope = "sso-refresh-widens-scope" // token.go
	// defectTokenLifetimeTooLong: tokens of clients whose lifetime is a
	// minute or more last a day (expires_in, exp of both tokens).
	defectTokenLifetimeTooLong = "sso-token-lifetime-too-long" // token.go
	// defectJWKSUseMissing: the signing key is published without "use".
	defectJWKSUseMissing = "sso-jwks-use-missing" // discovery.go
	// defectPKCEVerifierIgnored: a well-formed code_verifier is accepted
	// without comparing it with the code_challenge.
	defectPKCEVerifierIgnored = "sso-pkce-verifier-ignored" // token.go
	// defectInvalidTokenWithoutCredentials: a request without any
	// credentials is answered error="invalid_token".
	defectInvalidTokenWithoutCredentials = "sso-invalid-token-without-credentials" // userinfo.go
)

// defect reports whether a seeded defect is switched on. It is asked per
// request: an admin endpoint may flip the switches while the world runs.
// The SSO's switches are world-wide, hence no service or province.
func (s *Server) defect(name string) bool {
	return httpx.On(s.defects, name)
}
