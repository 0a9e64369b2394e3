package portal

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"
)

// testPKI is a root and a leaf signed by it, built here so the client's
// checks are tested without the mock portal.
func testPKI(t *testing.T, leafCurve elliptic.Curve, usage x509.KeyUsage) (caPEM []byte, leafPEM string, key *ecdsa.PrivateKey) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ = ecdsa.GenerateKey(leafCurve, rand.Reader)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Ủy ban nhân dân Hà Nội"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: usage}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER})), key
}

func signed(t *testing.T, doc string, certPEM string, key *ecdsa.PrivateKey) *Result {
	sum := sha256.Sum256([]byte(doc))
	sig, err := ecdsa.SignASN1(rand.Reader, key, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return &Result{Document: []byte(doc), Signature: sig, Algorithm: Algorithm, CertificatePEM: certPEM}
}

const doc = `{"document_no":"KQ-X","type":"giay_khai_sinh","name_vi":"Giấy khai sinh","dossier_code":"X","service_id":"DV09",` +
	`"applicant":{"SoDinhDanh":"001090000001","HoVaTen":"Nguyễn Văn An"},"issued_at":"2026-03-05T10:00:00+07:00","issuer":"Ủy ban nhân dân Hà Nội"}`

func TestVerifyResult(t *testing.T) {
	caPEM, leafPEM, key := testPKI(t, elliptic.P256(), x509.KeyUsageDigitalSignature)
	d, err := VerifyResult(signed(t, doc, leafPEM, key), caPEM)
	if err != nil {
		t.Fatal(err)
	}
	if d.Applicant.HoVaTen != "Nguyễn Văn An" || d.DocumentNo != "KQ-X" || d.IssuedAt.Hour() != 10 {
		t.Fatalf("document %+v", d)
	}

	otherCA, _, _ := testPKI(t, elliptic.P256(), x509.KeyUsageDigitalSignature)
	p384CA, p384PEM, p384Key := testPKI(t, elliptic.P384(), x509.KeyUsageDigitalSignature)
	caForNoSig, noSigPEM, noSigKey := testPKI(t, elliptic.P256(), x509.KeyUsageKeyEncipherment)
	cases := []struct {
		name  string
		r     *Result
		ca    []byte
		error string
	}{
		{"tampered", func() *Result {
			r := signed(t, doc, leafPEM, key)
			r.Document = []byte(strings.Replace(doc, "An", "Ân", 1))
			return r
		}(), caPEM, "signature"},
		{"other CA", signed(t, doc, leafPEM, key), otherCA, "chain"},
		{"algorithm", func() *Result { r := signed(t, doc, leafPEM, key); r.Algorithm = "RS256"; return r }(), caPEM, "algorithm"},
		{"not P-256", signed(t, doc, p384PEM, p384Key), p384CA, "P-256"},
		{"not for signing", signed(t, doc, noSigPEM, noSigKey), caForNoSig, "digital signatures"},
		{"no certificate", func() *Result { r := signed(t, doc, leafPEM, key); r.CertificatePEM = "x"; return r }(), caPEM, "certificate"},
		{"signed garbage", signed(t, "not json", leafPEM, key), caPEM, "not JSON"},
		{"nil", nil, caPEM, "no result"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := VerifyResult(tc.r, tc.ca)
			if err == nil || !strings.Contains(err.Error(), tc.error) {
				t.Fatalf("got %v, want an error about %q", err, tc.error)
			}
		})
	}
}
