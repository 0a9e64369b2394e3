package sso

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Dialect wso2: the national portal's SSO as its public configurations
// show it (../shared/protocols-public.md, "SSO"): WSO2 Identity Server
// style endpoints /oauth2/authorize, /oauth2/token, /oauth2/userinfo,
// /oauth2/jwks, the discovery document under the issuer
// …/oauth2/token/.well-known/openid-configuration (WSO2's issuer is its
// token endpoint; unverified for the national portal), login pages under
// /authenticationendpoint/, a confidential client (client_secret_basic or
// client_secret_post), acr_values LoA levels answered by the ID token's
// acr. PKCE is accepted but not required of a confidential client and not
// advertised (none was seen in the public configurations).
//
// The login is WSO2's round trip: /oauth2/authorize keeps the request
// under a sessionDataKey and redirects to /authenticationendpoint/login.do;
// its form posts to /commonauth, which on success redirects back to
// /oauth2/authorize?sessionDataKey=…, which answers the code. A wrong
// password redirects to login.do again with authFailure=true.

const (
	wso2Issuer    = "/oauth2/token" // the issuer, relative to the mount point
	wso2LoginPage = "/authenticationendpoint/login.do"
	wso2CommonAu  = "/commonauth"
	// pendingTTL is how long a sessionDataKey waits for the credentials.
	pendingTTL = 10 * time.Minute
)

// acrLevels are the levels of assurance the mock reaches, lowest first.
// A password login reaches LoA2 at most here (unverified: VNeID's level 2
// is an identified account).
var acrLevels = []string{"LoA1", "LoA2"}

// grantedACR is the acr of a login for acr_values: the first requested
// level the mock reaches, else LoA1 (OIDC Core §3.1.2.1: acr_values is a
// voluntary request; the client judges the answer).
func grantedACR(acrValues string) string {
	for _, v := range strings.Fields(acrValues) {
		for _, l := range acrLevels {
			if strings.EqualFold(v, l) {
				return l
			}
		}
	}
	return acrLevels[0]
}

// pendingLogin is an authorization request waiting at the login page
// (sub "") or logged in and waiting to be answered with a code.
type pendingLogin struct {
	req      *authRequest
	sub      string
	authTime time.Time
	expires  time.Time
}

func (s *Server) wso2Routes() map[string]map[string]http.HandlerFunc {
	return map[string]map[string]http.HandlerFunc{
		wso2Issuer + "/.well-known/openid-configuration": {http.MethodGet: s.discovery},
		"/oauth2/jwks":      {http.MethodGet: s.jwks},
		"/oauth2/authorize": {http.MethodGet: s.wso2Authorize, http.MethodPost: s.wso2Authorize},
		wso2LoginPage:       {http.MethodGet: s.wso2LoginForm},
		wso2CommonAu:        {http.MethodPost: s.wso2CommonAuth},
		"/oauth2/token":     {http.MethodPost: s.token},
		"/oauth2/userinfo":  {http.MethodGet: s.userinfo, http.MethodPost: s.userinfo},
		"/oidc/logout":      {http.MethodGet: s.logout},
		"/healthz":          {http.MethodGet: s.healthz},
	}
}

// wso2Discovery rewrites the document for the WSO2 paths.
func (s *Server) wso2Discovery(d *discoveryDoc) {
	d.AuthorizationEndpoint = s.base + "/oauth2/authorize"
	d.TokenEndpoint = s.base + "/oauth2/token"
	d.UserinfoEndpoint = s.base + "/oauth2/userinfo"
	d.JWKSURI = s.base + "/oauth2/jwks"
	d.EndSessionEndpoint = s.base + "/oidc/logout"
	d.CodeChallengeMethodsSupported = nil // accepted, not advertised
	d.TokenEndpointAuthMethodsSupported = []string{"client_secret_basic", "client_secret_post"}
	d.ACRValuesSupported = slices.Clone(acrLevels)
	d.ClaimsSupported = append(d.ClaimsSupported, "acr")
}

