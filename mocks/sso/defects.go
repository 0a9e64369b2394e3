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
)

// defect reports whether a seeded defect is switched on. It is asked per
// request: an admin endpoint may flip the switches while the world runs.
// The SSO's switches are world-wide, hence no service or province.
func (s *Server) defect(name string) bool {
	return httpx.On(s.defects, name)
}
