package framework

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/netreason"
)

// testCA is a certificate authority made by the test, for the test's
// servers and clients.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key}
}

func (ca *testCA) pem() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw})
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// issue signs a certificate for cn; hosts are its IP or DNS names (a
// server's), none for a client's; notAfter in the past makes it expired.
func (ca *testCA) issue(t *testing.T, cn string, hosts []string, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: notAfter.Add(-2 * time.Hour), NotAfter: notAfter,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// writePair writes a certificate and its key as PEM files in dir.
func writePair(t *testing.T, dir, name string, c tls.Certificate) {
	t.Helper()
	kd, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, name+".pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]}))
	writeFile(t, filepath.Join(dir, name+"-key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}))
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// tlsServer serves, over TLS with cfg, the common name of the client
// certificate presented ("-" for none).
func tlsServer(t *testing.T, cfg *tls.Config) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := "-"
		if len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		fmt.Fprint(w, cn)
	}))
	srv.TLS = cfg
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failures are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// tlsTarget is a mock target with every URL under base and the given tls
// section, in dir.
func tlsTarget(t *testing.T, dir, base, tlsSection string) *fixtures.Target {
	t.Helper()
	text := "name: tls\nkind: mock\nseed: 1\nprovince: \"01\"\nsso: {client_id: c}\ngateway: {client_id: g}\n" +
		"dvcqg: {username: u, dstcode: D, agency_id: A}\npayment: {partner_code: P}\nurls:\n" +
		"  portal: " + base + "/portal/01\n  sso: " + base + "/sso\n  gateway: " + base + "/gateway\n" +
		"  dvcqg: " + base + "/dvcqg\n  payment: " + base + "/payment\n" + tlsSection
	path := filepath.Join(dir, "target.yaml")
	writeFile(t, path, []byte(text))
	tg, err := fixtures.LoadTarget(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func tlsGet(rt http.RoundTripper, url string) (string, error) {
	c := &http.Client{Transport: rt, Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// TestTargetTransportTLS: the harness trusts the profile's CA bundle and
// presents its client certificates; every TLS failure names the host and
// the reason.
func TestTargetTransportTLS(t *testing.T) {
	dir := t.TempDir()
	ca, other, clientCA := newTestCA(t, "test CA"), newTestCA(t, "other CA"), newTestCA(t, "client CA")
	writeFile(t, filepath.Join(dir, "ca.pem"), ca.pem())
	writeFile(t, filepath.Join(dir, "other.pem"), other.pem())
	writePair(t, dir, "client", clientCA.issue(t, "harness", nil, time.Now().Add(time.Hour)))
	writePair(t, dir, "gw", clientCA.issue(t, "harness-gateway", nil, time.Now().Add(time.Hour)))
	writePair(t, dir, "stranger", other.issue(t, "stranger", nil, time.Now().Add(time.Hour)))
	later := time.Now().Add(time.Hour)

	good := tlsServer(t, &tls.Config{Certificates: []tls.Certificate{ca.issue(t, "server", []string{"127.0.0.1"}, later)}})
	expired := tlsServer(t, &tls.Config{Certificates: []tls.Certificate{ca.issue(t, "server", []string{"127.0.0.1"}, time.Now().Add(-time.Minute))}})
	wrongHost := tlsServer(t, &tls.Config{Certificates: []tls.Certificate{ca.issue(t, "server", []string{"127.0.0.2"}, later)}})
	mtls := tlsServer(t, &tls.Config{Certificates: []tls.Certificate{ca.issue(t, "server", []string{"127.0.0.1"}, later)},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCA.pool()})
	host := func(s *httptest.Server) string { return strings.TrimPrefix(s.URL, "https://") }

	trusting := "tls:\n  ca_file: ca.pem\n"
	withClient := trusting + "  client_cert_file: client.pem\n  client_key_file: client-key.pem\n"
	for _, tc := range []struct {
		name, tls string
		srv       *httptest.Server
		path      string
		want      string   // the answer (client CN), when it must succeed
		errs      []string // what the error must say, else
	}{
		{"custom CA trusted", trusting, good, "/portal/01/x", "-", nil},
		{"unknown CA", "tls:\n  ca_file: other.pem\n", good, "/sso/x", "",
			[]string{"TLS failure with " + host(good), "certificate signed by unknown authority", "tls.ca_file"}},
		{"expired certificate", trusting, expired, "/sso/x", "",
			[]string{"TLS failure with " + host(expired), "certificate has expired"}},
		{"wrong host name", trusting, wrongHost, "/sso/x", "",
			[]string{"TLS failure with " + host(wrongHost), "certificate is for another host name", "valid for 127.0.0.2, not 127.0.0.1"}},
		{"mTLS without a client certificate", trusting, mtls, "/gateway/x", "",
			[]string{"TLS failure with " + host(mtls), "client certificate required", "tls.client_cert_file"}},
		{"mTLS with a client certificate", withClient, mtls, "/gateway/x", "harness", nil},
		{"mTLS with a certificate the server does not accept", trusting + "  client_cert_file: stranger.pem\n  client_key_file: stranger-key.pem\n", mtls, "/sso/x", "",
			[]string{"TLS failure with " + host(mtls), "client certificate refused"}},
		{"per-system certificate", withClient + "  systems:\n    gateway:\n      client_cert_file: gw.pem\n      client_key_file: gw-key.pem\n",
			mtls, "/gateway/x", "harness-gateway", nil},
		{"per-system certificate, other system", withClient + "  systems:\n    gateway:\n      client_cert_file: gw.pem\n      client_key_file: gw-key.pem\n",
			mtls, "/portal/01/x", "harness", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := newTargetTransport(tlsTarget(t, dir, tc.srv.URL, tc.tls))
			if err != nil {
				t.Fatal(err)
			}
			defer tr.CloseIdleConnections()
			got, err := tlsGet(tr, tc.srv.URL+tc.path)
			if tc.errs == nil {
				if err != nil || got != tc.want {
					t.Fatalf("got %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("got %q, want a TLS failure", got)
			}
			r := netreason.Of(err)
			if r.Kind != netreason.TLS || !r.Kind.Down() {
				t.Errorf("kind %q, want %q: %v", r.Kind, netreason.TLS, err)
			}
			for _, want := range tc.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q\n  does not say %q", err, want)
				}
			}
		})
	}
}

// TestBrowserPins: the pin is the leaf's public key, taken only from a
// server the harness verified with the bundle.
func TestBrowserPins(t *testing.T) {
	dir := t.TempDir()
	ca, other := newTestCA(t, "test CA"), newTestCA(t, "other CA")
	writeFile(t, filepath.Join(dir, "ca.pem"), ca.pem())
	writeFile(t, filepath.Join(dir, "other.pem"), other.pem())
	leaf := ca.issue(t, "server", []string{"127.0.0.1"}, time.Now().Add(time.Hour))
	srv := tlsServer(t, &tls.Config{Certificates: []tls.Certificate{leaf}})

	pins, err := browserPins(tlsTarget(t, dir, srv.URL, "tls:\n  ca_file: ca.pem\n"))
	if err != nil {
		t.Fatal(err)
	}
	parsed, _ := x509.ParseCertificate(leaf.Certificate[0])
	if want := spkiHash(parsed); len(pins) != 1 || pins[0] != want {
		t.Errorf("pins = %v, want [%s]", pins, want)
	}
	if _, err := browserPins(tlsTarget(t, dir, srv.URL, "tls:\n  ca_file: other.pem\n")); err == nil ||
		!strings.Contains(err.Error(), "certificate signed by unknown authority") || !strings.Contains(err.Error(), srv.Listener.Addr().String()) {
		t.Errorf("a server the bundle does not vouch for: %v", err)
	}
	if pins, err := browserPins(tlsTarget(t, dir, srv.URL, "")); pins != nil || err != nil {
		t.Errorf("no bundle: Chromium's own store decides; got %v, %v", pins, err)
	}
	writePair(t, dir, "client", ca.issue(t, "harness", nil, time.Now().Add(time.Hour)))
	if _, err := browserPins(tlsTarget(t, dir, srv.URL, "tls:\n  ca_file: ca.pem\n  client_cert_file: client.pem\n  client_key_file: client-key.pem\n")); err == nil ||
		!strings.Contains(err.Error(), "mutual TLS") {
		t.Errorf("mTLS for the portal: %v", err)
	}
}

// spkiHash is computed here independently of leafPin: base64(SHA-256(SPKI)),
// the form Chromium's --ignore-certificate-errors-spki-list takes.
func spkiHash(c *x509.Certificate) string {
	h := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(h[:])
}
