package officer

import "github.com/dvcqa/dvcqa/api/portal"

// Actions an officer takes (docs/officers.md, POST /dossiers/{code}/actions).
const (
	Receive          = "receive"           // tiếp nhận: submitted (paid) → accepted, sets the appointment
	Assign           = "assign"            // phân công: accepted → processing
	Approve          = "approve"           // phê duyệt: processing → processing, approved
	Sign             = "sign"              // ký số: processing (approved) → finished, the signed result issued
	Return           = "return"            // trả kết quả: finished → delivered
	RequestDocuments = "request_documents" // yêu cầu bổ sung: accepted, processing → supplement_requested
	Refuse           = "refuse"            // từ chối: submitted, accepted, processing → rejected
)

// States off the catalog workflows that officers' actions lead to.
const (
	StatusSupplementRequested = "supplement_requested"
	StatusRejected            = portal.StatusRejected
)

// AllActions are the contract's actions in the order of its table.
var AllActions = []string{Receive, Assign, Approve, Sign, Return, RequestDocuments, Refuse}

// Processing is the order an officer processes a dossier to its delivered
// result in.
var Processing = []string{Receive, Assign, Approve, Sign, Return}

// moves is the contract's table: from which states each action moves a
// dossier, and to which state. It is the harness's own reference, written
// from docs/officers.md, never from the back office's code. A dossier with
// a fee waits in payment_required (its catalog workflow's second state)
// where the table says "submitted (paid, if it has a fee)".
var moves = map[string]struct {
	from []string
	to   string // "" = the state it was in
}{
	Receive:          {[]string{portal.StatusSubmitted, portal.StatusPaymentRequired}, portal.StatusAccepted},
	Assign:           {[]string{portal.StatusAccepted}, portal.StatusProcessing},
	Approve:          {[]string{portal.StatusProcessing}, ""},
	Sign:             {[]string{portal.StatusProcessing}, portal.StatusFinished},
	Return:           {[]string{portal.StatusFinished}, portal.StatusDelivered},
	RequestDocuments: {[]string{portal.StatusAccepted, portal.StatusProcessing}, StatusSupplementRequested},
	Refuse:           {[]string{portal.StatusSubmitted, portal.StatusPaymentRequired, portal.StatusAccepted, portal.StatusProcessing}, StatusRejected},
}

// Next is the state an action moves a dossier in state to; ok is false
// when the contract does not allow the action there (409
// action_not_allowed) or knows no such action. It does not know the
// dossier's approval or payment: Allowed does.
func Next(state, action string) (to string, ok bool) {
	m, known := moves[action]
	if !known {
		return "", false
	}
	for _, f := range m.from {
		if f == state {
			if m.to == "" {
				return state, true
			}
			return m.to, true
		}
	}
	return "", false
}

// Allowed are the actions the contract allows on a dossier in state, in
// the table's order: approve only while not approved, sign only once
// approved, receive only once nothing is left to pay (payable: the fee is
// paid, or there is none).
func Allowed(state string, approved, payable bool) []string {
	out := []string{}
	for _, a := range AllActions {
		if _, ok := Next(state, a); !ok {
			continue
		}
		switch {
		case a == Approve && approved, a == Sign && !approved, a == Receive && !payable:
			continue
		}
		out = append(out, a)
	}
	return out
}

// ApprovedAfter is the approved flag after action on a dossier whose flag
// was before: approve sets it, and nothing in the contract clears it.
func ApprovedAfter(before bool, action string) bool { return before || action == Approve }
