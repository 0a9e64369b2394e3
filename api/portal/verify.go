package portal

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
)

// VerifyResult checks a result the way a citizen's verifier would: the
// signing certificate chains to the CA in caPEM, the signature is ECDSA
// P-256 over SHA-256 of the exact document bytes, and only then are the
// bytes parsed.
func VerifyResult(r *Result, caPEM []byte) (*ResultDocument, error) {
	if r == nil {
		return nil, errors.New("verify result: no result")
	}
	if r.Algorithm != Algorithm {
		return nil, fmt.Errorf("verify result: algorithm %q, want %q", r.Algorithm, Algorithm)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("verify result: no certificate in the CA PEM")
	}
	leaf, err := parseCertPEM([]byte(r.CertificatePEM))
	if err != nil {
		return nil, fmt.Errorf("verify result: signing certificate: %w", err)
	}
	// Document signing has no standard extended key usage in crypto/x509.
	opts := x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
	chains, err := leaf.Verify(opts)
	if err != nil {
		return nil, fmt.Errorf("verify result: certificate chain: %w", err)
	}
	// crypto/x509 trusts a leaf found in the root pool by itself; a result
	// must be signed by a certificate the CA issued, not by the anchor.
	if !slices.ContainsFunc(chains, func(c []*x509.Certificate) bool { return len(c) >= 2 && c[len(c)-1].IsCA }) {
		return nil, errors.New("verify result: certificate chain: the signing certificate is not issued by a CA of the trust anchor")
	}
	if leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return nil, errors.New("verify result: certificate is not for digital signatures")
	}
	pub, ok := leaf.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, fmt.Errorf("verify result: certificate key is %T, want ECDSA P-256", leaf.PublicKey)
	}
	sum := sha256.Sum256(r.Document)
	if !ecdsa.VerifyASN1(pub, sum[:], r.Signature) {
		return nil, errors.New("verify result: signature does not match the document")
	}
	var doc ResultDocument
	if err := json.Unmarshal(r.Document, &doc); err != nil {
		return nil, fmt.Errorf("verify result: signed document is not JSON: %w", err)
	}
	return &doc, nil
}

func parseCertPEM(data []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}
