package sso

// Defects are seeded defects: named switches read where the behaviour is
// decided. *defects.Set (mocks/defects) implements it; nil = correct.
type Defects interface {
	Active(name, service, province string) (param string, on bool)
}

// defectWrongPassword (mocks/defects registry): POST /login accepts any
// non-empty password for a known personal ID.
const defectWrongPassword = "sso-wrong-password-accepted"

// defect reports whether a seeded defect is switched on. It is asked per
// request: an admin endpoint may flip the switches while the world runs.
// The SSO's switches are world-wide, hence no service or province.
func (s *Server) defect(name string) bool {
	if s.defects == nil {
		return false
	}
	_, on := s.defects.Active(name, "", "")
	return on
}
