package sso

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// A saved session is the SSO's "remember me" login (WSO2: the
// commonAuthId cookie, ticked chkRemember) kept in a file, so that logins
// need no password: the authorization request is answered with a code at
// once. dvcqa auth save makes one (SaveSession, WriteSession); sso.login
// session uses it (ReadSession, LoginWithSession). Unverified: whether the
// national portal's SSO offers "remember me" and how long it lasts.

// Session is a saved SSO login session.
type Session struct {
	Issuer     string          `json:"issuer"`
	ClientID   string          `json:"client_id"`
	PersonalID string          `json:"personal_id"`
	SavedAt    time.Time       `json:"saved_at"`
	Expires    time.Time       `json:"expires"` // the earliest expiry of its cookies; zero = unknown
	Cookies    []SessionCookie `json:"cookies"`
}

// SessionCookie is one cookie the SSO set, as the browser keeps it.
type SessionCookie struct {
	Name    string    `json:"name"`
	Value   string    `json:"value"`
	Path    string    `json:"path,omitempty"`
	Expires time.Time `json:"expires,omitzero"`
}

// rememberField is WSO2's "remember me" checkbox on its login page.
const rememberField = "chkRemember"

// SaveSession logs in by password with "remember me" ticked and returns
// the session the SSO keeps in its cookies. The login's tokens are
// verified and dropped.
func (c *Client) SaveSession(ctx context.Context, username, password string) (*Session, error) {
	d, err := c.Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("sso save session: %w", err)
	}
	b, err := c.newBrowser()
	if err != nil {
		return nil, err
	}
	rec := &cookieRecorder{next: transportOf(b.hc)}
	b.hc.Transport = rec
	b.extra = url.Values{rememberField: {"on"}}
	authURL, state, nonce, verifier := c.loginURL(d)
	callback, err := b.signIn(ctx, authURL, c.usernameField(), username, c.passwordField(), password)
	if err != nil {
		return nil, fmt.Errorf("sso save session: %w", err)
	}
	if _, err := c.finishLogin(ctx, d, callback, state, nonce, verifier); err != nil {
		return nil, fmt.Errorf("sso save session: %w", err)
	}
	s := &Session{Issuer: c.Issuer, ClientID: c.ClientID, PersonalID: username, SavedAt: time.Now().UTC()}
	for _, ck := range rec.persistent() {
		s.Cookies = append(s.Cookies, ck)
		if !ck.Expires.IsZero() && (s.Expires.IsZero() || ck.Expires.Before(s.Expires)) {
			s.Expires = ck.Expires
		}
	}
	if len(s.Cookies) == 0 {
		return nil, errors.New("sso save session: the SSO kept no session after the login (no persistent cookie; does its login page offer \"remember me\"?)")
	}
	return s, nil
}

// LoginWithSession logs in with a saved session: the SSO must answer the
// authorization request with a code, without its login form.
func (c *Client) LoginWithSession(ctx context.Context, s *Session) (*Tokens, error) {
	if s.Expired(time.Now()) {
		return nil, fmt.Errorf("sso login (session): the saved session expired at %s", s.Expires.Format(time.RFC3339))
	}
	d, err := c.Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("sso login (session): %w", err)
	}
	b, err := c.newBrowser()
	if err != nil {
		return nil, err
	}
	authURL, state, nonce, verifier := c.loginURL(d)
	au, err := url.Parse(authURL)
	if err != nil {
		return nil, fmt.Errorf("sso login (session): %w", err)
	}
	var cookies []*http.Cookie
	for _, ck := range s.Cookies {
		cookies = append(cookies, &http.Cookie{Name: ck.Name, Value: ck.Value, Path: ck.Path})
	}
	b.hc.Jar.SetCookies(&url.URL{Scheme: au.Scheme, Host: au.Host, Path: "/"}, cookies)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, fmt.Errorf("sso login (session): %w", err)
	}
	p, err := b.do(req)
	if err != nil {
		return nil, fmt.Errorf("sso login (session): authorize: %w", err)
	}
	if p.callback == nil {
		return nil, fmt.Errorf("sso login (session): the SSO answered HTTP %d at %s instead of a code: the saved session is no longer valid (run dvcqa auth save again)", p.status, p.url)
	}
	return c.finishLogin(ctx, d, p.callback, state, nonce, verifier)
}

