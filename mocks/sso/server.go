// Package sso is a mock of the national single sign-on provider (VNeID-like):
// an OpenID Connect provider with the authorization-code flow and PKCE, a
// Vietnamese HTML login page, RS256 ID and access tokens, refresh-token
// rotation and userinfo. Server is an http.Handler shaped like
// net/http/httptest's servers: no package-level state, no fixed ports.
package sso

import (
	"cmp"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	"github.com/dvcqa/dvcqa/mocks/internal/retain"
	"github.com/dvcqa/dvcqa/vocab"
)

// Lifetimes the contract fixes.
const (
	DefaultTokenTTL = 10 * time.Minute // ID and access tokens, unless Client.TokenTTL says otherwise
	CodeTTL         = 60 * time.Second // authorization codes (single use)
	RefreshTTL      = 8 * time.Hour    // each refresh token, counted from its issue
)

// Options configure a Server.
type Options struct {
	// Issuer is the server's external base URL, e.g. http://127.0.0.1:41234/sso
	// when mounted with http.StripPrefix("/sso", ...). Every absolute URL the
	// server emits starts with it, and it is the iss of every token.
	Issuer   string
	Accounts []Account
	Clients  []Client
	Now      func() time.Time // default time.Now
	Key      *rsa.PrivateKey  // RS256 signing key; nil: a fresh 2048-bit key
	Defects  Defects          // seeded defects, read per request; nil = a correct provider
	// MaxLog bounds the request log (newest kept); 0 = DefaultMaxLog.
	MaxLog int
	// MaxGrants bounds each of the codes, redeemed codes, token families,
	// revoked jtis and refresh tokens kept (besides their expiry): past it
	// the oldest go first; 0 = DefaultMaxGrants.
	MaxGrants int
	// Dialect is how the provider speaks (vocab.Dialects["sso"]): "" or
	// oidc, the endpoints right under Issuer; wso2, WSO2-style endpoints
	// under Issuer/oauth2/, login pages under /authenticationendpoint/,
	// the published issuer Issuer/oauth2/token, acr in the ID token
	// (wso2.go).
	Dialect string
}

// Retention defaults: a day of a busy test run fits, memory stays within
// tens of MB.
const (
	DefaultMaxLog    = 10000
	DefaultMaxGrants = 20000
)

// Account is a citizen who can log in.
type Account struct {
	PersonalID string // SoDinhDanh (12-digit personal ID number): login name and sub
	Password   string
	// Claims: HoVaTen (full name), NgayThangNamSinh (date of birth),
	// GioiTinh (sex), ThuongTru (permanent residence), SoDienThoai (phone),
	// ThuDienTu (e-mail).
	Claims map[string]string
}

// Client is a registered relying party.
type Client struct {
	ID           string
	Secret       string   // "" = public client: PKCE is then required
	RedirectURIs []string // compared exactly
	// PostLogoutRedirectURIs are where logout may send the user back
	// (OpenID Connect RP-Initiated Logout 1.0 §3), compared exactly.
	PostLogoutRedirectURIs []string
	TokenTTL               time.Duration
}

// RequestLogEntry is one request the server answered. It never holds
// credentials, codes or tokens: only the path, not the query.
type RequestLogEntry struct {
	Time   time.Time
	Method string
	Path   string
	Status int
}

// Server is the mock provider. Create it with New.
type Server struct {
	issuer   string // the published issuer, iss of every token
	base     string // Options.Issuer: where the endpoints are mounted
	dialect  string
	now      func() time.Time
	key      *rsa.PrivateKey
	kid      string
	accounts map[string]Account
	clients  map[string]Client
	routes   map[string]map[string]http.HandlerFunc // path → method → handler
	defects  Defects

	mu       sync.Mutex
	codes    map[string]*authCode
	used     map[string]*usedCode // redeemed codes, kept until they expire to recognise a replay
	issued   map[string]*issuedFamily
	revoked  map[string]time.Time // access token jti → its exp
	refresh  map[string]*refreshGrant
	pending  map[string]*pendingLogin // wso2: sessionDataKey → the login in progress
	sessions map[string]*ssoSession   // wso2: commonAuthId → a remembered login
	log      *retain.Log[RequestLogEntry]
	// Insertion order of the maps above, to hold each to maxGrants.
	codeOrder, usedOrder, issuedOrder, revokedOrder, refreshOrder, pendingOrder, sessionOrder retain.Order[string]
	maxGrants                                                                                 int
}

