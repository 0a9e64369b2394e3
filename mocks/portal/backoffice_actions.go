package portal

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// Officer actions (docs/officers.md, the table under "POST
// /dossiers/{code}/actions"), in the order the pages show them.
const (
	actReceive          = "receive"           // tiếp nhận
	actAssign           = "assign"            // phân công
	actApprove          = "approve"           // phê duyệt
	actSign             = "sign"              // ký số
	actReturn           = "return"            // trả kết quả
	actRequestDocuments = "request_documents" // yêu cầu bổ sung
	actRefuse           = "refuse"            // từ chối
)

var allActions = []string{actReceive, actAssign, actApprove, actSign, actReturn, actRequestDocuments, actRefuse}

// actionLabels are the buttons' Vietnamese words; actionDone what the page
// says after the action.
var (
	actionLabels = map[string]string{
		actReceive: "Tiếp nhận", actAssign: "Phân công xử lý", actApprove: "Phê duyệt", actSign: "Ký số kết quả",
		actReturn: "Trả kết quả", actRequestDocuments: "Yêu cầu bổ sung", actRefuse: "Từ chối",
	}
	actionDone = map[string]string{
		actReceive: "Đã tiếp nhận hồ sơ", actAssign: "Đã phân công xử lý hồ sơ", actApprove: "Đã phê duyệt hồ sơ",
		actSign: "Đã ký số kết quả giải quyết", actReturn: "Đã trả kết quả cho công dân",
		actRequestDocuments: "Đã yêu cầu công dân bổ sung hồ sơ", actRefuse: "Đã từ chối hồ sơ",
	}
)

// officeState is the dossier's back-office state, created on first use. The
// caller holds s.mu.
func (d *dossier) officeState() *officerOffice {
	if d.office == nil {
		d.office = &officerOffice{}
	}
	return d.office
}

// allowedActions are the actions an officer may take on the dossier now;
// none with automatic officers (they would race the scheduled steps). A
// fee dossier waits in payment_required, which counts as submitted for the
// officers: it may be refused, and received once paid. The caller holds
// s.mu.
func (s *Server) allowedActions(d *dossier) []string {
	if !s.manual() {
		return []string{}
	}
	switch d.status {
	case api.StatusSubmitted:
		return []string{actReceive, actRefuse}
	case api.StatusPaymentRequired:
		if d.paid {
			return []string{actReceive, actRefuse}
		}
		return []string{actRefuse}
	case api.StatusAccepted:
		return []string{actAssign, actRequestDocuments, actRefuse}
	case api.StatusProcessing:
		if d.office != nil && d.office.approved {
			return []string{actSign, actRequestDocuments, actRefuse}
		}
		return []string{actApprove, actRequestDocuments, actRefuse}
	case api.StatusFinished:
		return []string{actReturn}
	}
	return []string{}
}

// act takes one officer action on the dossier, by the officer by with the
// note (empty: the automatic officers' Vietnamese note). It refuses an
// action not allowed now (409 action_not_allowed). The caller holds s.mu.
//
// Seeded defects keep their effect with manual officers:
//   - status-stuck:<state> and chain-step-stuck (stuck): an action that
//     would leave the state is answered as done (200) and changes nothing,
//     as a portal that loses the officer's click; approve, which leaves no
//     state, still works.
//   - appointment-date-wrong: receive sets the calendar-day appointment
//     (appointment, as the automatic officers do).
//   - deadline-missed: the officers' work is dated as the automatic
//     officers' is: sign two working days after the appointment less an
//     hour, so return (after it) is late. The appointment itself is right.
//   - chain-broken, chain-wrong-applicant: sign opens the chain as the
//     automatic finish does (openChainStep).
func (s *Server) act(d *dossier, action, note string, by officer) *api.APIError {
	if !slices.Contains(allActions, action) {
		return &api.APIError{Status: http.StatusBadRequest, Code: api.CodeBadRequest,
			Message:   fmt.Sprintf("unknown action %q: want one of %s", action, strings.Join(allActions, ", ")),
			MessageVI: "Thao tác không hợp lệ"}
	}
	if utf8.RuneCountInString(note) > maxNote {
		return &api.APIError{Status: http.StatusBadRequest, Code: api.CodeBadRequest,
			Message: fmt.Sprintf("note is longer than %d characters", maxNote), MessageVI: fmt.Sprintf("Ghi chú dài quá %d ký tự", maxNote)}
	}
	allowed := s.allowedActions(d)
	// Seeded defect officer-action-unchecked: with manual officers, any
	// action is carried out, whatever the state.
	_, unchecked := s.defect(defectOfficerUnchecked, d.serviceID)
	if !slices.Contains(allowed, action) && !(unchecked && s.manual()) {
		list := strings.Join(allowed, ", ")
		if list == "" {
			list = "none"
		}
		why := ""
		if !s.manual() {
			why = " (automatic officers process this portal's dossiers)"
		}
		return &api.APIError{Status: http.StatusConflict, Code: codeActionNotAllowed,
			Message:   fmt.Sprintf("action %s is not allowed on dossier %s in status %s%s; allowed: %s", action, d.code, d.status, why, list),
			MessageVI: fmt.Sprintf("Không thể thực hiện thao tác %q với hồ sơ %s ở trạng thái hiện tại", actionLabels[action], d.code)}
	}
	s.touch(d)
	by.note = strings.TrimSpace(note)
	at := s.actionTime(d)
	if action == actApprove {
		d.officeState().approved = true
		return nil
	}
	if s.stuck(d) {
		return nil // seeded defect: see above
	}
	switch action {
	case actReceive:
		s.receive(d, at, &by)
	case actAssign:
		s.advanceBy(d, api.StatusProcessing, at, &by)
	case actSign:
		if _, on := s.defect(defectDeadlineMissed, d.serviceID); on {
			at = later(at, s.finishAt(d, at))
		}
		d.officeState().signed = s.issueResult(d, at)
		s.sign(d, at, &by)
	case actReturn:
		d.deliveredAt = at
		d.result = d.officeState().signed
		s.advanceBy(d, api.StatusDelivered, at, &by)
	case actRequestDocuments:
		s.advanceBy(d, statusSupplementRequested, at, &by)
	case actRefuse:
		s.advanceBy(d, statusRejected, at, &by)
	}
	return nil
}

// codeActionNotAllowed: the action does not apply in the dossier's state.
const codeActionNotAllowed = "action_not_allowed"

// actionTime is the world time of an officer's action: the dossier's now,
// but always after its last history entry, so the history stays in order
// even after a dated step (deadline-missed) or two actions in one second.
// The caller holds s.mu.
func (s *Server) actionTime(d *dossier) time.Time {
	at := d.now()
	if n := len(d.history); n > 0 {
		at = later(at, d.history[n-1].At.Add(time.Second))
	}
	return at
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
