package world

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestWorldServesTLS: with Options.TLS every URL is https, a client
// trusting the generated CA and holding the generated client certificate
// reaches every system, and one without the certificate is refused in the
// handshake.
func TestWorldServesTLS(t *testing.T) {
	gen, err := GenerateTLS([]string{"127.0.0.1"}, true)
	if err != nil {
		t.Fatal(err)
	}
	w, err := Start(Options{Seed: 42, TLS: gen.Server})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	u := w.URLs("01")
	for _, s := range []string{w.URL, u.Portal, u.SSO, u.Gateway, u.DVCQG, u.Payment} {
		if !strings.HasPrefix(s, "https://127.0.0.1:") {
			t.Errorf("URL %s, want https", s)
		}
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(gen.CAPEM) {
		t.Fatal("CA PEM does not parse")
	}
	pair, err := tls.X509KeyPair(gen.ClientCertPEM, gen.ClientKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	client := func(certs ...tls.Certificate) *http.Client {
		return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: certs}}}
	}
	with := client(pair)
	for _, base := range []string{u.Portal, u.SSO, u.Gateway, u.DVCQG, u.Payment} {
		resp, err := with.Get(base + "/healthz")
		if err != nil {
			t.Fatalf("%s/healthz: %v", base, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s/healthz: %d", base, resp.StatusCode)
		}
	}
	if resp, err := client().Get(u.Portal + "/healthz"); err == nil {
		resp.Body.Close()
		t.Error("a client without a certificate was served")
	}
}
