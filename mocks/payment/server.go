// Package payment is a mock of the national payment platform: partners
// (portals) open signed transactions, citizens pay or cancel on a
// Vietnamese pay page, and the platform calls the partner back with a
// signed notice before sending the citizen to the partner's return URL.
// Its message shapes and signatures are its own (wire.go; published.go for
// the published dialect, Options.Dialect), written from the protocol,
// independent of the harness's client (api/payment).
package payment

import (
	"cmp"
	"crypto/rand"
	"fmt"
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

// Options configure a Server.
type Options struct {
	BaseURL  string // the server's external base URL, e.g. "http://127.0.0.1:41234/payment"
	Partners []Partner
	HTTP     *http.Client     // for callbacks; nil: a plain client (each attempt has its own timeout)
	Now      func() time.Time // stamps ThoiGianGD; the world's clock fits; nil: time.Now
	Defects  Defects          // seeded defects, read per request; nil = a correct platform
	// MaxTransactions bounds the transactions kept, oldest evicted first
	// but never one in use: created or changed less than TransactionIdle
	// ago in real time. 0 = DefaultMaxTransactions, DefaultTransactionIdle.
	MaxTransactions int
	TransactionIdle time.Duration
	// Dialect is how the platform speaks (vocab.Dialects["payment"]:
	// dvcqa, published); "" = dvcqa.
	Dialect string
}

// Partner is a portal allowed to collect fees.
type Partner struct {
	Code   string // MaDoiTac, e.g. "PORTAL-01"
	Secret string
	Name   string // shown on the pay page
	// CallbackURL and ReturnURL are registered with the platform: a
	// published INIT carries neither (dvcqa's names them in each INIT).
	CallbackURL, ReturnURL string
}

// Transaction is the platform's record of one transaction.
type Transaction struct {
	MaGiaoDich  string
	Request     InitRequest // the first INIT, as received
	TrangThaiGD string
	ThoiGianGD  string // when paid or cancelled, TimeLayout
	Created     time.Time
	Callbacks   []CallbackAttempt // every delivery attempt, in order

	touched   time.Time       // created or last changed, for the retention bound
	published *publishedExtra // what only a published INIT carries; never changed once set
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
	dialect  string
	tokenKey []byte // signs the published dialect's access tokens
	mux      *http.ServeMux

	mu    sync.Mutex
	byID  map[string]*Transaction
	byRef map[refKey]*Transaction
	order retain.Order[string] // MaGiaoDich in creation order, for Transactions and the bound

	maxTxns int
	idle    time.Duration
}

// Retention defaults: transactions kept, and how long one stays in use
// (never evicted) after it was created or last changed — a citizen on the
// pay page, a portal asking QUERY after the callback.
const (
	DefaultMaxTransactions = 20000
	DefaultTransactionIdle = time.Minute
)

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
		maxTxns:  cmp.Or(opts.MaxTransactions, DefaultMaxTransactions),
		idle:     cmp.Or(opts.TransactionIdle, DefaultTransactionIdle),
	}
	if !vocab.KnownDialect(vocab.SystemPayment, opts.Dialect) {
		return nil, fmt.Errorf("payment mock: unknown dialect %q (want one of %s)", opts.Dialect, strings.Join(vocab.Dialects[vocab.SystemPayment], ", "))
	}
	s.dialect = vocab.DialectOr(vocab.SystemPayment, opts.Dialect)
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
	if s.dialect == vocab.DialectPaymentPublished {
		s.tokenKey = []byte(rand.Text())
		s.mux.HandleFunc("POST "+tokenPath, s.handleToken)
		s.mux.HandleFunc("POST /api/v1/thanhtoan", s.handlePublished)
	} else {
		s.mux.HandleFunc("POST /api/v1/thanhtoan", s.handleAPI)
	}
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
	out := make([]Transaction, 0, len(s.byID))
	s.order.Each(func(id string) bool {
		if t := s.byID[id]; t != nil {
			out = append(out, t.copy())
		}
		return true
	})
	return out
}

// trim holds the transactions to maxTxns, oldest first, keeping those in
// use. The caller holds s.mu.
func (s *Server) trim() {
	now := time.Now() // real time: Now may be a compressed world clock
	s.order.Trim(len(s.byID), s.maxTxns, func(id string) bool { return s.byID[id] != nil }, func(id string) int {
		t := s.byID[id]
		if now.Sub(t.touched) < s.idle {
			return 0
		}
		delete(s.byID, id)
		delete(s.byRef, refKey{t.Request.MaDoiTac, t.Request.MaThamChieu})
		return 1
	})
}

// Trim evicts the transactions over the bound no longer in use (INIT trims
// too; the world calls it now and then so memory comes back after a burst).
func (s *Server) Trim() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trim()
}

// Evicted is how many transactions were dropped for the bound.
func (s *Server) Evicted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Evicted()
}

func (t *Transaction) copy() Transaction {
	c := *t
	c.Request.ThongTinBienLai.ChiTiet = slices.Clone(t.Request.ThongTinBienLai.ChiTiet)
	c.Callbacks = slices.Clone(t.Callbacks)
	return c
}
