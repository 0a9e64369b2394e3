package portal

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes of the portal (APIError.Code).
const (
	CodeBadRequest        = "bad_request"
	CodeUnauthenticated   = "unauthenticated"
	CodeNotFound          = "not_found"
	CodeConflict          = "conflict"
	CodeValidationFailed  = "validation_failed"
	CodeTooLarge          = "too_large"
	CodeUpstream          = "upstream_unavailable"
	CodeNothingToPay      = "nothing_to_pay"
	CodeIdempotencyReused = "idempotency_key_reused"
)

// Reasons of a 401 (APIError.Reason).
const (
	ReasonMissingToken  = "missing_token"
	ReasonMalformed     = "malformed_token"
	ReasonBadSignature  = "bad_signature"
	ReasonTokenExpired  = "token_expired"
	ReasonWrongIssuer   = "wrong_issuer"
	ReasonWrongAudience = "wrong_audience"
	ReasonNoSubject     = "invalid_subject"
	ReasonInvalid       = "invalid_token" // any other defect (e.g. not yet valid)
)

// APIError is a non-2xx answer. On the wire it is the "error" member of
// ErrorBody; Status is the HTTP status and is not serialised.
type APIError struct {
	Status    int          `json:"-"`
	Code      string       `json:"code"`
	Message   string       `json:"message"`
	MessageVI string       `json:"message_vi"`
	Reason    string       `json:"reason,omitempty"` // 401 only
	Fields    []FieldError `json:"fields,omitempty"` // 422 only: every bad field
}

// FieldError names one bad field (a form field's wire name, "service_id",
// or an attachment type).
type FieldError struct {
	Field     string `json:"field"`
	Message   string `json:"message"`
	MessageVI string `json:"message_vi"`
}

// ErrorBody is the JSON body of every error answer.
type ErrorBody struct {
	Error APIError `json:"error"`
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "portal: %d %s", e.Status, e.Code)
	if e.Reason != "" {
		fmt.Fprintf(&b, " (%s)", e.Reason)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	return b.String()
}

// Field returns the error about the named field, or nil.
func (e *APIError) Field(name string) *FieldError {
	for i := range e.Fields {
		if e.Fields[i].Field == name {
			return &e.Fields[i]
		}
	}
	return nil
}

// StatusOf is the HTTP status of an *APIError in err's chain, or 0.
func StatusOf(err error) int {
	if e, ok := errors.AsType[*APIError](err); ok {
		return e.Status
	}
	return 0
}

// IsNotFound reports whether err is a 404 answer (also: a result not yet delivered).
func IsNotFound(err error) bool { return StatusOf(err) == 404 }
