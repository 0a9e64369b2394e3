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
	CodeNotWithdrawable   = "not_withdrawable" // the dossier has finished processing
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

// Field-error codes (FieldError.Code): why one field was refused, so that a
// client tells a malformed value from a well-formed one that is wrong.
const (
	FieldRequired          = "required"               // a required field or attachment is missing
	FieldInvalidFormat     = "invalid_format"         // not of the field's type, pattern, options or length
	FieldNationalMismatch  = "national_data_mismatch" // a read-only (prefilled) value differs from national data
	FieldUnknown           = "unknown_field"          // not a field of the service
	FieldUnknownService    = "unknown_service"        // service_id names no service
	FieldInvalidAttachment = "invalid_attachment"     // an attachment that is unknown, of another type, or not accepted
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

	// Authenticate is the WWW-Authenticate header of the answer (a 401's
	// challenge); not part of the JSON body.
	Authenticate string `json:"-"`
}

// FieldError names one bad field (a form field's wire name, "service_id",
// or an attachment type).
type FieldError struct {
	Field     string `json:"field"`
	Code      string `json:"code"` // Field* above
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

// IsNotWithdrawable reports whether err is the portal's refusal to withdraw
// a dossier that has finished processing (409 not_withdrawable).
func IsNotWithdrawable(err error) bool {
	e, ok := errors.AsType[*APIError](err)
	return ok && e.Status == 409 && e.Code == CodeNotWithdrawable
}
