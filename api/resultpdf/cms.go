package resultpdf

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/pkcs7"
)

// oidSigningTime is the CMS signing-time attribute (RFC 5652 §11.3).
var oidSigningTime = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}

// signedBy is who signed, with what the CMS brought along.
type signedBy struct {
	cert        *x509.Certificate
	others      []*x509.Certificate // candidate intermediates, never anchors
	signingTime time.Time
}

// verifyCMS checks the detached CMS over the signed bytes: one signer,
// whose certificate the CMS carries, whose signed attributes' message
// digest is that of the bytes and whose signature over them verifies.
func verifyCMS(sig *signature, pdf []byte) (*signedBy, error) {
	p7, err := pkcs7.Parse(sig.contents)
	if err != nil {
		return nil, fmt.Errorf("%w: signature Contents is not CMS: %w", ErrMalformed, err)
	}
	if len(p7.Signers) != 1 {
		return nil, fmt.Errorf("%w: the CMS has %d signers, want 1", ErrMalformed, len(p7.Signers))
	}
	si := p7.Signers[0]
	cert, err := pkcs7.GetCertFromCertsByIssuerAndSerial(p7.Certificates, si.IssuerAndSerialNumber)
	if err != nil || cert == nil {
		return nil, fmt.Errorf("%w: the CMS does not carry the signer's certificate (%v)", ErrMalformed, err)
	}
	if err := pkcs7.CheckSignature(cert, si, sig.signed(pdf)); err != nil {
		var mismatch *pkcs7.MessageDigestMismatchError
		if errors.As(err, &mismatch) { // the digests themselves are noise in a report
			return nil, fmt.Errorf("%w: the digest of ByteRange %v is not the signed message digest (message digest mismatch)", ErrTampered, sig.byteRange)
		}
		return nil, fmt.Errorf("%w: the signature over ByteRange %v does not verify: %w", ErrTampered, sig.byteRange, err)
	}
	by := &signedBy{cert: cert}
	for _, c := range p7.Certificates {
		if c != cert {
			by.others = append(by.others, c)
		}
	}
	for _, a := range si.AuthenticatedAttributes {
		if a.Type.Equal(oidSigningTime) {
			if _, err := asn1.Unmarshal(a.Value.Bytes, &by.signingTime); err != nil {
				return nil, fmt.Errorf("%w: signing-time attribute: %w", ErrMalformed, err)
			}
		}
	}
	if by.signingTime.IsZero() {
		return nil, fmt.Errorf("%w: the CMS has no signing-time attribute", ErrMalformed)
	}
	return by, nil
}

// maxClockSkew is how far in the future a signing time may lie (clocks of
// portal and harness differ a little).
const maxClockSkew = 5 * time.Minute

// verifyChain checks the signer: key usage for signing documents, valid at
// the signing time, certified through the CMS's certificates up to a root
// of the pinned pool only, every CA certificate of that chain valid now.
func (by *signedBy) verifyChain(roots *x509.CertPool, now time.Time) error {
	c := by.cert
	if c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return fmt.Errorf("%w: key usage %b has neither digital signature nor non-repudiation", ErrKeyUsage, c.KeyUsage)
	}
	at := by.signingTime
	if at.After(now.Add(maxClockSkew)) {
		return fmt.Errorf("%w: signing time %s is after now (%s)", ErrExpired, at.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if at.Before(c.NotBefore) || at.After(c.NotAfter) {
		return fmt.Errorf("%w: %q is valid %s to %s, signed at %s (expired before the signing time or not yet valid)", ErrExpired,
			c.Subject.CommonName, c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339))
	}
	inter := x509.NewCertPool()
	for _, o := range by.others {
		inter.AddCert(o)
	}
	// Document signing has no extended key usage crypto/x509 knows.
	chains, err := c.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil {
		var invalid x509.CertificateInvalidError
		if errors.As(err, &invalid) && invalid.Reason == x509.Expired {
			return fmt.Errorf("%w: %w", ErrExpired, err)
		}
		return fmt.Errorf("%w: %q issued by %q: %w", ErrUntrusted, c.Subject.CommonName, c.Issuer.CommonName, err)
	}
	var problems []error
	for _, chain := range chains {
		// crypto/x509 trusts a pinned certificate by itself; the signer
		// must be certified by a CA, not be the anchor.
		if len(chain) < 2 {
			problems = append(problems, fmt.Errorf("%w: the signing certificate is itself in the pinned bundle, not certified by a CA of it", ErrUntrusted))
			continue
		}
		if err := validNow(chain[1:], now); err != nil {
			problems = append(problems, err)
			continue
		}
		return nil
	}
	return errors.Join(problems...)
}

func validNow(cas []*x509.Certificate, now time.Time) error {
	for _, ca := range cas {
		if now.Before(ca.NotBefore) || now.After(ca.NotAfter) {
			return fmt.Errorf("%w: %q is valid %s to %s", ErrChainNow, ca.Subject.CommonName,
				ca.NotBefore.UTC().Format(time.RFC3339), ca.NotAfter.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// pinnedPool is the pinned bundle: PEM certificates only, at least one.
func pinnedPool(data []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	n := 0
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("pinned CA bundle: PEM block %d is %q, want CERTIFICATE", n+1, b.Type)
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("pinned CA bundle: certificate %d: %w", n+1, err)
		}
		pool.AddCert(c)
		n++
	}
	if n == 0 {
		return nil, errors.New("pinned CA bundle: no PEM certificate in it")
	}
	return pool, nil
}
