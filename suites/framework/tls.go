package framework

import (
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/netreason"
	"github.com/dvcqa/dvcqa/vocab"
)

// targetTransport is the harness's HTTP transport for a target: Go's
// default one, trusting the system's CAs plus the profile's tls.ca_file (or
// tls.ca_env) bundle — plus, not only, so that a target mixing a private
// gateway CA with public certificates elsewhere works with one bundle —
// and presenting the profile's client certificate (mutual TLS), the
// system's own where tls.systems names one. A TLS failure comes back as a
// netreason.Error naming the host and the reason.
type targetTransport struct {
	def    *http.Transport
	routes []tlsRoute // longest prefix first
	// defCert says whether def presents a client certificate.
	defCert bool
}

// tlsRoute sends the requests under a system's URL through a transport
// presenting that system's client certificate.
type tlsRoute struct {
	prefix string
	rt     *http.Transport
}

func newTargetTransport(t *fixtures.Target) (*targetTransport, error) {
	m, err := t.TLSMaterial()
	if err != nil {
		return nil, fmt.Errorf("tls: %w", err)
	}
	roots, err := tlsRoots(m)
	if err != nil {
		return nil, err
	}
	mk := func(cert *tls.Certificate) *http.Transport {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
		tr.TLSClientConfig.GetClientCertificate = func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			if cert != nil {
				// Always offered when asked, whatever CAs the server lists:
				// Go would otherwise send none when the lists do not match,
				// and the failure would read "certificate required".
				return cert, nil
			}
			// None to give. Under TLS 1.3 the server's refusal may only
			// show as a reset on the first write: remember that it asked.
			if asked, ok := cri.Context().Value(certAskedKey{}).(*atomic.Bool); ok {
				asked.Store(true)
			}
			return &tls.Certificate{}, nil
		}
		return tr
	}
	tt := &targetTransport{def: mk(m.ClientFor("")), defCert: m.ClientFor("") != nil}
	for sys, base := range systemURLs(t.URLs) {
		if c, own := m.OwnClient(sys); own && base != "" {
			tt.routes = append(tt.routes, tlsRoute{prefix: strings.TrimRight(base, "/"), rt: mk(c)})
		}
	}
	slices.SortFunc(tt.routes, func(a, b tlsRoute) int { return len(b.prefix) - len(a.prefix) })
	return tt, nil
}

// tlsRoots is the system pool plus the bundle; nil (Go's default, the
// system pool) when the profile names no bundle.
func tlsRoots(m *fixtures.TLSMaterial) (*x509.CertPool, error) {
	if m == nil || len(m.CAs) == 0 {
		return nil, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool() // no system pool here: the bundle alone
	}
	for _, c := range m.CAs {
		pool.AddCert(c)
	}
	return pool, nil
}

func systemURLs(u fixtures.URLs) map[string]string {
	return map[string]string{"portal": u.Portal, vocab.SystemSSO: u.SSO, vocab.SystemGateway: u.Gateway,
		vocab.SystemDVCQG: u.DVCQG, vocab.SystemPayment: u.Payment}
}

func (t *targetTransport) pick(u *url.URL) (*http.Transport, bool) {
	s := u.String()
	for _, r := range t.routes {
		if s == r.prefix || strings.HasPrefix(s, r.prefix+"/") || strings.HasPrefix(s, r.prefix+"?") {
			return r.rt, true
		}
	}
	return t.def, t.defCert
}

// certAskedKey marks a request's context with a flag the TLS handshake of
// a connection dialled for it sets when the server asks for a client
// certificate the profile does not have.
type certAskedKey struct{}

