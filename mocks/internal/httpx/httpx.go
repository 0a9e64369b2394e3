// Package httpx holds the few HTTP answers every mock repeats: a JSON
// reply, the house error body of docs/contracts.md's general rules, the
// health answer, and reading a seeded-defect switch. Protocol-specific
// shapes (DVCQG's error_code envelope, payment's MaLoi, OAuth errors) stay
// with their mock.
package httpx

import (
	"encoding/json"
	"net/http"
)

// Version is what every mock's health answer says.
const Version = "mock-1"

// JSON writes v as the JSON body of a status answer. A failed write means
// the client went away; nobody is left to tell.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ErrorDetail is the "error" member of the house error body; Field names a
// bad query parameter where one is to blame.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageVI string `json:"message_vi"`
	Field     string `json:"field,omitempty"`
}

// Error writes {"error":{"code","message","message_vi"[,"field"]}}.
func Error(w http.ResponseWriter, status int, code, msg, msgVI, field string) {
	JSON(w, status, struct {
		Error ErrorDetail `json:"error"`
	}{ErrorDetail{Code: code, Message: msg, MessageVI: msgVI, Field: field}})
}

// Health writes 200 {"status":"ok","system":system,"version":"mock-1"}.
func Health(w http.ResponseWriter, system string) {
	JSON(w, http.StatusOK, struct {
		Status  string `json:"status"`
		System  string `json:"system"`
		Version string `json:"version"`
	}{"ok", system, Version})
}

// Defects are seeded defects: named switches read where the behaviour is
// decided. *defects.Set (mocks/defects) implements it.
type Defects interface {
	Active(name, service, province string) (param string, on bool)
}

// Switch reads a defect switch scoped to a service and a province ("" for
// either when the system has no such notion); a nil set is a correct
// system. It is asked per request: an admin endpoint may flip switches
// while the world runs.
func Switch(d Defects, name, service, province string) (param string, on bool) {
	if d == nil {
		return "", false
	}
	return d.Active(name, service, province)
}

// On reports whether a world-wide defect switch is on.
func On(d Defects, name string) bool {
	_, on := Switch(d, name, "", "")
	return on
}
