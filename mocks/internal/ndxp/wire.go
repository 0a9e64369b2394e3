// Package ndxp is the mock data-exchange world's own vocabulary, shared by
// the mock gateway and the mock national databases (which talk to each
// other in it): JSON shapes, headers, and the lookup-query rule, written
// from docs/contracts.md ("Data-exchange gateway"). The harness's client
// (api/gateway) has its own; the two never share code.
package ndxp

import "time"

// Headers of the gateway protocol.
const (
	HeaderPurpose     = "X-Purpose"      // free text: why the lookup is made, e.g. "prefill DV01"
	HeaderRequestID   = "X-Request-ID"   // correlates a lookup across gateway, database and audit log
	HeaderInternalKey = "X-Internal-Key" // gateway → database server shared secret
)

// Record is one flat record of a national database: field name → value.
type Record map[string]string

// TokenResponse answers POST /oauth/token.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
}

// OAuthError is the RFC 6749 error body of /oauth/token.
type OAuthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// RecordsResponse answers GET /api/v1/{db}/records.
type RecordsResponse struct {
	Database string            `json:"database"`
	Query    map[string]string `json:"query"`
	Records  []Record          `json:"records"`
}

// DatabaseAnswer is what a database server answers on GET /records.
type DatabaseAnswer struct {
	Records []Record `json:"records"`
}

// AuditEntry is one lookup in the gateway's audit log. In the
// /api/v1/audit answer Value is masked (see MaskID).
type AuditEntry struct {
	At        time.Time `json:"at"`
	ClientID  string    `json:"client_id"`
	Database  string    `json:"database"`
	Key       string    `json:"key"`
	Value     string    `json:"value"`
	Purpose   string    `json:"purpose"`
	RequestID string    `json:"request_id"`
	Status    int       `json:"status"`         // HTTP status the gateway answered
	Code      string    `json:"code,omitempty"` // error code when Status is not 200
}

// AuditResponse answers GET /api/v1/audit.
type AuditResponse struct {
	Entries []AuditEntry `json:"entries"`
}

// Health answers GET /healthz of the gateway (Databases set) and of a
// database server (Database set).
type Health struct {
	Status    string            `json:"status"` // ok | degraded | down
	System    string            `json:"system"`
	Version   string            `json:"version"`
	Database  string            `json:"database,omitempty"`
	Databases map[string]string `json:"databases,omitempty"` // db id → ok | down
}

// ErrorBody is the JSON error body of every non-OAuth endpoint.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody. Field names the offending query
// parameter of a 400 invalid_request.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageVI string `json:"message_vi"`
	Field     string `json:"field,omitempty"`
}
