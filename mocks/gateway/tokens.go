package gateway

import (
	"crypto/rand"
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

// tokenTTL is the lifetime of an access token (expires_in 3600).
const tokenTTL = time.Hour

// token is what an opaque access token stands for.
type token struct {
	clientID string
	scopes   []string
	expires  time.Time
}

// handleToken is the client-credentials grant (RFC 6749 §4.4).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if !allow(w, r, http.MethodPost) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return
	}
	form := r.PostForm // RFC 6749: parameters go in the body, not the URL
	switch gt := form.Get("grant_type"); gt {
	case "client_credentials":
	case "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "grant_type is required")
		return
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "only client_credentials is supported")
		return
	}

	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: Basic credentials are form-encoded first.
		id, secret = unescape(id), unescape(secret)
		if form.Has("client_id") || form.Has("client_secret") {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "use one client authentication method, not both")
			return
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	c, known := s.clients[id]
	secretOK := known && subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) == 1
	if known && !secretOK && s.defect(defectAuthBypass) {
		secretOK = true // seeded defect: the secret of a known client is not checked
	}
	if !secretOK {
		w.Header().Set("WWW-Authenticate", `Basic realm="gateway"`)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	}

	scopes := c.Scopes
	if req := strings.Fields(form.Get("scope")); len(req) > 0 {
		for _, sc := range req {
			if !slices.Contains(c.Scopes, sc) {
				writeOAuthError(w, http.StatusBadRequest, "invalid_scope", "scope "+sc+" is not granted to this client")
				return
			}
		}
		scopes = req
	}

	tok := rand.Text()
	now := s.now()
	s.mu.Lock()
	for t, info := range s.tokens { // keep the map from growing over a long run
		if !now.Before(info.expires) {
			delete(s.tokens, t)
		}
	}
	s.tokens[tok] = token{clientID: c.ID, scopes: scopes, expires: now.Add(tokenTTL)}
	s.mu.Unlock()

	w.Header().Set("Cache-Control", "no-store")
	httpx.JSON(w, http.StatusOK, gwapi.TokenResponse{
		AccessToken: tok,
		TokenType:   "Bearer",
		ExpiresIn:   int(tokenTTL / time.Second),
		Scope:       strings.Join(scopes, " "),
	})
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s // not encoded after all; compare as sent
}

// authError is why a bearer token was refused.
type authError struct{ msg, msgVI string }

// authenticate resolves the request's bearer token.
func (s *Server) authenticate(r *http.Request) (token, *authError) {
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if h == "" || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return token{}, &authError{"missing bearer token", "Thiếu mã truy cập"}
	}
	s.mu.Lock()
	info, ok := s.tokens[strings.TrimSpace(tok)]
	s.mu.Unlock()
	switch {
	case !ok:
		return token{}, &authError{"unknown access token", "Mã truy cập không hợp lệ"}
	case !s.now().Before(info.expires):
		return token{}, &authError{"access token expired", "Mã truy cập đã hết hạn"}
	}
	return info, nil
}

// bearerChallenge is the RFC 6750 WWW-Authenticate value of a 401.
const bearerChallenge = `Bearer realm="gateway", error="invalid_token"`

func writeUnauthenticated(w http.ResponseWriter, e *authError) {
	w.Header().Set("WWW-Authenticate", bearerChallenge)
	httpx.Error(w, http.StatusUnauthorized, "unauthenticated", e.msg, e.msgVI, "")
}
