// Package portal is a mock provincial one-stop portal (Hệ thống thông tin
// giải quyết thủ tục hành chính): citizens log in through the SSO, fill
// forms prefilled from national data, upload attachments, submit dossiers,
// pay fees and receive signed results while simulated officers move each
// dossier through its workflow on the world's compressed clock. Every state
// change is pushed to the national portal (DVCQG). The contract is
// docs/contracts.md, "Provincial portal"; its wire types are its own
// (internal/wire), its rules too (rules.go).
package portal

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/clock"
	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	"github.com/dvcqa/dvcqa/mocks/internal/retain"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// Version is reported by /healthz.
const Version = "mock-1"

// DefaultAudiences are the SSO clients whose ID tokens the portal accepts.
var DefaultAudiences = []string{"dvcqa-portal", "dvcqa-portal-short"}

// Options configure one province's portal.
type Options struct {
	BaseURL  string // external base, e.g. http://127.0.0.1:41234/portal/01; every absolute URL starts with it
	Province fixtures.Province
	Catalog  *fixtures.Catalog
	Calendar Calendar     // working days; nil = the portal's own over Catalog.Calendar.Holidays
	Clock    *clock.Clock // gives each dossier its compressed timeline; nil = real time

	SSOIssuer string       // OIDC issuer of the ID tokens
	Audiences []string     // accepted aud values; nil = DefaultAudiences
	KeySet    oidc.KeySet  // nil = the issuer's JWKS ({SSOIssuer}/jwks) fetched with HTTP
	HTTP      *http.Client // for the JWKS; nil = 10 s timeout

	Data     NationalData   // nil: nothing is prefilled
	National NationalPortal // nil: nothing is pushed
	Payments Payments       // nil: starting a payment answers 502
	Signer   *Signer        // signs results; nil = a fresh mock CA and signer
	Defects  Defects        // seeded defects (defects.go); nil = none

	WebClientID string // SSO client of the web login (web_login.go); "" = "dvcqa-portal"
	// SSOClient is how the web login authenticates to the SSO and where
	// its keys are (auth.go); zero = a public client with PKCE (dialect oidc).
	SSOClient SSOClient

	Retention Retention // how many dossiers and uploads are kept (retention.go); zero = defaults

	// DVCQGDialect is the dialect National speaks when it is the portal's
	// own DVCQGPortal (dvcqg_dialects.go); "" = as built (envelope).
	DVCQGDialect string

	// Officers is who moves dossiers (docs/officers.md): OfficersAutomatic
	// ("" too: synthetic officers on the world clock) or OfficersManual
	// (only officers acting in the back office, backoffice*.go).
	Officers string
	// OfficerPassword is the password of the province's officer account
	// (OfficerUsername); "" = a random one nobody knows.
	OfficerPassword string
}

// Server is one provincial portal, an http.Handler.
type Server struct {
	opts     Options
	clock    *clock.Clock
	verifier *oidc.IDTokenVerifier
	keySet   oidc.KeySet
	signer   *Signer
	office   officeCalendar // the portal's own working-day calendar over the catalog's holidays
	mux      *http.ServeMux
	sync     *syncer
	web      *webFront
	back     *backOffice // the officers' back office (backoffice.go)

	mu          sync.Mutex
	closed      bool
	attachments map[string]*attachment
	dossiers    map[string]*dossier // by id
	byCode      map[string]*dossier
	order       retain.Order[string] // dossier ids, oldest first
	attOrder    retain.Order[string] // attachment ids, oldest first
	daySeq      map[string]int       // dossier codes issued per world day (yyMMdd)
	idem        map[idemKey]*idemEntry
	timers      map[uint64]func() bool // pending workflow steps, cancelled by Close
	timerSeq    uint64
	prefilled   prefillMemory // citizens whose forms were prefilled, for a seeded defect
}

