package payment

import "github.com/dvcqa/dvcqa/mocks/internal/httpx"

// Defects are seeded defects: named switches read where the behaviour is
// decided. *defects.Set (mocks/defects) implements it; nil = correct.
type Defects = httpx.Defects

// defectUnsignedInit (mocks/defects registry): INIT (and QUERY) messages
// with a wrong MaXacThuc are accepted as if signed.
const defectUnsignedInit = "payment-init-unsigned-accepted"

// defectFieldOrder (mocks/defects registry_shared.go): the platform builds
// every MaXacThuc (INIT and QUERY checked, callbacks signed) over its fields
// in reverse order, so genuine partners' messages fail and its callbacks do
// not verify.
const defectFieldOrder = "payment-signature-field-order"

// defectCallbackFieldOrder (registry_shared.go): only the callbacks are
// signed over their fields in reverse order; INIT and QUERY are checked
// right, so the citizen pays and the partner cannot believe it.
const defectCallbackFieldOrder = "payment-callback-field-order"

// defect reports whether a seeded defect is switched on. It is asked per
// request: an admin endpoint may flip the switches while the world runs.
// The platform's switches are world-wide, hence no service or province.
func (s *Server) defect(name string) bool {
	return httpx.On(s.defects, name)
}

// signed decides whether a partner's message counts as signed, given
// whether its MaXacThuc verified.
func (s *Server) signed(verified bool) bool {
	return verified || s.defect(defectUnsignedInit) // seeded defect: the signature is not checked
}

// signer is the MaXacThuc builder in force for this request.
func (s *Server) signer() signer { return signer{reversed: s.defect(defectFieldOrder)} }
