package gateway

import (
	"net/http"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

func errorBody(code, msg, msgVI, field string) gwapi.ErrorBody {
	return gwapi.ErrorBody{Error: gwapi.ErrorDetail{Code: code, Message: msg, MessageVI: msgVI, Field: field}}
}

// writeOAuthError writes the RFC 6749 error shape used by /oauth/token.
func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	httpx.JSON(w, status, gwapi.OAuthError{Error: code, Description: desc})
}