// New checks the options and builds the portal.
func New(opts Options) (*Server, error) {
	switch {
	case opts.BaseURL == "":
		return nil, errors.New("portal: BaseURL is required")
	case opts.Province.Code == "" || opts.Province.AgencyID == "":
		return nil, errors.New("portal: Province with Code and AgencyID is required")
	case opts.Catalog == nil:
		return nil, errors.New("portal: Catalog is required")
	case opts.SSOIssuer == "":
		return nil, errors.New("portal: SSOIssuer is required")
	}
	office, err := newOfficeCalendar(opts.Catalog.Calendar.Holidays)
	if err != nil {
		return nil, fmt.Errorf("portal: calendar: %w", err)
	}
	if opts.Calendar == nil {
		opts.Calendar = office
	}
	if len(opts.Audiences) == 0 {
		opts.Audiences = DefaultAudiences
	}
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.WebClientID == "" {
		opts.WebClientID = DefaultAudiences[0]
	}
	s := &Server{
		office:      office,
		opts:        opts,
		clock:       opts.Clock,
		signer:      opts.Signer,
		attachments: map[string]*attachment{},
		dossiers:    map[string]*dossier{},
		byCode:      map[string]*dossier{},
		daySeq:      map[string]int{},
		idem:        map[idemKey]*idemEntry{},
		timers:      map[uint64]func() bool{},
	}
	if s.clock == nil {
		s.clock = clock.New(time.Time{}, 0)
	}
	s.keySet = opts.KeySet
	if s.keySet == nil {
		ctx := oidc.ClientContext(context.Background(), opts.HTTP)
		s.keySet = oidc.NewRemoteKeySet(ctx, cmp.Or(opts.SSOClient.JWKSURL, opts.SSOIssuer+"/jwks"))
	}
	// aud is checked against a list and iss by hand (see authenticate), so
	// that every failure gets its own reason without matching error text.
	s.verifier = oidc.NewVerifier(opts.SSOIssuer, s.keySet, &oidc.Config{SkipClientIDCheck: true, SkipIssuerCheck: true})
	if s.signer == nil {
		ca, err := NewCA("dvcqa mock CA " + opts.Province.Code)
		if err != nil {
			return nil, fmt.Errorf("portal: %w", err)
		}
		if s.signer, err = ca.NewSigner(s.issuerName()); err != nil {
			return nil, fmt.Errorf("portal: %w", err)
		}
	}
	web, err := newWebFront(opts)
	if err != nil {
		return nil, err
	}
	s.web = web
	if s.back, err = newBackOffice(opts, web); err != nil {
		return nil, err
	}
	s.opts.Retention = opts.Retention.withDefaults()
	s.sync = newSyncer(withDVCQGDialect(opts.National, opts.DVCQGDialect))
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /healthz", s.handleHealth)
	m.HandleFunc("GET /api/v1/time", s.handleTime)
	m.HandleFunc("GET /api/v1/services", s.handleServices)
	m.HandleFunc("GET /api/v1/services/{id}", s.handleService)
	m.HandleFunc("GET /api/v1/services/{id}/form", s.auth(s.handleForm))
	m.HandleFunc("POST /api/v1/attachments", s.auth(s.handleUpload))
	m.HandleFunc("POST /api/v1/dossiers", s.auth(s.handleSubmit))
	m.HandleFunc("GET /api/v1/dossiers", s.auth(s.handleDossiers))
	m.HandleFunc("GET /api/v1/dossiers/{id}", s.auth(s.handleDossier))
	m.HandleFunc("POST /api/v1/dossiers/{id}/payment", s.auth(s.handleStartPayment))
	m.HandleFunc("POST /api/v1/dossiers/{id}/withdraw", s.auth(s.handleWithdraw)) // withdraw.go
	m.HandleFunc("GET /api/v1/dossiers/{id}/result", s.auth(s.handleResult))
	m.HandleFunc("POST /api/v1/payment/callback", s.handlePaymentCallback)
	m.HandleFunc("GET /api/v1/trust/ca.pem", s.handleCA)
	s.webRoutes(m)           // web.go: the citizens' pages
	s.backofficeAPIRoutes(m) // backoffice_api.go: the officers' API
	s.backofficeWebRoutes(m) // backoffice_web.go: the officers' pages
	m.HandleFunc("/", s.notFoundAny)
	s.mux = m
}

// ServeHTTP serves the portal's API and web pages.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Close stops the officers (pending workflow steps) and waits for pushes to
// the national portal already queued. The clock is shared with other
// systems, so only this portal's timers are cancelled.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	timers := s.timers
	s.timers = map[uint64]func() bool{}
	s.mu.Unlock()
	for _, stop := range timers {
		stop()
	}
	s.sync.close()
}

// SyncErrors lists pushes to the national portal that failed after retries.
func (s *Server) SyncErrors() []SyncError { return s.sync.errors() }

// now is the real time of the clock (a new dossier's world time starts
// there), truncated to the second as every time the portal records (RFC
// 3339 without fractions on the wire).
func (s *Server) now() time.Time { return s.clock.Now().Truncate(time.Second) }

// timeline is a dossier's own world time on the clock: it starts at the
// dossier's submission and runs compressed while its officers have a step
// scheduled (mocks/clock).
type timeline = clock.Timeline

func (s *Server) issuerName() string { return "Ủy ban nhân dân " + s.opts.Province.NameVI }

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	httpx.JSON(w, http.StatusOK, api.Health{Status: "ok", System: "portal", Province: s.opts.Province.Code, Version: Version})
}

func (s *Server) handleTime(w http.ResponseWriter, r *http.Request) {
	httpx.JSON(w, http.StatusOK, api.Time{Now: s.now()})
}

func writeError(w http.ResponseWriter, status int, code, msg, msgVI string) {
	writeAPIError(w, &api.APIError{Status: status, Code: code, Message: msg, MessageVI: msgVI})
}

func writeAPIError(w http.ResponseWriter, e *api.APIError) {
	httpx.JSON(w, e.Status, api.ErrorBody{Error: *e})
}

// decodeJSON reads a JSON body of at most limit bytes into v, refusing
// unknown members, so typos in a request are reported instead of ignored.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) *api.APIError {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON value")
	}
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return &api.APIError{Status: http.StatusRequestEntityTooLarge, Code: api.CodeTooLarge,
			Message: "request body too large", MessageVI: "Dữ liệu gửi lên quá lớn"}
	}
	if errors.Is(err, io.EOF) {
		err = errors.New("empty body")
	}
	return &api.APIError{Status: http.StatusBadRequest, Code: api.CodeBadRequest,
		Message: "malformed JSON body: " + err.Error(), MessageVI: "Dữ liệu gửi lên không đúng định dạng JSON"}
}
