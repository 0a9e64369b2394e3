package portal

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"sync"
	"time"
)

// CA is a mock certification authority standing in for the government's:
// a self-signed ECDSA P-256 root and an intermediate under it that
// certifies result signers (root → intermediate → signer, as real CAs
// issue). What a QA team pins is the root (CertPEM).
type CA struct {
	root, inter       *x509.Certificate
	rootKey, interKey *ecdsa.PrivateKey
	certPEM           []byte
}

// Signer signs result PDFs with a key certified by a CA. Its twins, made
// on first use, sign the seeded defects' results: one certified by another
// CA outside the pinned chain, one whose certificate has expired.
type Signer struct {
	key   *ecdsa.PrivateKey
	cert  *x509.Certificate
	chain []*x509.Certificate // signer, intermediate, root
	caPEM []byte
	ca    *CA
	name  string

	twins     sync.Once
	untrusted *Signer
	expired   *Signer
	twinErr   error
}

// NewCA creates a root valid for twenty years from five years ago and an
// intermediate valid for ten years from four years ago (real time:
// certificates are checked against the real clock, not the compressed one).
func NewCA(name string) (*CA, error) {
	now := time.Now()
	rootKey, root, err := newCert(&x509.Certificate{
		Subject:   pkix.Name{CommonName: name, Organization: []string{"dvcqa (mô phỏng)"}, Country: []string{"VN"}},
		NotBefore: now.AddDate(-5, 0, 0), NotAfter: now.AddDate(15, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true, IsCA: true, MaxPathLen: 1,
	}, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("new CA %s: root: %w", name, err)
	}
	interKey, inter, err := newCert(&x509.Certificate{
		Subject:   pkix.Name{CommonName: name + " - cấp trung gian", Organization: []string{"dvcqa (mô phỏng)"}, Country: []string{"VN"}},
		NotBefore: now.AddDate(-4, 0, 0), NotAfter: now.AddDate(6, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true, IsCA: true, MaxPathLenZero: true,
	}, root, rootKey)
	if err != nil {
		return nil, fmt.Errorf("new CA %s: intermediate: %w", name, err)
	}
	return &CA{root: root, inter: inter, rootKey: rootKey, interKey: interKey, certPEM: pemCert(root.Raw)}, nil
}

// CertPEM is the root certificate, PEM encoded: the trust anchor to pin.
func (ca *CA) CertPEM() []byte { return append([]byte(nil), ca.certPEM...) }

// NewSigner issues a two-year signing certificate for subject, e.g.
// "Ủy ban nhân dân Hà Nội", valid from a month ago.
func (ca *CA) NewSigner(subject string) (*Signer, error) {
	now := time.Now()
	return ca.issue(subject, now.AddDate(0, -1, 0), now.AddDate(2, 0, 0))
}

func (ca *CA) issue(subject string, notBefore, notAfter time.Time) (*Signer, error) {
	key, cert, err := newCert(&x509.Certificate{
		Subject:   pkix.Name{CommonName: subject, Organization: []string{subject}, Country: []string{"VN"}},
		NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
	}, ca.inter, ca.interKey)
	if err != nil {
		return nil, fmt.Errorf("new signer %s: %w", subject, err)
	}
	return &Signer{key: key, cert: cert, chain: []*x509.Certificate{cert, ca.inter, ca.root},
		caPEM: ca.CertPEM(), ca: ca, name: subject}, nil
}

// CertPEM is the signing certificate, PEM encoded.
func (s *Signer) CertPEM() []byte { return pemCert(s.cert.Raw) }

// CAPEM is the root of the CA that issued the signer's certificate.
func (s *Signer) CAPEM() []byte { return append([]byte(nil), s.caPEM...) }

// makeTwins creates, once, the signers of result-signer-untrusted (same
// subject, a look-alike CA's chain) and result-signer-expired (same CA, a
// certificate that ran from three years ago to a year ago).
func (s *Signer) makeTwins() error {
	s.twins.Do(func() {
		rogue, err := NewCA(s.ca.root.Subject.CommonName)
		if err != nil {
			s.twinErr = err
			return
		}
		if s.untrusted, err = rogue.NewSigner(s.name); err != nil {
			s.twinErr = err
			return
		}
		now := time.Now()
		s.expired, s.twinErr = s.ca.issue(s.name, now.AddDate(-3, 0, 0), now.AddDate(-1, 0, 0))
	})
	return s.twinErr
}

// newCert creates a P-256 key and a certificate for it, signed by parent's
// key (self-signed when parent is nil).
func newCert(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*ecdsa.PrivateKey, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial()
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return key, cert, err
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// serial is a random 128-bit certificate serial number.
func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	return n
}