// finishLogin reads the code from the callback, redeems it and verifies
// the tokens.
func (c *Client) finishLogin(ctx context.Context, d *Discovery, callback *url.URL, state, nonce, verifier string) (*Tokens, error) {
	code, err := codeFrom(callback, state, d.Issuer)
	if err != nil {
		return nil, err
	}
	t, err := c.exchange(ctx, d, code, nonce, verifier)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Expired: the session's expiry is known and past.
func (s *Session) Expired(now time.Time) bool { return !s.Expires.IsZero() && !now.Before(s.Expires) }

// WriteSession saves a session to path with mode 0600, refusing a path
// inside a Git work tree: a session logs in as a citizen and must never
// be committed.
func WriteSession(path string, s *Session) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("sso session %s: %w", path, err)
	}
	if repo := gitWorkTree(filepath.Dir(abs)); repo != "" {
		return fmt.Errorf("sso session %s: inside the Git work tree %s; keep it outside any repository (e.g. ~/.config/dvcqa/)", path, repo)
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("sso session %s: %w", path, err)
	}
	tmp := abs + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("sso session %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // WriteFile keeps an existing file's mode
		return fmt.Errorf("sso session %s: %w", path, err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		return fmt.Errorf("sso session %s: %w", path, err)
	}
	return nil
}

// ReadSession loads a saved session, refusing one that others may read.
func ReadSession(path string) (*Session, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("sso session: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("sso session %s: mode %v lets others read it; want 0600 (chmod 600 %s)", path, fi.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sso session: %w", err)
	}
	var s Session
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("sso session %s: %w", path, err)
	}
	if len(s.Cookies) == 0 {
		return nil, fmt.Errorf("sso session %s: holds no cookie", path)
	}
	return &s, nil
}

// gitWorkTree is the nearest directory at or above dir holding .git, "".
func gitWorkTree(dir string) string {
	for {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// cookieRecorder keeps the persistent cookies the responses set, with
// their expiry (a cookie jar forgets it).
type cookieRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	set  map[string]SessionCookie
}

func (r *cookieRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.set == nil {
		r.set = map[string]SessionCookie{}
	}
	for _, ck := range resp.Cookies() {
		exp := ck.Expires
		if ck.MaxAge > 0 {
			exp = time.Now().Add(time.Duration(ck.MaxAge) * time.Second)
		}
		if exp.IsZero() || ck.MaxAge < 0 || strings.TrimSpace(ck.Value) == "" {
			delete(r.set, ck.Name) // a session cookie dies with the browser; a deleted one is gone
			continue
		}
		r.set[ck.Name] = SessionCookie{Name: ck.Name, Value: ck.Value, Path: ck.Path, Expires: exp.UTC()}
	}
	return resp, nil
}

func (r *cookieRecorder) persistent() []SessionCookie {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []SessionCookie
	for _, ck := range r.set {
		out = append(out, ck)
	}
	return out
}

func transportOf(hc *http.Client) http.RoundTripper {
	if hc.Transport != nil {
		return hc.Transport
	}
	return http.DefaultTransport
}

// PendingLogin is a login a person completes in a browser (dvcqa auth
// save --browser: a VNeID app login that no program can type): the URL
// to open, and what finishing it needs.
type PendingLogin struct {
	URL                    string // the authorization request to open
	d                      *Discovery
	state, nonce, verifier string
}

// StartLogin makes the authorization request of a login done by hand.
func (c *Client) StartLogin(ctx context.Context) (*PendingLogin, error) {
	d, err := c.Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("sso login: %w", err)
	}
	u, state, nonce, verifier := c.loginURL(d)
	return &PendingLogin{URL: u, d: d, state: state, nonce: nonce, verifier: verifier}, nil
}

// FinishLogin redeems the code of the callback the browser was sent to
// and verifies the tokens, as any login.
func (c *Client) FinishLogin(ctx context.Context, p *PendingLogin, callback *url.URL) (*Tokens, error) {
	return c.finishLogin(ctx, p.d, callback, p.state, p.nonce, p.verifier)
}

// BrowserSession is the session a login done in a browser left: the SSO's
// persistent cookies (those with an expiry: a "remember me" login's).
func BrowserSession(issuer, clientID, personalID string, cookies []SessionCookie) (*Session, error) {
	s := &Session{Issuer: issuer, ClientID: clientID, PersonalID: personalID, SavedAt: time.Now().UTC()}
	for _, ck := range cookies {
		if ck.Expires.IsZero() {
			continue // a browser-session cookie ends with the browser
		}
		s.Cookies = append(s.Cookies, ck)
		if s.Expires.IsZero() || ck.Expires.Before(s.Expires) {
			s.Expires = ck.Expires
		}
	}
	if len(s.Cookies) == 0 {
		return nil, errors.New("sso save session: the SSO kept no session after the login (no persistent cookie: tick \"remember me\" on its login page, if it has one)")
	}
	return s, nil
}
