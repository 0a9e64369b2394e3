package portal

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// CA is a mock certification authority: a self-signed ECDSA P-256 root that
// certifies result signers, standing in for the government's CA.
type CA struct {
	key     *ecdsa.PrivateKey
	cert    *x509.Certificate
	certPEM []byte
}

// Signer signs result documents with a key certified by a CA.
type Signer struct {
	key     *ecdsa.PrivateKey
	certPEM []byte
	caPEM   []byte
}

// NewCA creates a root valid for twenty years (real time: certificates are
// checked against the real clock, not the compressed one).
func NewCA(name string) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("new CA: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"dvcqa (mô phỏng)"}, Country: []string{"VN"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(20, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("new CA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("new CA: %w", err)
	}
	return &CA{key: key, cert: cert, certPEM: pemCert(der)}, nil
}

// CertPEM is the root certificate, PEM encoded.
func (ca *CA) CertPEM() []byte { return append([]byte(nil), ca.certPEM...) }

// NewSigner issues a signing certificate for subject, e.g. "Ủy ban nhân dân Hà Nội".
func (ca *CA) NewSigner(subject string) (*Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("new signer: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: subject, Country: []string{"VN"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, fmt.Errorf("new signer: %w", err)
	}
	return &Signer{key: key, certPEM: pemCert(der), caPEM: ca.CertPEM()}, nil
}

// Sign returns an ASN.1 DER ECDSA signature over SHA-256 of doc.
func (s *Signer) Sign(doc []byte) ([]byte, error) {
	sum := sha256.Sum256(doc)
	return ecdsa.SignASN1(rand.Reader, s.key, sum[:])
}

// signSHA384 signs a SHA-384 digest of doc (seeded defect
// result-signature-digest): ECDSA on P-256 truncates it to 256 bits, so it
// verifies as ECDSA-P256-SHA256 for no document.
func (s *Signer) signSHA384(doc []byte) ([]byte, error) {
	sum := sha512.Sum384(doc)
	return ecdsa.SignASN1(rand.Reader, s.key, sum[:])
}

// CertPEM is the signing certificate, PEM encoded.
func (s *Signer) CertPEM() []byte { return append([]byte(nil), s.certPEM...) }

// CAPEM is the certificate of the CA that issued the signer's.
func (s *Signer) CAPEM() []byte { return append([]byte(nil), s.caPEM...) }

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// serial is a random 128-bit certificate serial number.
func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	return n
}
