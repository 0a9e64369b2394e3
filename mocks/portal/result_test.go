package portal

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pdfsign/verify"

	api "github.com/dvcqa/dvcqa/api/portal"
	wire "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// The mock's own checks of its result PDFs read the signature with
// pdfsign's verifier and the chain with crypto/x509 — libraries, never the
// harness's verifier (api/resultpdf), which must stay independent of the
// mock (its integration check is in selftest).

// pdfSigner is the signer of a result PDF as pdfsign's verifier reads it:
// whether the signature verifies over the ByteRange, and the certificates
// the CMS carries (the signer's first). err is set for a PDF it finds no
// signature in.
func pdfSigner(t *testing.T, pdf []byte) (valid bool, certs []*x509.Certificate, err error) {
	valid, certs, _, err = pdfSignerWhy(t, pdf)
	return valid, certs, err
}

// pdfSignerWhy is pdfSigner with the verifier's complaint, if any.
func pdfSignerWhy(t *testing.T, pdf []byte) (valid bool, certs []*x509.Certificate, why string, err error) {
	t.Helper()
	opts := verify.DefaultVerifyOptions()
	opts.AllowUntrustedRoots = true // the chain is checked below, against the test CA
	opts.RequiredEKUs = nil
	resp, err := verify.VerifyWithOptions(bytes.NewReader(pdf), int64(len(pdf)), opts)
	if err != nil {
		return false, nil, "", err
	}
	if len(resp.Signers) != 1 {
		t.Fatalf("result PDF has %d signatures, want 1 (%s)", len(resp.Signers), resp.Error)
	}
	s := resp.Signers[0]
	for _, c := range s.Certificates {
		certs = append(certs, c.Certificate)
	}
	return s.ValidSignature, certs, resp.Error, nil
}

// chainsTo reports whether leaf chains to the CA in caPEM through the
// others, at the real time.
func chainsTo(t *testing.T, certs []*x509.Certificate, caPEM []byte) error {
	t.Helper()
	if len(certs) == 0 {
		t.Fatal("no signer certificate")
	}
	roots := x509.NewCertPool()
	block, _ := pem.Decode(caPEM)
	root, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	roots.AddCert(root)
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err = certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	return err
}

