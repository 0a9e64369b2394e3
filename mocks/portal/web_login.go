package portal

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// The web login is the OIDC authorization-code flow with PKCE (S256)
// against the SSO, as the public client WebClientID (dialect wso2: the
// confidential client of Options.SSOClient, with its secret and
// acr_values, without PKCE): the browser goes to
// the SSO's login page and comes back to /auth/callback with a code, which
// the portal exchanges server-side and whose ID token it verifies like
// the API verifies bearer tokens.

const (
	loginCookie = "dang-nhap"      // the login in progress: state, nonce, PKCE verifier, where to go next
	loginTTL    = 10 * time.Minute // time to type the credentials at the SSO
)

// loginState travels in the short-lived cookie, signed so that it cannot
// be forged; the verifier is never in a URL.
type loginState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"next"`
}

// oauthConfig is the client's view of the SSO, discovered once.
func (s *Server) oauthConfig(ctx context.Context) (*oauth2.Config, error) {
	f := s.web
	f.mu.Lock()
	p := f.provider
	f.mu.Unlock()
	if p == nil {
		var err error
		if p, err = oidc.NewProvider(oidc.ClientContext(ctx, s.opts.HTTP), s.opts.SSOIssuer); err != nil {
			return nil, err
		}
		f.mu.Lock()
		f.provider = p
		f.mu.Unlock()
	}
	ep := p.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInParams // a public client: client_id in the form, no secret
	sc := s.opts.SSOClient
	if sc.confidential() && sc.AuthMethod != "client_secret_post" {
		ep.AuthStyle = oauth2.AuthStyleInHeader // client_secret_basic
	}
	return &oauth2.Config{ClientID: f.clientID, ClientSecret: sc.Secret, Endpoint: ep, RedirectURL: s.opts.BaseURL + "/auth/callback",
		Scopes: []string{oidc.ScopeOpenID, "profile"}}, nil
}

// pageLogin sends the browser to the SSO.
func (s *Server) pageLogin(w http.ResponseWriter, r *http.Request) {
	next := s.safeNext(r.URL.Query().Get("next"))
	if _, ok := s.currentCitizen(r); ok {
		http.Redirect(w, r, s.web.base+next, http.StatusSeeOther)
		return
	}
	cfg, err := s.oauthConfig(r.Context())
	if err != nil {
		s.renderError(w, r, http.StatusBadGateway, "Không kết nối được hệ thống định danh", errorPage{
			Message: "Không kết nối được hệ thống định danh điện tử. Vui lòng thử lại sau."})
		return
	}
	st := loginState{State: randomID() + randomID(), Nonce: randomID() + randomID(), Next: next}
	opts := []oauth2.AuthCodeOption{oidc.Nonce(st.Nonce)}
	if sc := s.opts.SSOClient; !sc.confidential() {
		st.Verifier = oauth2.GenerateVerifier() // a public client proves the code is its own with PKCE
		opts = append(opts, oauth2.S256ChallengeOption(st.Verifier))
	}
	if acr := s.opts.SSOClient.ACRValues; acr != "" {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", acr))
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: s.sealLogin(st), Path: s.web.base + "/auth/callback",
		MaxAge: int(loginTTL / time.Second), HttpOnly: true, Secure: s.web.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, cfg.AuthCodeURL(st.State, opts...), http.StatusFound)
}

// pageCallback finishes the login: state, code exchange with the PKCE
// verifier, ID token (signature, issuer, audience, expiry, nonce), session.
func (s *Server) pageCallback(w http.ResponseWriter, r *http.Request) {
	failed := func(status int, msg string) {
		s.renderError(w, r, status, "Đăng nhập không thành công", errorPage{Message: msg,
			LinkURL: s.web.base + "/dang-nhap", LinkText: "Đăng nhập lại"})
	}
	q := r.URL.Query()
	var st loginState
	ck, err := r.Cookie(loginCookie)
	if err == nil {
		st, err = s.openLogin(ck.Value)
	}
	// The cookie is single use: a replayed callback finds none.
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: s.web.base + "/auth/callback", MaxAge: -1,
		HttpOnly: true, Secure: s.web.secure, SameSite: http.SameSiteLaxMode})
	switch {
	case q.Get("error") != "":
		failed(http.StatusUnauthorized, "Hệ thống định danh từ chối đăng nhập. Vui lòng thử lại.")
		return
	case err != nil || q.Get("state") == "" || !hmac.Equal([]byte(q.Get("state")), []byte(st.State)):
		failed(http.StatusBadRequest, "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.")
		return
	case q.Get("code") == "":
		failed(http.StatusBadRequest, "Thiếu mã xác thực từ hệ thống định danh.")
		return
	}
	cfg, err := s.oauthConfig(r.Context())
	if err != nil {
		failed(http.StatusBadGateway, "Không kết nối được hệ thống định danh điện tử. Vui lòng thử lại sau.")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), lookupTimeout)
	defer cancel()
	var exchange []oauth2.AuthCodeOption
	if st.Verifier != "" {
		exchange = append(exchange, oauth2.VerifierOption(st.Verifier))
	}
	tok, err := cfg.Exchange(context.WithValue(ctx, oauth2.HTTPClient, s.opts.HTTP), q.Get("code"), exchange...)
	if err != nil {
		if re, ok := errors.AsType[*oauth2.RetrieveError](err); ok && re.Response != nil && re.Response.StatusCode < 500 {
			failed(http.StatusBadRequest, "Mã xác thực không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.")
			return
		}
		failed(http.StatusBadGateway, "Không kết nối được hệ thống định danh điện tử. Vui lòng thử lại sau.")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		failed(http.StatusBadGateway, "Hệ thống định danh không trả về thông tin công dân.")
		return
	}
	c, idt, e := s.verifyIDToken(ctx, raw, "")
	if e != nil {
		failed(http.StatusUnauthorized, e.MessageVI)
		return
	}
	if !slices.Contains(idt.Audience, s.web.clientID) || !hmac.Equal([]byte(idt.Nonce), []byte(st.Nonce)) {
		failed(http.StatusUnauthorized, "Mã xác thực không cấp cho lần đăng nhập này.")
		return
	}
	if !s.opts.SSOClient.acrReached(idt) {
		failed(http.StatusUnauthorized, "Mức độ xác thực của tài khoản chưa đủ để đăng nhập.") // the level of assurance is too low
		return
	}
	s.startSession(w, c)
	http.Redirect(w, r, s.web.base+st.Next, http.StatusSeeOther)
}

func (s *Server) pageLogout(w http.ResponseWriter, r *http.Request) {
	s.endSession(w, r)
	http.Redirect(w, r, s.web.base+"/", http.StatusSeeOther)
}

// safeNext keeps next a path of this portal (never another site, which
// would make the login an open redirect); "/" when it is not one. A next
// that already carries the portal's base path has it removed.
func (s *Server) safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n") || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	if b := s.web.base; b != "" && (next == b || strings.HasPrefix(next, b+"/") || strings.HasPrefix(next, b+"?")) {
		next = strings.TrimPrefix(next, b)
		if next == "" || next[0] != '/' {
			next = "/" + next
		}
	}
	return next
}

// sealLogin encodes and signs the login state (HMAC-SHA256).
func (s *Server) sealLogin(st loginState) string {
	b, _ := json.Marshal(st)
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.loginMAC(payload))
}

func (s *Server) openLogin(v string) (loginState, error) {
	var st loginState
	payload, sig, ok := strings.Cut(v, ".")
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if !ok || err != nil || !hmac.Equal(mac, s.loginMAC(payload)) {
		return st, errors.New("login state: bad signature")
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil || st.State == "" || (st.Verifier == "" && !s.opts.SSOClient.confidential()) {
		return st, errors.New("login state: malformed")
	}
	return st, nil
}

func (s *Server) loginMAC(payload string) []byte {
	m := hmac.New(sha256.New, s.web.key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}
