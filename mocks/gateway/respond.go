package gateway

import (
	"encoding/json"
	"net/http"

	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // only the client could notice a failure
}

func writeError(w http.ResponseWriter, status int, code, msg, msgVI, field string) {
	writeJSON(w, status, errorBody(code, msg, msgVI, field))
}

func errorBody(code, msg, msgVI, field string) gwapi.ErrorBody {
	return gwapi.ErrorBody{Error: gwapi.ErrorDetail{Code: code, Message: msg, MessageVI: msgVI, Field: field}}
}

// writeOAuthError writes the RFC 6749 error shape used by /oauth/token.
func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, gwapi.OAuthError{Error: code, Description: desc})
}
