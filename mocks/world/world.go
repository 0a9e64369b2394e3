// Package world starts dvcqa's whole mock e-government world on one
// loopback port: SSO, the data-exchange gateway with the national databases
// behind it, one one-stop portal per province, the national portal and the
// payment platform. Systems talk to each other over HTTP, as in reality, so
// a fault in one shows where a real one would. It is the only package the
// suites' entry may import from mocks/, to start the embedded default.
package world

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/mocks/clock"
	"github.com/dvcqa/dvcqa/mocks/defects"
	"github.com/dvcqa/dvcqa/mocks/portal"
	"github.com/dvcqa/dvcqa/vocab"
)

// Options configure a world.
type Options struct {
	Addr string // listen address; default 127.0.0.1:0 (a free port)
	// URL, when set, is the world's external base URL (a proxy in front of
	// it, e.g. a fault-injecting one): issuers, base URLs and redirects name
	// it, while the systems' own calls to one another go straight to the
	// listener.
	URL         string
	Seed        int64         // world seed: citizens and credentials derive from it
	Day         time.Duration // real duration of one world day while a dossier is processed; default 10ms
	Wall        clock.Wall    // real time; nil = the machine's (tests fast-forward a clock.Fake)
	PerProvince int           // synthetic citizens per province; default citizens.DefaultPerProvince
	Catalog     *fixtures.Catalog
	Defects     *defects.Set // seeded defects in force; nil = none (switchable later at /admin/defects)
	// AdminToken is the bearer token /admin/* wants; "" = a random one
	// (NewAdminToken), read back with World.AdminToken.
	AdminToken string
	// AllowRemote lets Addr be a non-loopback address. Without it Start
	// refuses one: the mock has no real security and is meant for one
	// machine (see ErrRemoteAddr).
	AllowRemote bool
	Retention   Retention // how much history each system keeps (retention.go); zero fields = defaults
	// Dialects is the dialect each system speaks, by system name
	// (vocab.Dialects); absent or "" = the system's default.
	Dialects map[string]string
	// Officers is who moves the portals' dossiers: portal.OfficersAutomatic
	// ("" too) or portal.OfficersManual (only officers acting in each
	// portal's back office, docs/officers.md).
	Officers string
	// TLS, when set, serves the world over https with it (its
	// certificates; ClientAuth for mutual TLS): URLs are https. TLSRoots is
	// what the systems trust when calling one another; nil = the
	// certificates TLS serves (tls.go).
	TLS      *tls.Config
	TLSRoots *x509.CertPool
}

// dialect is the dialect the world's system speaks.
func (o Options) dialect(system string) string {
	return vocab.DialectOr(system, o.Dialects[system])
}

// checkDialects refuses a dialect a system does not speak.
func checkDialects(d map[string]string) error {
	for sys, name := range d {
		if _, ok := vocab.Dialects[sys]; !ok {
			return fmt.Errorf("world: dialect for unknown system %q (want one of dvcqg, payment, gateway, sso)", sys)
		}
		if !vocab.KnownDialect(sys, name) {
			return fmt.Errorf("world: %s does not speak dialect %q (it speaks %s)", sys, name, strings.Join(vocab.Dialects[sys], ", "))
		}
	}
	return nil
}

// DefaultDay makes a 15-working-day procedure take about 0.2 s of real time.
const DefaultDay = 10 * time.Millisecond

// World is a running mock world. Like httptest.Server: URL, Close.
type World struct {
	URL      string // base URL, e.g. http://127.0.0.1:41234
	Seed     int64
	Catalog  *fixtures.Catalog
	Citizens *citizens.World
	Defects  *defects.Set

	listen     string // the listener's address (host:port)
	adminToken string
	resultCA   []byte // PEM of the CA that certifies every portal's result signers
	srv        *http.Server
	clock      *clock.Clock
	portals    []*portal.Server
	systems    systems // for Evicted and the sweep
	stopSweep  chan struct{}
	sweepOnce  sync.Once
	sweepDone  chan struct{}
	done       chan struct{}
	tlsServer  *tls.Config // nil = http
	tlsClient  *tls.Config // the systems' own client config over https
}

