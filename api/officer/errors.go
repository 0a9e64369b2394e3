package officer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Error codes of the back office (APIError.Code), docs/officers.md.
const (
	CodeUnauthorized     = "unauthorized"       // 401: wrong password, no or expired token
	CodeNotFound         = "not_found"          // 404: unknown dossier code
	CodeBadRequest       = "bad_request"        // 400: unknown action, malformed body
	CodeActionNotAllowed = "action_not_allowed" // 409: the action is not allowed in the dossier's state
)

// APIError is a non-2xx answer of the back office: the HTTP status and the
// error body's code and messages. Op says which call it answered.
type APIError struct {
	Op        string `json:"-"`
	Status    int    `json:"-"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageVI string `json:"message_vi"`
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("back office %s: %d %s", e.Op, e.Status, e.Code)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// StatusOf is the HTTP status of an *APIError in err's chain, or 0.
func StatusOf(err error) int {
	if e, ok := errors.AsType[*APIError](err); ok {
		return e.Status
	}
	return 0
}

// CodeOf is the error code of an *APIError in err's chain, or "".
func CodeOf(err error) string {
	if e, ok := errors.AsType[*APIError](err); ok {
		return e.Code
	}
	return ""
}

// IsActionNotAllowed reports whether err is the refusal of an action the
// dossier's state does not allow (409 action_not_allowed).
func IsActionNotAllowed(err error) bool {
	return StatusOf(err) == 409 && CodeOf(err) == CodeActionNotAllowed
}

// decodeError reads an error answer. The contract gives the citizen API's
// error shape, which on the citizen API is wrapped ({"error":{…}}) while
// the contract's examples show the members bare ({"code":…}): both are
// read. Any other body is kept, shortened, as the message.
func decodeError(op string, status int, data []byte) *APIError {
	var wrapped struct {
		Error *APIError `json:"error"`
	}
	if json.Unmarshal(data, &wrapped) == nil && wrapped.Error != nil && wrapped.Error.Code != "" {
		wrapped.Error.Op, wrapped.Error.Status = op, status
		return wrapped.Error
	}
	var bare APIError
	if json.Unmarshal(data, &bare) == nil && bare.Code != "" {
		bare.Op, bare.Status = op, status
		return &bare
	}
	msg := strings.TrimSpace(string(data))
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return &APIError{Op: op, Status: status, Code: fmt.Sprintf("http_%d", status), Message: msg}
}
