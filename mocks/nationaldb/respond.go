package nationaldb

import (
	"encoding/json"
	"net/http"

	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client is the only one who could notice a failure
}

func writeError(w http.ResponseWriter, status int, code, msg, msgVI, field string) {
	writeJSON(w, status, gwapi.ErrorBody{Error: gwapi.ErrorDetail{Code: code, Message: msg, MessageVI: msgVI, Field: field}})
}
