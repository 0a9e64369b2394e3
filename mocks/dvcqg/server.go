// Package dvcqg is a mock of the National Public Service Portal (Cổng Dịch
// vụ công quốc gia, DVCQG) as provincial systems integrate with it: session
// login, dossier sync, progress updates, lookups and the procedure list, all
// answered protocol style (HTTP 200 with an error_code), in the dialect of
// Options.Dialect (dialect.go: envelope, opencps or rest). Its wire types and
// rules are its own (wire.go), written from the protocol: the harness's
// client (api/dvcqg) is a second, independent reading of it.
package dvcqg

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	"github.com/dvcqa/dvcqa/mocks/internal/retain"
	"github.com/dvcqa/dvcqa/vocab"
)

// Options configure a Server.
type Options struct {
	Accounts   []Account
	Procedures []ThuTuc // answered by LayDanhSachTTHC
	// Now drives session expiry only. Pass real time (nil: time.Now) or a
	// test clock, not the world's compressed clock: 30 world minutes can pass
	// in a fraction of a millisecond there, and every session would be stale.
	Now        func() time.Time
	SessionTTL time.Duration // 0: 30 minutes
	Defects    Defects       // seeded defects, read per request; nil = a correct portal
	// MaxDossiers bounds the dossiers kept, oldest synced first, but never
	// one in use: synced, updated or looked up less than DossierIdle ago
	// (real time, Now). 0 = DefaultMaxDossiers, DefaultDossierIdle.
	MaxDossiers int
	DossierIdle time.Duration
	// Dialect is how the mock speaks (vocab.Dialects["dvcqg"], dialect.go);
	// "" = envelope.
	Dialect string
}

// Retention defaults.
const (
	DefaultMaxDossiers = 20000
	DefaultDossierIdle = time.Minute
)

// Account is an integration account. A portal account writes and reads
// dossiers of its own agency (madonvi = AgencyID); an auditor reads every
// agency's dossiers and writes none.
type Account struct {
	Username string
	Password string
	DstCode  string // must come as the dstcode header at login
	AgencyID string // madonvi; unused for auditors
	Auditor  bool
}

// Server is the mock portal, an http.Handler safe for concurrent use.
type Server struct {
	accounts   map[string]Account
	procedures []ThuTuc
	now        func() time.Time
	ttl        time.Duration
	mux        *http.ServeMux
	defects    Defects
	dialect    string

	mu       sync.Mutex
	sessions map[string]session
	dossiers map[string]*HoSo     // by MaHoSo, with QuaTrinhXuLy
	touched  map[string]time.Time // by MaHoSo: last sync, update or lookup
	order    retain.Order[string] // MaHoSo, first synced first

	maxDossiers int
	idle        time.Duration
}

// New checks opts and builds a Server.
func New(opts Options) (*Server, error) {
	s := &Server{
		accounts:    make(map[string]Account, len(opts.Accounts)),
		procedures:  slices.Clone(opts.Procedures),
		now:         opts.Now,
		ttl:         opts.SessionTTL,
		mux:         http.NewServeMux(),
		defects:     opts.Defects,
		dialect:     vocab.DialectOr(vocab.SystemDVCQG, opts.Dialect),
		sessions:    make(map[string]session),
		dossiers:    make(map[string]*HoSo),
		touched:     make(map[string]time.Time),
		maxDossiers: cmp.Or(opts.MaxDossiers, DefaultMaxDossiers),
		idle:        cmp.Or(opts.DossierIdle, DefaultDossierIdle),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.ttl == 0 {
		s.ttl = 30 * time.Minute
	}
	if s.ttl < 0 {
		return nil, fmt.Errorf("dvcqg mock: negative SessionTTL %v", s.ttl)
	}
	if s.procedures == nil {
		s.procedures = []ThuTuc{} // answer [] rather than null
	}
	for i, a := range opts.Accounts {
		switch {
		case a.Username == "" || a.Password == "" || a.DstCode == "":
			return nil, fmt.Errorf("dvcqg mock: account %d (%q): username, password and dstcode are required", i, a.Username)
		case !a.Auditor && a.AgencyID == "":
			return nil, fmt.Errorf("dvcqg mock: account %q: AgencyID (madonvi) is required", a.Username)
		}
		if _, dup := s.accounts[a.Username]; dup {
			return nil, fmt.Errorf("dvcqg mock: duplicate account %q", a.Username)
		}
		s.accounts[a.Username] = a
	}
	if !vocab.KnownDialect(vocab.SystemDVCQG, s.dialect) {
		return nil, fmt.Errorf("dvcqg mock: unknown dialect %q (want one of %v)", opts.Dialect, vocab.Dialects[vocab.SystemDVCQG])
	}
	s.mux.HandleFunc("GET /healthz", s.handleHealth)
	s.routes()
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	httpx.Health(w, "dvcqg")
}

// reply is the protocol envelope.
type reply struct {
	ErrorCode Code   `json:"error_code"`
	Message   string `json:"message"`
	Session   string `json:"session,omitempty"`
	Result    any    `json:"result,omitempty"`

	// notFound marks a lookup of something unknown, which opencps and rest
	// answer as an empty array (dialect.go).
	notFound bool
}

func ok(result any) reply {
	return reply{ErrorCode: codeOK, Message: messageOK, Result: result}
}

func fail(code Code, format string, args ...any) reply {
	return reply{ErrorCode: code, Message: fmt.Sprintf(format, args...)}
}

// readJSON reads a request body; a body that is not JSON at all is the
// only case answered with HTTP 400, as the protocol answers everything else
// with an error_code.
func readJSON(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 8<<20))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		httpx.JSON(w, http.StatusRequestEntityTooLarge, fail(codeFailed, "Dữ liệu gửi lên vượt quá %d byte", tooBig.Limit))
		return nil, false
	case err != nil:
		httpx.JSON(w, http.StatusBadRequest, fail(codeFailed, "Không đọc được nội dung yêu cầu: %v", err))
		return nil, false
	case !json.Valid(raw):
		httpx.JSON(w, http.StatusBadRequest, fail(codeFailed, "Nội dung yêu cầu không phải JSON hợp lệ"))
		return nil, false
	}
	return raw, true
}

// trim holds the dossiers to maxDossiers, oldest first, keeping those in
// use. The caller holds s.mu.
func (s *Server) trim() {
	now := s.now()
	s.order.Trim(len(s.dossiers), s.maxDossiers, func(code string) bool { return s.dossiers[code] != nil }, func(code string) int {
		if now.Sub(s.touched[code]) < s.idle {
			return 0
		}
		delete(s.dossiers, code)
		delete(s.touched, code)
		return 1
	})
}

// Trim evicts the dossiers over the bound no longer in use (a sync trims
// too; the world calls it now and then so memory comes back after a burst).
func (s *Server) Trim() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trim()
}

// Evicted is how many dossiers were dropped for the bound.
func (s *Server) Evicted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Evicted()
}