// New checks the options and builds a Server.
func New(opts Options) (*Server, error) {
	issuer, err := checkIssuer(opts.Issuer)
	if err != nil {
		return nil, err
	}
	dialect := vocab.DialectOr(vocab.SystemSSO, opts.Dialect)
	if !vocab.KnownDialect(vocab.SystemSSO, dialect) {
		return nil, fmt.Errorf("sso: unknown dialect %q", opts.Dialect)
	}
	s := &Server{
		issuer:    issuer,
		base:      issuer,
		dialect:   dialect,
		pending:   map[string]*pendingLogin{},
		sessions:  map[string]*ssoSession{},
		now:       opts.Now,
		key:       opts.Key,
		defects:   opts.Defects,
		accounts:  make(map[string]Account, len(opts.Accounts)),
		clients:   make(map[string]Client, len(opts.Clients)),
		codes:     map[string]*authCode{},
		used:      map[string]*usedCode{},
		issued:    map[string]*issuedFamily{},
		revoked:   map[string]time.Time{},
		refresh:   map[string]*refreshGrant{},
		log:       retain.NewLog[RequestLogEntry](cmp.Or(opts.MaxLog, DefaultMaxLog)),
		maxGrants: cmp.Or(opts.MaxGrants, DefaultMaxGrants),
	}
	if s.now == nil {
		s.now = time.Now
	}
	for _, a := range opts.Accounts {
		if !validPersonalID(a.PersonalID) {
			return nil, fmt.Errorf("sso: account %q: personal ID must be 12 digits", a.PersonalID)
		}
		if a.Password == "" {
			return nil, fmt.Errorf("sso: account %s: empty password", a.PersonalID)
		}
		if _, dup := s.accounts[a.PersonalID]; dup {
			return nil, fmt.Errorf("sso: account %s registered twice", a.PersonalID)
		}
		a.Claims = maps.Clone(a.Claims)
		s.accounts[a.PersonalID] = a
	}
	for _, c := range opts.Clients {
		if err := checkClient(c); err != nil {
			return nil, err
		}
		if _, dup := s.clients[c.ID]; dup {
			return nil, fmt.Errorf("sso: client %s registered twice", c.ID)
		}
		if c.TokenTTL == 0 {
			c.TokenTTL = DefaultTokenTTL
		}
		c.RedirectURIs = slices.Clone(c.RedirectURIs)
		c.PostLogoutRedirectURIs = slices.Clone(c.PostLogoutRedirectURIs)
		s.clients[c.ID] = c
	}
	if s.key == nil {
		if s.key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, fmt.Errorf("sso: generate key: %w", err)
		}
	} else if s.key.N.BitLen() < 2048 {
		return nil, fmt.Errorf("sso: RSA key has %d bits, want at least 2048", s.key.N.BitLen())
	}
	s.kid = keyID(&s.key.PublicKey)
	if dialect == vocab.DialectSSOWSO2 {
		s.issuer = s.base + wso2Issuer
		s.routes = s.wso2Routes()
		return s, nil
	}
	s.routes = map[string]map[string]http.HandlerFunc{
		"/.well-known/openid-configuration": {http.MethodGet: s.discovery},
		"/jwks":                             {http.MethodGet: s.jwks},
		"/authorize":                        {http.MethodGet: s.authorize, http.MethodPost: s.authorize},
		"/login":                            {http.MethodPost: s.login},
		"/token":                            {http.MethodPost: s.token},
		"/userinfo":                         {http.MethodGet: s.userinfo, http.MethodPost: s.userinfo},
		"/logout":                           {http.MethodGet: s.logout},
		"/healthz":                          {http.MethodGet: s.healthz},
	}
	return s, nil
}

func checkIssuer(issuer string) (string, error) {
	issuer = strings.TrimSuffix(issuer, "/")
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("sso: issuer %q must be an absolute http(s) URL without query", issuer)
	}
	return issuer, nil
}

func checkClient(c Client) error {
	if c.ID == "" {
		return errors.New("sso: client with empty ID")
	}
	if c.TokenTTL != 0 && c.TokenTTL < time.Second {
		return fmt.Errorf("sso: client %s: TokenTTL %v is below 1s", c.ID, c.TokenTTL)
	}
	if len(c.RedirectURIs) == 0 {
		return fmt.Errorf("sso: client %s has no redirect URI", c.ID)
	}
	for _, r := range append(slices.Clone(c.RedirectURIs), c.PostLogoutRedirectURIs...) {
		u, err := url.Parse(r)
		if err != nil || u.Scheme == "" || u.Host == "" || u.Fragment != "" {
			return fmt.Errorf("sso: client %s: redirect URI %q must be absolute, without fragment", c.ID, r)
		}
	}
	return nil
}

func validPersonalID(id string) bool {
	if len(id) != 12 {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Issuer is the issuer URL the server publishes.
func (s *Server) Issuer() string { return s.issuer }

// Requests returns a copy of the request log.
func (s *Server) Requests() []RequestLogEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.All()
}

// ServeHTTP routes a request; paths are relative to the mount point.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	s.route(rec, r)
	s.mu.Lock()
	s.log.Add(RequestLogEntry{Time: s.now(), Method: r.Method, Path: r.URL.Path, Status: rec.status})
	s.mu.Unlock()
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if !strings.HasPrefix(path, "/") { // mounted with StripPrefix("/sso/")
		path = "/" + path
	}
	methods, ok := s.routes[path]
	if !ok {
		httpx.Error(w, http.StatusNotFound, "not_found", "no such endpoint", "Không tìm thấy địa chỉ yêu cầu", "")
		return
	}
	h, ok := methods[r.Method]
	if !ok {
		w.Header().Set("Allow", strings.Join(slices.Sorted(maps.Keys(methods)), ", "))
		httpx.Error(w, http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed", "Phương thức không được hỗ trợ", "")
		return
	}
	h(w, r)
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	httpx.Health(w, "sso")
}

type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
