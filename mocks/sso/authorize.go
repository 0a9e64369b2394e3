package sso

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	"github.com/dvcqa/dvcqa/vocab"
)

// authParams are the authorization request parameters the login page
// carries in hidden inputs; others are ignored (RFC 6749 §3.1).
var authParams = []string{
	"response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
	"code_challenge", "code_challenge_method", "acr_values", "prompt",
}

// msgBadCredentials is the contract's login failure message.
const msgBadCredentials = "Số định danh hoặc mật khẩu không đúng"

// authRequest is a checked authorization request.
type authRequest struct {
	params url.Values // only authParams
	client Client
	scope  string // granted: the supported scopes asked for
	acr    string // wso2: the level the login reaches (wso2.go); "" in oidc
}

// pageError is a request problem shown to the user, never redirected: the
// redirect URI is not trusted yet.
type pageError struct{ vi, en string }

// checkAuthRequest validates the parameters of GET /authorize or of the
// hidden inputs posted to /login. It returns a pageError before the client
// and redirect URI are established, an oauthError (to be redirected) after.
func (s *Server) checkAuthRequest(in url.Values) (*authRequest, *pageError, *oauthError) {
	req := &authRequest{params: url.Values{}}
	for _, k := range authParams {
		switch v := in[k]; len(v) {
		case 0:
		case 1:
			req.params.Set(k, v[0])
		default:
			return nil, &pageError{"Tham số " + k + " bị lặp lại.", "parameter " + k + " is repeated"}, nil
		}
	}
	p := req.params
	c, ok := s.clients[p.Get("client_id")]
	if !ok {
		return nil, &pageError{"Ứng dụng (client_id) chưa được đăng ký.", "unknown client_id"}, nil
	}
	if !slices.Contains(c.RedirectURIs, p.Get("redirect_uri")) {
		return nil, &pageError{"Địa chỉ chuyển hướng (redirect_uri) chưa được đăng ký cho ứng dụng này.", "redirect_uri is not registered for this client"}, nil
	}
	req.client = c
	if p.Get("response_type") != "code" {
		return req, nil, &oauthError{http.StatusFound, "unsupported_response_type", "response_type must be code"}
	}
	asked := strings.Fields(p.Get("scope"))
	if !slices.Contains(asked, "openid") {
		return req, nil, &oauthError{http.StatusFound, "invalid_scope", "scope must include openid"}
	}
	req.scope = grantedScopes(asked)
	if s.dialect == vocab.DialectSSOWSO2 {
		req.acr = grantedACR(p.Get("acr_values"))
	}
	if prompt := strings.Fields(p.Get("prompt")); slices.Contains(prompt, "none") && len(prompt) > 1 {
		return req, nil, &oauthError{http.StatusFound, "invalid_request", "prompt=none cannot be combined with other values"} // OIDC Core §3.1.2.1
	}
	challenge := p.Get("code_challenge")
	switch {
	case challenge == "" && c.Secret == "":
		return req, nil, &oauthError{http.StatusFound, "invalid_request", "public clients must send a PKCE code_challenge (S256)"}
	case challenge == "" && p.Has("code_challenge_method"):
		return req, nil, &oauthError{http.StatusFound, "invalid_request", "code_challenge_method without code_challenge"}
	case challenge != "" && p.Get("code_challenge_method") != "S256":
		return req, nil, &oauthError{http.StatusFound, "invalid_request", "code_challenge_method must be S256"}
	case challenge != "" && !validChallenge(challenge):
		return req, nil, &oauthError{http.StatusFound, "invalid_request", "code_challenge must be 43 base64url characters"}
	}
	return req, nil, nil
}

// validChallenge: an S256 challenge is an unpadded base64url SHA-256 (43 chars).
func validChallenge(c string) bool {
	if len(c) != 43 {
		return false
	}
	_, err := b64.DecodeString(c)
	return err == nil
}

// authorize answers GET and POST alike (OIDC Core §3.1.2.1: a POST carries
// the parameters form-encoded). The mock keeps no login session, so
// prompt=none is always login_required (§3.1.2.6).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	in := r.URL.Query()
	if r.Method == http.MethodPost {
		if s.defect(defectAuthorizePostRefused) {
			// Seeded defect: POST is not routed.
			w.Header().Set("Allow", http.MethodGet)
			httpx.Error(w, http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed", "Phương thức không được hỗ trợ", "")
			return
		}
		if err := parseForm(w, r); err != nil {
			s.renderError(w, http.StatusBadRequest, &pageError{"Dữ liệu gửi lên không hợp lệ.", "malformed form body"})
			return
		}
		in = r.PostForm
	}
	req, perr, oerr := s.checkAuthRequest(in)
	switch {
	case perr != nil:
		s.renderError(w, http.StatusBadRequest, perr)
	case oerr != nil:
		s.redirect(w, req, url.Values{"error": {oerr.code}, "error_description": {oerr.description}})
	case slices.Contains(strings.Fields(req.params.Get("prompt")), "none") && !s.defect(defectPromptNoneShowsLogin):
		s.redirect(w, req, url.Values{"error": {"login_required"}, "error_description": {"no login session, and prompt=none forbids the login page"}})
	default:
		s.renderLogin(w, http.StatusOK, req, "", "")
	}
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	if err := parseForm(w, r); err != nil {
		s.renderError(w, http.StatusBadRequest, &pageError{"Dữ liệu gửi lên không hợp lệ.", "malformed form body"})
		return
	}
	req, perr, oerr := s.checkAuthRequest(r.PostForm)
	switch {
	case perr != nil:
		s.renderError(w, http.StatusBadRequest, perr)
		return
	case oerr != nil:
		s.redirect(w, req, url.Values{"error": {oerr.code}, "error_description": {oerr.description}})
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	if !s.checkPassword(username, r.PostForm.Get("password")) {
		s.renderLogin(w, http.StatusUnauthorized, req, username, msgBadCredentials)
		return
	}
	s.redirect(w, req, url.Values{"code": {s.newCode(req, username, s.now())}})
}

// newCode issues the code of a checked request for the citizen who logged
// in at authTime.
func (s *Server) newCode(req *authRequest, sub string, authTime time.Time) string {
	p := req.params
	return s.putCode(&authCode{
		grant: grant{
			clientID: req.client.ID,
			sub:      sub,
			scope:    req.scope,
			nonce:    p.Get("nonce"),
			authTime: authTime,
			acr:      req.acr,
		},
		redirectURI: p.Get("redirect_uri"),
		challenge:   p.Get("code_challenge"),
		expires:     s.now().Add(CodeTTL),
	})
}

func (s *Server) checkPassword(personalID, password string) bool {
	a, ok := s.accounts[personalID]
	if !ok {
		return false
	}
	if password != "" && s.defect(defectWrongPassword) {
		return true // seeded defect: the password is not checked
	}
	return subtle.ConstantTimeCompare([]byte(password), []byte(a.Password)) == 1
}

// redirect sends the authorization response to the (registered) redirect
// URI, with the state and, per RFC 9207, the issuer.
func (s *Server) redirect(w http.ResponseWriter, req *authRequest, params url.Values) {
	u, _ := url.Parse(req.params.Get("redirect_uri")) // registered, parsed in New
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	if st := req.params.Get("state"); st != "" {
		q.Set("state", st)
	}
	q.Set("iss", s.issuer)
	u.RawQuery = q.Encode()
	w.Header().Set("Location", u.String())
	w.WriteHeader(http.StatusFound)
}
