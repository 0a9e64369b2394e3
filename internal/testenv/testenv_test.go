package testenv

import (
	"crypto/x509"
	"testing"
)

func TestServerCertChainsToItsCA(t *testing.T) {
	c := NewServerCert(t, "portal")
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(c.CAPEM) {
		t.Fatal("CA PEM holds no certificate")
	}
	if _, err := c.Leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: "127.0.0.1"}); err != nil {
		t.Errorf("leaf does not verify for 127.0.0.1 against its CA: %v", err)
	}
	if _, err := c.Leaf.Verify(x509.VerifyOptions{}); err == nil {
		t.Error("leaf verifies against the system roots: the CA must be private")
	}
}
