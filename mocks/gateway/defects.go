package gateway

import "github.com/dvcqa/dvcqa/mocks/internal/httpx"

// Defects are seeded defects: named switches read where the behaviour is
// decided. *defects.Set (mocks/defects) implements it; nil = correct.
type Defects = httpx.Defects

// The seeded defects the gateway owns (mocks/defects registry).
const (
	// defectAuthBypass: lookups are served without a valid token, and
	// /oauth/token issues tokens for a known client with a wrong secret.
	defectAuthBypass = "gateway-auth-bypass"
	// defectAuditMissing: lookups are not written to the audit log.
	defectAuditMissing = "gateway-audit-missing"
	// defectMalformed500: a malformed query (a personal ID that is not 12
	// digits, a key the database does not have) crashes the lookup: HTTP
	// 500 instead of 400 invalid_request.
	defectMalformed500 = "gateway-malformed-500" // lookup.go, lookup
	// defectUnknown200Empty: a lookup that finds no record answers 200
	// with an empty list instead of 404 not_found.
	defectUnknown200Empty = "gateway-unknown-200-empty" // upstream.go, forward
	// defectAuditWrongSubject: the audit answer names each entry's subject
	// by another person's (masked) personal ID.
	defectAuditWrongSubject = "gateway-audit-wrong-subject" // audit.go, handleAudit
	// defectAuditRequestIDLost: the audit log records an id of the
	// gateway's own instead of the caller's X-Request-ID.
	defectAuditRequestIDLost = "gateway-audit-request-id-lost" // lookup.go, handleLookup
)

// anonymousClient is who an unauthenticated lookup is served as under
// defectAuthBypass.
const anonymousClient = "anonymous"

// defect reports whether a seeded defect is switched on. It is asked per
// request: an admin endpoint may flip the switches while the world runs.
// The gateway's switches are world-wide, hence no service or province.
func (s *Server) defect(name string) bool {
	return httpx.On(s.defects, name)
}
