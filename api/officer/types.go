// Package officer is dvcqa's client of a portal's back office (the officers'
// side of the one-stop system, "Một cửa điện tử"): a test officer logs in
// and acts on dossiers — receive (tiếp nhận), assign (phân công), approve
// (phê duyệt), sign (ký số), return the result (trả kết quả), ask for more
// documents or refuse. The contract is docs/officers.md; the mock back
// office (mocks/portal) is written apart from this package, against the
// same page, so that the two cannot agree on a mistake.
package officer

import (
	"time"

	"github.com/dvcqa/dvcqa/api/portal"
)

// Session is the answer of POST /session: the bearer token and who it is.
type Session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Officer   Officer   `json:"officer"`
}

// Officer is the account logged in: the name, title and unit its history
// entries carry.
type Officer struct {
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Title    string `json:"title"`
	Unit     string `json:"unit"`
}

// Applicant is a dossier's applicant as the back office names it (snake
// case, unlike the citizen API's SoDinhDanh/HoVaTen).
type Applicant struct {
	SoDinhDanh string `json:"so_dinh_danh"` // 12-digit personal ID
	HoVaTen    string `json:"ho_va_ten"`    // full name
}

// Dossier is one dossier as the back office shows it: the list's item, and
// with History when read alone (GET /dossiers/{code}) or after an action.
type Dossier struct {
	ID            string    `json:"id"`
	Code          string    `json:"code"`
	ServiceID     string    `json:"service_id"`
	ProcedureCode string    `json:"procedure_code"`
	Status        string    `json:"status"`
	Applicant     Applicant `json:"applicant"`
	SubmittedAt   time.Time `json:"submitted_at"`
	// AppointmentAt is absent (zero) until the dossier is received.
	AppointmentAt time.Time `json:"appointment_at,omitzero"`
	Approved      bool      `json:"approved"`
	// Actions are the actions allowed now (Allowed is the harness's reference).
	Actions []string `json:"actions"`
	// History is the citizen API's history entries; absent from list items.
	History []portal.HistoryEntry `json:"history,omitempty"`
}

// actionRequest is the body of POST /dossiers/{code}/actions.
type actionRequest struct {
	Action string `json:"action"`
	Note   string `json:"note,omitempty"`
}

// loginRequest is the body of POST /session.
type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// list is the answer of GET /dossiers when the back office wraps it.
type list struct {
	Dossiers []Dossier `json:"dossiers"`
}