// Start builds every system and serves them on one listener.
func Start(opts Options) (*World, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Day == 0 {
		opts.Day = DefaultDay
	}
	if opts.AdminToken == "" {
		opts.AdminToken = NewAdminToken()
	}
	if err := CheckAddr(opts.Addr, opts.AllowRemote); err != nil {
		return nil, err
	}
	if err := checkDialects(opts.Dialects); err != nil {
		return nil, err
	}
	if opts.Defects == nil {
		opts.Defects = defects.NewSet()
	}
	if opts.PerProvince == 0 {
		opts.PerProvince = citizens.DefaultPerProvince
	}
	cat := opts.Catalog
	if cat == nil {
		var err error
		if cat, err = fixtures.Load(); err != nil {
			return nil, err
		}
	}
	people, err := citizens.Generate(cat.Provinces, cat.Databases, opts.Seed, opts.PerProvince)
	if err != nil {
		return nil, fmt.Errorf("world: citizens: %w", err)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("world: listen %s: %w", opts.Addr, err)
	}
	w := &World{URL: reachableURL(ln.Addr()), listen: ln.Addr().String(), Seed: opts.Seed, Catalog: cat, Citizens: people, Defects: opts.Defects,
		adminToken: opts.AdminToken, clock: clock.New(time.Time{}, opts.Day), done: make(chan struct{})}
	if opts.Wall != nil {
		w.clock = clock.NewWall(opts.Wall, opts.Day)
	}
	if opts.TLS != nil {
		w.URL = "https://" + strings.TrimPrefix(w.URL, "http://")
	}
	if opts.URL != "" {
		w.URL = strings.TrimRight(opts.URL, "/")
	}
	if err := w.prepareTLS(opts); err != nil {
		ln.Close()
		w.clock.Stop()
		return nil, err
	}
	mux, err := w.build(opts)
	if err != nil {
		ln.Close()
		w.clock.Stop()
		return nil, err
	}
	w.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, TLSConfig: w.tlsServer}
	w.stopSweep, w.sweepDone = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(w.sweepDone)
		w.sweep(sweepEvery(opts.Retention.DossierIdle), w.stopSweep)
	}()
	go func() {
		defer close(w.done)
		if w.tlsServer != nil {
			_ = w.srv.ServeTLS(ln, "", "") // certificates from TLSConfig
			return
		}
		_ = w.srv.Serve(ln)
	}()
	return w, nil
}

// Addr is the listener's address (host:port); with Options.URL set, what a
// proxy in front of the world forwards to.
func (w *World) Addr() string { return w.listen }

// URLs are where a province's target finds each system.
func (w *World) URLs(province string) fixtures.URLs {
	return fixtures.URLs{
		Portal:  w.URL + "/portal/" + province,
		SSO:     w.systems.sso.Issuer(), // dialect wso2: …/sso/oauth2/token
		Gateway: w.URL + "/gateway",
		DVCQG:   w.URL + "/dvcqg",
		Payment: w.URL + "/payment",
	}
}

// Close stops the portals' officers and their pushes to the national portal
// first (they still need the server), then the server, waiting up to 5 s for
// requests in flight before cutting them, then the clock.
func (w *World) Close() error {
	w.sweepOnce.Do(func() { close(w.stopSweep) }) // Close may be called twice
	<-w.sweepDone
	for _, p := range w.portals {
		p.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := w.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		// A request still running after 5 s is cut: closing a mock world
		// must not hang or fail the suite that used it.
		err = w.srv.Close()
	}
	<-w.done
	w.clock.Stop()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// mount serves h under prefix with the prefix stripped, the way every
// system expects to be mounted.
func mount(mux *http.ServeMux, prefix string, h http.Handler) {
	prefix = strings.TrimRight(prefix, "/")
	mux.Handle(prefix+"/", http.StripPrefix(prefix, h))
}

// ResultCAPEM is the certificate of the authority that certifies the
// portals' result signers: what a QA team would pin as
// portal.result_ca_file (the starter and `mock serve` hand it over; the
// harness never takes it from the portal under test when it is pinned).
func (w *World) ResultCAPEM() []byte { return append([]byte(nil), w.resultCA...) }
