package world

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
	"time"
)

// The world over https (Options.TLS). Its systems call one another on
// the same listener, so they must pass the same handshake the harness
// does: their client trusts the certificates the world serves and, when
// the world wants client certificates (mutual TLS), presents one from a CA
// the world makes for itself in memory and adds to the accepted ones. The
// mock's own code, never shared with the harness.

// prepareTLS readies the world's server config (a clone of opts.TLS) and
// the internal client's; nothing when opts.TLS is nil.
func (w *World) prepareTLS(opts Options) error {
	if opts.TLS == nil {
		return nil
	}
	srv := opts.TLS.Clone()
	if len(srv.Certificates) == 0 && srv.GetCertificate == nil {
		return errors.New("world: Options.TLS has no certificate to serve")
	}
	roots := opts.TLSRoots
	if roots == nil {
		// Trust what is served: every certificate of every served chain
		// (Go accepts a chain ending at any certificate of the pool).
		roots = x509.NewCertPool()
		for _, c := range srv.Certificates {
			for _, der := range c.Certificate {
				cert, err := x509.ParseCertificate(der)
				if err != nil {
					return fmt.Errorf("world: Options.TLS certificate: %w", err)
				}
				roots.AddCert(cert)
			}
		}
	}
	client := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	if srv.ClientAuth != tls.NoClientCert {
		ca, caKey, err := newCA("dvcqa mock world internal client CA (không dùng thật)")
		if err != nil {
			return err
		}
		cert, err := issue(ca, caKey, "dvcqa mock world internal client", nil, x509.ExtKeyUsageClientAuth)
		if err != nil {
			return err
		}
		pool := x509.NewCertPool()
		if srv.ClientCAs != nil {
			pool = srv.ClientCAs.Clone()
		}
		pool.AddCert(ca)
		srv.ClientCAs = pool
		client.Certificates = []tls.Certificate{cert}
	}
	w.tlsServer, w.tlsClient = srv, client
	return nil
}

// internalTLS gives the systems' client (its transport, nil = Go's
// default) the world's internal TLS config.
func (w *World) internalTLS(c *http.Client) {
	if w.tlsClient == nil {
		return
	}
	tr, ok := c.Transport.(*http.Transport)
	if !ok || tr == nil {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	}
	tr.TLSClientConfig = w.tlsClient
	c.Transport = tr
}

// GeneratedTLS is a CA made for one mock world, a server certificate it
// signed, and, for mutual TLS, a client certificate for the harness signed
// by a client CA the server requires. Only the CA and the client's pair
// are meant to leave the process; the server's key stays in Server.
type GeneratedTLS struct {
	Server        *tls.Config // for Options.TLS
	CAPEM         []byte      // what the harness trusts (tls.ca_file)
	ClientCertPEM []byte      // nil without client auth
	ClientKeyPEM  []byte
}

// GenerateTLS makes the certificates of a world served at hosts (IPs or
// names); clientAuth makes the server require a client certificate.
func GenerateTLS(hosts []string, clientAuth bool) (*GeneratedTLS, error) {
	ca, caKey, err := newCA("dvcqa mock world CA (không dùng thật)")
	if err != nil {
		return nil, err
	}
	leaf, err := issue(ca, caKey, "dvcqa mock world", hosts, x509.ExtKeyUsageServerAuth)
	if err != nil {
		return nil, err
	}
	// The chain ends with the CA, so a browser told to trust the CA's key
	// (rather than the leaf's) finds it in what the server sends.
	leaf.Certificate = append(leaf.Certificate, ca.Raw)
	g := &GeneratedTLS{Server: &tls.Config{Certificates: []tls.Certificate{leaf}, MinVersion: tls.VersionTLS12},
		CAPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})}
	if clientAuth {
		cca, ccaKey, err := newCA("dvcqa mock world client CA (không dùng thật)")
		if err != nil {
			return nil, err
		}
		cl, err := issue(cca, ccaKey, "dvcqa harness", nil, x509.ExtKeyUsageClientAuth)
		if err != nil {
			return nil, err
		}
		keyDER, err := x509.MarshalPKCS8PrivateKey(cl.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("world: client key: %w", err)
		}
		g.ClientCertPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cl.Certificate[0]})
		g.ClientKeyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
		pool := x509.NewCertPool()
		pool.AddCert(cca)
		g.Server.ClientAuth, g.Server.ClientCAs = tls.RequireAndVerifyClientCert, pool
	}
	return g, nil
}

// certValidity: long enough for a mock left running, short enough to be
// obviously not for production.
const certValidity = 90 * 24 * time.Hour

func newCA(name string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("world: CA key: %w", err)
	}
	tmpl := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: name, Organization: []string{"dvcqa mock"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(certValidity),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("world: CA: %w", err)
	}
	ca, err := x509.ParseCertificate(der)
	return ca, key, err
}

func issue(ca *x509.Certificate, caKey *ecdsa.PrivateKey, name string, hosts []string, usage x509.ExtKeyUsage) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("world: key: %w", err)
	}
	tmpl := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: name, Organization: []string{"dvcqa mock"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(certValidity),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	for _, h := range hosts {
		h = strings.Trim(h, "[]")
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else if h != "" {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("world: certificate %s: %w", name, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return n
}
