// Package payment is a mock of the national payment platform: partners
// (portals) open signed transactions, citizens pay or cancel on a
// Vietnamese pay page, and the platform calls the partner back with a
// signed notice before sending the citizen to the partner's return URL.
// Its message shapes and signatures are its own (wire.go), written from the
// protocol, independent of the harness's client (api/payment).
package payment

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
)

// Options configure a Server.
type Options struct {
	BaseURL  string // the server's external base URL, e.g. "http://127.0.0.1:41234/payment"
	Partners []Partner
	HTTP     *http.Client     // for callbacks; nil: a plain client (each attempt has its own timeout)
	Now      func() time.Time // stamps ThoiGianGD; the world's clock fits; nil: time.Now
	Defects  Defects          // seeded defects, read per request; nil = a correct platform
}

// Partner is a portal allowed to collect fees.
type Partner struct {
	Code   string // MaDoiTac, e.g. "PORTAL-01"
	Secret string
	Name   string // shown on the pay page
}

// Transaction is the platform's record of one transaction.
type Transaction struct {
	MaGiaoDich  string
	Request     InitRequest // the first INIT, as received
	TrangThaiGD string
	ThoiGianGD  string // when paid or cancelled, TimeLayout
	Created     time.Time
	Callbacks   []CallbackAttempt // every delivery attempt, in order
}

// CallbackAttempt is one POST of the Callback to the partner.
type CallbackAttempt struct {
	At     time.Time
	Status int    // HTTP status, 0 when no answer
	Err    string // transport error, if any
}

// Server is the mock platform, an http.Handler safe for concurrent use.
type Server struct {
	base     string
	partners map[string]Partner
	http     *http.Client
	now      func() time.Time
	defects  Defects
	mux      *http.ServeMux

	mu    sync.Mutex
	byID  map[string]*Transaction
	byRef map[refKey]*Transaction
	order []*Transaction // creation order, for Transactions
}

// refKey: references are unique per partner only.
type refKey struct{ partner, ref string }

// New checks opts and builds a Server.
func New(opts Options) (*Server, error) {
	u, err := url.Parse(opts.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("payment mock: BaseURL %q must be an absolute http(s) URL", opts.BaseURL)
	}
	s := &Server{
		base:     strings.TrimSuffix(opts.BaseURL, "/"),
		partners: make(map[string]Partner, len(opts.Partners)),
		http:     opts.HTTP,
		now:      opts.Now,
		defects:  opts.Defects,
		mux:      http.NewServeMux(),
		byID:     make(map[string]*Transaction),
		byRef:    make(map[refKey]*Transaction),
	}
	if s.http == nil {
		s.http = &http.Client{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	for _, p := range opts.Partners {
		if p.Code == "" || p.Secret == "" {
			return nil, fmt.Errorf("payment mock: partner %q needs a code and a secret", p.Code)
		}
		if _, dup := s.partners[p.Code]; dup {
			return nil, fmt.Errorf("payment mock: duplicate partner %q", p.Code)
		}
		s.partners[p.Code] = p
	}
	s.mux.HandleFunc("GET /healthz", s.handleHealth)
	s.mux.HandleFunc("POST /api/v1/thanhtoan", s.handleAPI)
	s.mux.HandleFunc("GET /pay/{id}", s.handlePage)
	s.mux.HandleFunc("POST /pay/{id}", s.handlePay)
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	httpx.Health(w, "payment")
}

// Transactions returns copies of every transaction in creation order; it is
// for the mock's own tests.
func (s *Server) Transactions() []Transaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Transaction, len(s.order))
	for i, t := range s.order {
		out[i] = t.copy()
	}
	return out
}

func (t *Transaction) copy() Transaction {
	c := *t
	c.Request.ThongTinBienLai.ChiTiet = slices.Clone(t.Request.ThongTinBienLai.ChiTiet)
	c.Callbacks = slices.Clone(t.Callbacks)
	return c
}
