package portal

import "time"

// Seeded defects of what the web front shows a citizen (registered in
// mocks/defects/registry_page.go): the page prints a wrong value while the
// JSON API, the catalog and the workflow stay right, so only a check of
// the visible text catches them.
const (
	defectWebFeeWrong         = "web-fee-wrong"              // web_page_defects.go, feeShown
	defectWebStatusLabelWrong = "web-status-label-wrong"     // web_page_defects.go, statusShown
	defectWebAppointmentWrong = "web-appointment-date-wrong" // web_page_defects.go, appointmentShown
	defectWebResultApplicant  = "web-result-applicant-wrong" // web_page_defects.go, applicantIDShown
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

// statusShown is the Vietnamese status label the dossier page prints.
//
// Seeded defect web-status-label-wrong: a delivered dossier is labelled
// "Đã xử lý xong" (finished), so the citizen is not told the result was
// handed over; data-status and the API still say delivered.
func (s *Server) statusShown(service, status string) string {
	if _, on := s.defect(defectWebStatusLabelWrong, service); on && status == "delivered" {
		return statusText("finished")
	}
	return statusText(status)
}

// appointmentShown is the appointment the dossier page prints.
//
// Seeded defect web-appointment-date-wrong: the page prints the
// appointment one day later than the dossier's (an off-by-one in the
// page's date arithmetic); the API's appointment_at is right.
func (s *Server) appointmentShown(service string, at time.Time) time.Time {
	if _, on := s.defect(defectWebAppointmentWrong, service); on && !at.IsZero() {
		return at.AddDate(0, 0, 1)
	}
	return at
}

// applicantIDShown is the recipient's personal ID the result page prints.
//
// Seeded defect web-result-applicant-wrong: the page prints the ID with
// its last digit off by one (another citizen's ID on the citizen's
// result); the signed result and the API name the right applicant.
func (s *Server) applicantIDShown(service, id string) string {
	if _, on := s.defect(defectWebResultApplicant, service); on && id != "" {
		last := id[len(id)-1]
		if last >= '0' && last <= '9' {
			return id[:len(id)-1] + string(rune('0'+(last-'0'+1)%10))
		}
	}
	return id
}