func (t *targetTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rt, cert := t.pick(req.URL)
	asked := new(atomic.Bool)
	resp, err := rt.RoundTrip(req.WithContext(context.WithValue(req.Context(), certAskedKey{}, asked)))
	if err != nil {
		r := netreason.TransportTo(err, req.URL.Host, cert)
		if r.Kind == netreason.TLS {
			return nil, r
		}
		// "Other" too: over HTTP/2 the refusal can surface as "http2:
		// client conn could not be established".
		if asked.Load() && (r.Kind == netreason.Reset || r.Kind == netreason.Closed || r.Kind == netreason.Cut || r.Kind == netreason.Other) {
			return nil, &netreason.Error{Kind: netreason.TLS, Host: req.URL.Host, Err: err,
				Detail: "(bad certificate (client certificate required: the server asked for one in the TLS handshake and the profile has none — set tls.client_cert_file and tls.client_key_file); it then closed the connection: " + r.Error() + ")"}
		}
	}
	return resp, err
}

// CloseIdleConnections closes every transport's idle connections.
func (t *targetTransport) CloseIdleConnections() {
	t.def.CloseIdleConnections()
	for _, r := range t.routes {
		r.rt.CloseIdleConnections()
	}
}

// Chromium reads no CA file: it has --ignore-certificate-errors-spki-list,
// which accepts a server whose certificate chain holds a listed public key
// (leaf or intermediate it sends), whatever else is wrong with it. So the
// harness verifies each https server the browser visits itself, with Go
// and the profile's bundle (chain, expiry, host name), and lists the public
// key of the leaf it verified: Chromium then trusts exactly the servers the
// harness does, as they were when the browser started. A server that
// changes its key mid-run fails in the browser with Chromium's own error.
// A client certificate cannot be given to Chromium this way (it reads them
// from its NSS database), so mutual TLS for the portal or the SSO is
// refused with the reason.
var browserTrust struct {
	once sync.Once
	pins []string
	err  error
}

// BrowserSPKIPins are the public-key pins Chromium needs for the target's
// https servers: nil when the profile names no CA bundle (Chromium's own
// store decides, as for any site), an error when the browser cannot be
// made to trust them. Computed once per process.
func BrowserSPKIPins(t *fixtures.Target) ([]string, error) {
	browserTrust.once.Do(func() { browserTrust.pins, browserTrust.err = browserPins(t) })
	return browserTrust.pins, browserTrust.err
}

func browserPins(t *fixtures.Target) ([]string, error) {
	m, err := t.TLSMaterial()
	if err != nil {
		return nil, fmt.Errorf("tls: %w", err)
	}
	if m.ClientFor("portal") != nil || m.ClientFor(vocab.SystemSSO) != nil {
		return nil, errors.New("browser specs cannot run against this target: its profile gives the portal or the SSO a client certificate (mutual TLS), " +
			"and dvcqa cannot hand one to Chromium (it reads client certificates from its own NSS database); run the API layer only (--label-filter 'layer:api')")
	}
	roots, err := tlsRoots(m)
	if err != nil || roots == nil {
		return nil, err
	}
	var pins, hosts []string
	for _, base := range []string{t.URLs.Portal, t.URLs.SSO, t.URLs.Payment, t.URLs.DVCQG, t.URLs.Gateway} {
		u, err := url.Parse(base)
		if err != nil || u.Scheme != "https" || slices.Contains(hosts, u.Host) {
			continue
		}
		hosts = append(hosts, u.Host)
		pin, err := leafPin(u, roots, t.Timeouts.Request)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(pins, pin) {
			pins = append(pins, pin)
		}
	}
	return pins, nil
}

// leafPin verifies the server at u with roots and returns the base64
// SHA-256 of its leaf certificate's SubjectPublicKeyInfo.
func leafPin(u *url.URL, roots *x509.CertPool, timeout time.Duration) (string, error) {
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "443")
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmp.Or(timeout, 10*time.Second))
	defer cancel()
	d := tls.Dialer{Config: &tls.Config{RootCAs: roots, ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", fmt.Errorf("browser trust for %s: %w", u.Host, netreason.TransportTo(err, u.Host, false))
	}
	defer conn.Close()
	leaf := conn.(*tls.Conn).ConnectionState().PeerCertificates[0]
	sum := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:]), nil
}