// deliveredResult is a delivered birth registration's result as the API
// answers it, and as the portal issued it.
func (e *env) deliveredResult(t *testing.T) (*api.Dossier, *api.Result, wire.ResultDocument) {
	t.Helper()
	c := e.as(an)
	d := e.deliveredBirth(c)
	res, err := c.Result(context.Background(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.MediaType != "application/pdf" || !bytes.HasPrefix(res.PDF, []byte("%PDF-")) || res.DocumentNo == "" {
		t.Fatalf("result: %q %q, %d bytes starting %q", res.DocumentNo, res.MediaType, len(res.PDF), res.PDF[:min(8, len(res.PDF))])
	}
	e.portal.mu.Lock()
	issued := e.portal.dossiers[d.ID].result
	e.portal.mu.Unlock()
	if !bytes.Equal(issued.PDF(), res.PDF) {
		t.Fatal("the API's PDF is not the bytes issued")
	}
	return d, res, issued.doc
}

func TestResultIsASignedPDF(t *testing.T) {
	e := newEnv(t)
	d, res, doc := e.deliveredResult(t)
	want := wire.ResultDocument{DocumentNo: "KQ-" + d.Code, Type: "giay_khai_sinh", NameVI: "Giấy khai sinh", DossierCode: d.Code,
		ServiceID: "DV09", ServiceName: doc.ServiceName, Applicant: wire.Applicant{SoDinhDanh: an.ID, HoVaTen: an.Name},
		IssuedAt: d.DeliveredAt.Truncate(time.Second), Issuer: "Ủy ban nhân dân Hà Nội"}
	if doc.ServiceName == "" || !doc.IssuedAt.Equal(want.IssuedAt) {
		t.Fatalf("issued %+v", doc)
	}
	want.IssuedAt = doc.IssuedAt
	if doc != want || res.DocumentNo != want.DocumentNo {
		t.Fatalf("issued %+v (number %q), want %+v", doc, res.DocumentNo, want)
	}
	valid, certs, err := pdfSigner(t, res.PDF)
	if err != nil || !valid {
		t.Fatalf("the signature does not verify: %v", err)
	}
	if err := chainsTo(t, certs, e.caPEM); err != nil {
		t.Fatalf("the signer does not chain to the portal's CA: %v", err)
	}
	if len(certs) != 3 || certs[0].Subject.CommonName != "Ủy ban nhân dân Hà Nội" || !certs[1].IsCA ||
		certs[0].KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		t.Fatalf("the CMS carries %d certificates, signer %q", len(certs), certs[0].Subject.CommonName)
	}
	for _, s := range []string{"/SubFilter /adbe.pkcs7.detached", "/ByteRange", "/ToUnicode", "/FontFile2"} {
		if !bytes.Contains(res.PDF, []byte(s)) {
			t.Errorf("the PDF lacks %s", s)
		}
	}
	if _, err := chainsToOther(t, certs); err == nil {
		t.Fatal("the signer chains to an unrelated CA")
	}
}

func chainsToOther(t *testing.T, certs []*x509.Certificate) (bool, error) {
	other, err := NewCA("another CA")
	if err != nil {
		t.Fatal(err)
	}
	return false, chainsTo(t, certs, other.CertPEM())
}

func checkResultUnsigned(t *testing.T, e *env, broken bool) {
	_, res, doc := e.deliveredResult(t)
	valid, _, err := pdfSigner(t, res.PDF)
	if broken {
		expect(t, err != nil && strings.Contains(err.Error(), "no digital signature"), "unsigned result: %v", err)
		expect(t, doc.Applicant.SoDinhDanh == an.ID, "document %+v", doc)
		return
	}
	expect(t, err == nil && valid, "genuine result: %v", err)
}

func checkResultWrongApplicant(t *testing.T, e *env, broken bool) {
	d, res, doc := e.deliveredResult(t)
	valid, certs, err := pdfSigner(t, res.PDF)
	if err != nil || !valid || chainsTo(t, certs, e.caPEM) != nil {
		t.Fatalf("result does not verify: %v", err)
	}
	got := doc.Applicant
	if !broken {
		expect(t, got == wire.Applicant{SoDinhDanh: an.ID, HoVaTen: an.Name}, "applicant %+v", got)
		return
	}
	expect(t, personalID.MatchString(got.SoDinhDanh) && got.SoDinhDanh[:6] == an.ID[:6] && got.SoDinhDanh[6:] != an.ID[6:] && got.HoVaTen != an.Name,
		"applicant %+v, want another citizen than %+v", got, an)
	expect(t, d.Applicant.SoDinhDanh == an.ID, "the dossier itself names %+v", d.Applicant)
}

func checkResultPDFTampered(t *testing.T, e *env, broken bool) {
	_, res, _ := e.deliveredResult(t)
	valid, _, err := pdfSigner(t, res.PDF)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, valid != broken, "signature verifies: %v (tampered: %v)", valid, broken)
}

func checkResultSignerUntrusted(t *testing.T, e *env, broken bool) {
	_, res, _ := e.deliveredResult(t)
	valid, certs, err := pdfSigner(t, res.PDF)
	if err != nil || !valid {
		t.Fatalf("the signature itself must verify: %v", err)
	}
	err = chainsTo(t, certs, e.caPEM)
	expect(t, (err != nil) == broken, "chain to the portal's CA: %v (untrusted: %v)", err, broken)
	expect(t, certs[0].Subject.CommonName == "Ủy ban nhân dân Hà Nội" && time.Now().Before(certs[0].NotAfter), "signer %q, valid to %s",
		certs[0].Subject.CommonName, certs[0].NotAfter)
}

func checkResultSignerExpired(t *testing.T, e *env, broken bool) {
	_, res, _ := e.deliveredResult(t)
	valid, _, why, err := pdfSignerWhy(t, res.PDF)
	if err != nil {
		t.Fatal(err)
	}
	// pdfsign's verifier checks the signer's validity at the signing time.
	expect(t, valid != broken && (!broken || strings.Contains(why, "outside of certificate validity")), "signature valid %v (%s), expired defect: %v", valid, why, broken)
}
