package portal

// Seeded defects of what the web front shows a citizen (registered in
// mocks/defects/registry_page.go): the page prints a wrong value while the
// JSON API, the catalog and the workflow stay right, so only a check of
// the visible text catches them.
const (
	defectWebFeeWrong = "web-fee-wrong" // web_page_defects.go, feeShown
)

// feeShown is the fee the service page prints for a service of the
// catalog's fee.
//
// Seeded defect web-fee-wrong: the page prints 10.000 ₫ more than the
// catalog's fee (a free service shows a fee), an outdated fee table on the
// page; dossiers are still charged the catalog's fee.
func (s *Server) feeShown(service string, fee int64) int64 {
	if _, on := s.defect(defectWebFeeWrong, service); on {
		return fee + 10_000
	}
	return fee
}
