package gateway

// Defects are seeded defects: named switches read where the behaviour is
// decided. *defects.Set (mocks/defects) implements it; nil = correct.
type Defects interface {
	Active(name, service, province string) (param string, on bool)
}

// The seeded defects the gateway owns (mocks/defects registry).
const (
	// defectAuthBypass: lookups are served without a valid token, and
	// /oauth/token issues tokens for a known client with a wrong secret.
	defectAuthBypass = "gateway-auth-bypass"
	// defectAuditMissing: lookups are not written to the audit log.
	defectAuditMissing = "gateway-audit-missing"
)

// anonymousClient is who an unauthenticated lookup is served as under
// defectAuthBypass.
const anonymousClient = "anonymous"

// defect reports whether a seeded defect is switched on. It is asked per
// request: an admin endpoint may flip the switches while the world runs.
// The gateway's switches are world-wide, hence no service or province.
func (s *Server) defect(name string) bool {
	if s.defects == nil {
		return false
	}
	_, on := s.defects.Active(name, "", "")
	return on
}
