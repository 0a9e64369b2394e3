// Package gateway is a mock of the data-exchange gateway (NDXP/LGSP-like):
// clients get client-credentials tokens, look records up in national
// databases through it, and every lookup lands in an audit log. The gateway
// reaches each database server (mocks/nationaldb) over HTTP.
package gateway

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/internal/httplog"
	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
	"github.com/dvcqa/dvcqa/mocks/internal/retain"
	"github.com/dvcqa/dvcqa/vocab"
)

// Options configure a Server.
type Options struct {
	BaseURL         string // external base URL; the gateway emits no absolute URLs, kept for symmetry with the other mocks
	Databases       []fixtures.Database
	DatabaseURLs    map[string]string // database id → base URL of its server
	InternalKey     string            // sent as X-Internal-Key to database servers
	Clients         []Client
	HTTP            *http.Client     // to the database servers; nil: 10 s timeout
	Now             func() time.Time // token expiry and audit times; nil: time.Now
	UpstreamTimeout time.Duration    // per database call; 0: 3 s
	Defects         Defects          // seeded defects, read per request; nil = a correct gateway
	// Dialect is how the gateway speaks (vocab.Dialects["gateway"]): rest
	// ("" too) or ndxp, where population is queried by ID, name and date of
	// birth (ndxp.go).
	Dialect string
	// MaxAudit and MaxLog bound the audit log and the request log (the
	// newest kept); 0 = DefaultMaxAudit, DefaultMaxLog. An audit entry is
	// read back within seconds of its lookup (suites/nationaldb); the bound
	// only drops entries older than that many lookups.
	MaxAudit, MaxLog int
}

// Retention defaults.
const (
	DefaultMaxAudit = 20000
	DefaultMaxLog   = 10000
)

// Client is a registered gateway client (one per province in the world).
type Client struct {
	ID, Secret string
	Scopes     []string // database ids it may read
}

const defaultUpstreamTimeout = 3 * time.Second

// Server is the gateway, an http.Handler.
type Server struct {
	baseURL         string
	dbs             map[string]fixtures.Database
	dbOrder         []string
	dbURLs          map[string]string
	clients         map[string]Client
	internalKey     string
	http            *http.Client
	now             func() time.Time
	upstreamTimeout time.Duration
	defects         Defects
	dialect         string
	mux             *http.ServeMux

	mu       sync.Mutex
	tokens   map[string]token
	audit    *retain.Log[gwapi.AuditEntry]
	requests *retain.Log[Request]
}

// New checks the configuration: every database has a server URL, every
// client scope names a known database.
func New(opts Options) (*Server, error) {
	if len(opts.Databases) == 0 {
		return nil, errors.New("gateway: no databases")
	}
	if opts.InternalKey == "" {
		return nil, errors.New("gateway: empty internal key")
	}
	if !vocab.KnownDialect(vocab.SystemGateway, opts.Dialect) {
		return nil, fmt.Errorf("gateway: unknown dialect %q (known: %s)", opts.Dialect, strings.Join(vocab.Dialects[vocab.SystemGateway], ", "))
	}
	s := &Server{
		baseURL:         strings.TrimRight(opts.BaseURL, "/"),
		dbs:             map[string]fixtures.Database{},
		dbURLs:          map[string]string{},
		clients:         map[string]Client{},
		internalKey:     opts.InternalKey,
		http:            opts.HTTP,
		now:             opts.Now,
		upstreamTimeout: opts.UpstreamTimeout,
		defects:         opts.Defects,
		dialect:         vocab.DialectOr(vocab.SystemGateway, opts.Dialect),
		tokens:          map[string]token{},
		audit:           retain.NewLog[gwapi.AuditEntry](cmp.Or(opts.MaxAudit, DefaultMaxAudit)),
		requests:        retain.NewLog[Request](cmp.Or(opts.MaxLog, DefaultMaxLog)),
	}
	for _, db := range opts.Databases {
		if db.ID == "" || len(db.Keys) == 0 {
			return nil, fmt.Errorf("gateway: database %q needs an id and keys", db.ID)
		}
		if _, dup := s.dbs[db.ID]; dup {
			return nil, fmt.Errorf("gateway: database %s listed twice", db.ID)
		}
		raw := opts.DatabaseURLs[db.ID]
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("gateway: database %s: server URL %q is not an http(s) URL", db.ID, raw)
		}
		db.Keys = slices.Clone(db.Keys)
		s.dbs[db.ID] = db
		s.dbOrder = append(s.dbOrder, db.ID)
		s.dbURLs[db.ID] = strings.TrimRight(raw, "/")
	}
	for _, c := range opts.Clients {
		if c.ID == "" || c.Secret == "" {
			return nil, fmt.Errorf("gateway: client %q needs an id and a secret", c.ID)
		}
		if _, dup := s.clients[c.ID]; dup {
			return nil, fmt.Errorf("gateway: client %s listed twice", c.ID)
		}
		for _, sc := range c.Scopes {
			if _, ok := s.dbs[sc]; !ok {
				return nil, fmt.Errorf("gateway: client %s: scope %q is not a database", c.ID, sc)
			}
		}
		c.Scopes = slices.Clone(c.Scopes)
		s.clients[c.ID] = c
	}
	if s.http == nil {
		s.http = &http.Client{Timeout: 10 * time.Second}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.upstreamTimeout <= 0 {
		s.upstreamTimeout = defaultUpstreamTimeout
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/oauth/token", s.handleToken)
	s.mux.HandleFunc("/api/v1/audit", s.handleAudit)
	s.mux.HandleFunc("/api/v1/{db}/records", s.handleLookup)
	if s.ndxp() {
		s.mux.HandleFunc("/api/v1/{db}/query", s.handleQuery)
	}
	s.mux.HandleFunc("/healthz", s.handleHealth)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		httpx.Error(w, http.StatusNotFound, "no_such_endpoint", "no such endpoint", "Không có điểm cuối này", "")
	})
	return s, nil
}

// ServeHTTP serves the gateway and logs the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	entry := Request{At: s.now(), Method: r.Method, Path: r.URL.Path}
	entry.Status = httplog.Serve(s.mux, w, r)
	s.mu.Lock()
	s.requests.Add(entry)
	s.mu.Unlock()
}

// allow answers 405 unless r uses method (GET also admits HEAD, which
// net/http derives from GET).
func allow(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method == method || (method == http.MethodGet && r.Method == http.MethodHead) {
		return true
	}
	w.Header().Set("Allow", method)
	httpx.Error(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here", "Phương thức không được hỗ trợ", "")
	return false
}
