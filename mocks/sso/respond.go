package sso

import (
	"errors"
	"net/http"
	"strings"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
)

// maxForm bounds form bodies: a login or token request is tiny.
const maxForm = 64 << 10

// parseForm reads a POST form body; a malformed or oversized body is the
// caller's 400, never a 500.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	return r.ParseForm()
}

// oauthError is an RFC 6749 §5.2 error, used by the token and userinfo
// endpoints and in error redirects from the authorization endpoint.
type oauthError struct {
	status      int
	code        string
	description string
}

func (e *oauthError) Error() string { return e.code + ": " + e.description }

func invalidRequest(desc string) *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_request", desc}
}

func invalidGrant(desc string) *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_grant", desc}
}

func invalidClient(desc string) *oauthError {
	return &oauthError{http.StatusUnauthorized, "invalid_client", desc}
}

func invalidToken(desc string) *oauthError {
	return &oauthError{http.StatusUnauthorized, "invalid_token", desc}
}

// serverError is a failure of the server itself (signing), never of input.
func serverError(err error) *oauthError {
	return &oauthError{http.StatusInternalServerError, "server_error", err.Error()}
}

func writeOAuthError(w http.ResponseWriter, err error) {
	var e *oauthError
	if !errors.As(err, &e) {
		e = invalidRequest(err.Error())
	}
	switch e.code {
	case "invalid_client":
		w.Header().Set("WWW-Authenticate", `Basic realm="sso"`)
	case "invalid_token":
		w.Header().Set("WWW-Authenticate", `Bearer realm="sso", error="invalid_token", error_description="`+strings.ReplaceAll(e.description, `"`, `'`)+`"`)
	}
	httpx.JSON(w, e.status, map[string]string{"error": e.code, "error_description": e.description})
}

// noStore marks a response that carries credentials or one-time state.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
}