// wso2Authorize answers an authorization request (GET or POST) with a
// redirect to the login page, or, with the sessionDataKey of a finished
// login, the code.
func (s *Server) wso2Authorize(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	in := r.URL.Query()
	if r.Method == http.MethodPost {
		if s.defect(defectAuthorizePostRefused) {
			w.Header().Set("Allow", http.MethodGet)
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		if err := parseForm(w, r); err != nil {
			s.renderError(w, http.StatusBadRequest, &pageError{"Dữ liệu gửi lên không hợp lệ.", "malformed form body"})
			return
		}
		in = r.PostForm
	}
	if key := in.Get("sessionDataKey"); key != "" && !in.Has("client_id") {
		p := s.takePending(key, true)
		if p == nil {
			s.renderError(w, http.StatusBadRequest, &pageError{"Phiên đăng nhập không hợp lệ hoặc đã hết hạn.", "unknown or expired sessionDataKey"})
			return
		}
		s.redirect(w, p.req, url.Values{"code": {s.newCode(p.req, p.sub, p.authTime)}})
		return
	}
	req, perr, oerr := s.checkAuthRequest(in)
	switch {
	case perr != nil:
		s.renderError(w, http.StatusBadRequest, perr)
	case oerr != nil:
		s.redirect(w, req, url.Values{"error": {oerr.code}, "error_description": {oerr.description}})
	case slices.Contains(strings.Fields(req.params.Get("prompt")), "none") && !s.defect(defectPromptNoneShowsLogin):
		s.redirect(w, req, url.Values{"error": {"login_required"}, "error_description": {"no login session, and prompt=none forbids the login page"}})
	case s.sessionOf(r) != nil && !slices.Contains(strings.Fields(req.params.Get("prompt")), "login"):
		// A remembered login (commonAuthId): no form, the code at once.
		ss := s.sessionOf(r)
		s.redirect(w, req, url.Values{"code": {s.newCode(req, ss.sub, ss.authTime)}})
	default:
		key := s.putPending(&pendingLogin{req: req, expires: s.now().Add(pendingTTL)})
		q := url.Values{"sessionDataKey": {key}, "client_id": {req.client.ID}, "scope": {req.params.Get("scope")}}
		w.Header().Set("Location", s.base+wso2LoginPage+"?"+q.Encode())
		w.WriteHeader(http.StatusFound)
	}
}

// wso2LoginForm shows the login form of a pending request.
func (s *Server) wso2LoginForm(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	q := r.URL.Query()
	key := q.Get("sessionDataKey")
	if p := s.peekPending(key); p == nil {
		s.renderError(w, http.StatusBadRequest, &pageError{"Phiên đăng nhập không hợp lệ hoặc đã hết hạn.", "unknown or expired sessionDataKey"})
		return
	}
	status, msg := http.StatusOK, ""
	if q.Get("authFailure") == "true" {
		msg = msgBadCredentials
	}
	s.render(w, status, "login", pageView{Title: pageTitle, Action: s.base + wso2CommonAu, Remember: true,
		Hidden: []hiddenField{{"sessionDataKey", key}}, Username: q.Get("username"), Error: msg})
}

// wso2CommonAuth checks the credentials of a pending request.
func (s *Server) wso2CommonAuth(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	if err := parseForm(w, r); err != nil {
		s.renderError(w, http.StatusBadRequest, &pageError{"Dữ liệu gửi lên không hợp lệ.", "malformed form body"})
		return
	}
	key := r.PostForm.Get("sessionDataKey")
	if s.peekPending(key) == nil {
		s.renderError(w, http.StatusBadRequest, &pageError{"Phiên đăng nhập không hợp lệ hoặc đã hết hạn.", "unknown or expired sessionDataKey"})
		return
	}
	username := strings.TrimSpace(r.PostForm.Get("username"))
	if !s.checkPassword(username, r.PostForm.Get("password")) {
		q := url.Values{"sessionDataKey": {key}, "authFailure": {"true"}, "authFailureMsg": {"login.fail.message"}, "username": {username}}
		w.Header().Set("Location", s.base+wso2LoginPage+"?"+q.Encode())
		w.WriteHeader(http.StatusFound)
		return
	}
	s.mu.Lock()
	if p := s.pending[key]; p != nil {
		p.sub, p.authTime = username, s.now()
	}
	s.mu.Unlock()
	if r.PostForm.Get("chkRemember") != "" {
		s.startSession(w, username)
	}
	w.Header().Set("Location", s.base+"/oauth2/authorize?"+url.Values{"sessionDataKey": {key}}.Encode())
	w.WriteHeader(http.StatusFound)
}

func (s *Server) putPending(p *pendingLogin) string {
	key := rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	putLocked(s, s.pending, &s.pendingOrder, key, p)
	return key
}

// peekPending is the pending login of key, nil when unknown or expired.
func (s *Server) peekPending(key string) *pendingLogin {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pending[key]
	if p == nil || s.now().After(p.expires) {
		return nil
	}
	return p
}

// takePending removes and returns the pending login of key; with
// loggedIn, only one whose credentials were accepted.
func (s *Server) takePending(key string, loggedIn bool) *pendingLogin {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pending[key]
	if p == nil || s.now().After(p.expires) || (loggedIn && p.sub == "") {
		return nil
	}
	delete(s.pending, key)
	return p
}

// SessionTTL is how long a remembered login (WSO2's "remember me", cookie
// commonAuthId) lasts. Unverified for the national portal.
const SessionTTL = 8 * time.Hour

const sessionCookie = "commonAuthId"

// ssoSession is a remembered login.
type ssoSession struct {
	sub      string
	authTime time.Time
	expires  time.Time
}

// startSession remembers the login in a cookie scoped to the mount path.
func (s *Server) startSession(w http.ResponseWriter, sub string) {
	id := rand.Text() + rand.Text()
	now := s.now()
	ss := &ssoSession{sub: sub, authTime: now, expires: now.Add(SessionTTL)}
	s.mu.Lock()
	putLocked(s, s.sessions, &s.sessionOrder, id, ss)
	s.mu.Unlock()
	path := "/"
	if u, err := url.Parse(s.base); err == nil && u.Path != "" {
		path = u.Path + "/"
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: path, Expires: ss.expires, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// sessionOf is the request's remembered login, nil when none is valid.
func (s *Server) sessionOf(r *http.Request) *ssoSession {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[ck.Value]
	if ss == nil || s.now().After(ss.expires) {
		return nil
	}
	return ss
}
