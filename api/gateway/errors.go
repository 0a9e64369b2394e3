package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
)

// Error is every non-2xx answer of the gateway. Its text carries the
// operation and the server's message, which never holds a full personal ID,
// a secret or a token.
type Error struct {
	Op        string // what was attempted, e.g. "population lookup", "token"
	Status    int    // HTTP status
	Code      string // e.g. not_found, invalid_client; "" when the body was not a known error shape
	Message   string
	MessageVI string
	Field     string // offending query parameter of a 400 invalid_request
}

func (e *Error) Error() string {
	s := fmt.Sprintf("gateway %s: %d", e.Op, e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	return s
}

// IsNotFound reports whether err is the gateway saying the database has no
// record for the query (not an unknown database or a wrong URL).
func IsNotFound(err error) bool {
	e, ok := errors.AsType[*Error](err)
	return ok && e.Status == http.StatusNotFound && e.Code == "not_found"
}

// StatusOf returns the HTTP status of a gateway error, or 0 when err is not
// an answer of the gateway (transport failure, nil).
func StatusOf(err error) int {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Status
	}
	return 0
}

// errorFromAnswer builds an *Error from a non-2xx answer. It understands the
// gateway's {"error":{...}} body and the OAuth {"error":"..."} body; for
// anything else it describes the body without quoting it, since a proxy's
// page could echo the request (and a personal ID in it).
func errorFromAnswer(op string, status int, contentType string, body []byte) *Error {
	e := &Error{Op: op, Status: status}
	var probe struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &probe) == nil && len(probe.Error) > 0 {
		var detail ErrorDetail
		if json.Unmarshal(probe.Error, &detail) == nil && detail.Code != "" {
			e.Code, e.Message, e.MessageVI, e.Field = detail.Code, detail.Message, detail.MessageVI, detail.Field
			return e
		}
		var oauth OAuthError
		if json.Unmarshal(body, &oauth) == nil && oauth.Error != "" {
			e.Code, e.Message = oauth.Error, oauth.Description
			return e
		}
	}
	mediaType, _, _ := mime.ParseMediaType(contentType)
	if mediaType == "" {
		mediaType = "no content type"
	}
	e.Message = fmt.Sprintf("unexpected answer (%s, %d bytes)", mediaType, len(body))
	return e
}
