package portal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Golden vector of the result signature (ECDSA-P256-SHA256, ASN.1 DER, over
// the exact document bytes; docs/contracts.md "GET …/result"). No worked
// example is published, so the vector was made outside Go, by OpenSSL 3.0
// with testdata/golden-result/make.sh: a throwaway CA, a leaf for digital
// signatures and `openssl dgst -sha256 -sign` over document.json. Neither
// Go's crypto nor the portal mock produced any of it.
func goldenResult(t *testing.T) (r *Result, ca []byte) {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "golden-result", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return &Result{Document: read("document.json"), Signature: read("document.sig"), Algorithm: "ECDSA-P256-SHA256",
		CertificatePEM: string(read("leaf.pem"))}, read("ca.pem")
}

func TestVerifyResultGoldenVector(t *testing.T) {
	r, ca := goldenResult(t)
	doc, err := VerifyResult(r, ca)
	if err != nil {
		t.Fatalf("the OpenSSL-signed golden result does not verify: %v", err)
	}
	// What document.json says, read by eye.
	if doc.DossierCode != "000.00.00.H01-260424-0001" || doc.ServiceID != "DV09" || doc.Applicant.SoDinhDanh != "001090000001" ||
		doc.Applicant.HoVaTen != "Nguyễn Văn Mẫu" || doc.Issuer != "Ủy ban nhân dân Hà Nội" || doc.NameVI != "Giấy khai sinh" {
		t.Errorf("golden document read as %+v", doc)
	}

	refuse := func(what string, mutate func(r *Result, ca *[]byte), wantErr string) {
		t.Helper()
		r, ca := goldenResult(t)
		mutate(r, &ca)
		if _, err := VerifyResult(r, ca); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: VerifyResult error %v, want one mentioning %q", what, err, wantErr)
		}
	}
	refuse("one byte of the document changed", func(r *Result, _ *[]byte) {
		r.Document = []byte(strings.Replace(string(r.Document), "001090000001", "001090000002", 1))
	}, "signature does not match")
	refuse("whitespace added to the document", func(r *Result, _ *[]byte) {
		r.Document = append([]byte(" "), r.Document...)
	}, "signature does not match")
	refuse("signature truncated", func(r *Result, _ *[]byte) { r.Signature = r.Signature[:len(r.Signature)-1] }, "signature does not match")
	refuse("no signature", func(r *Result, _ *[]byte) { r.Signature = nil }, "signature does not match")
	refuse("another CA", func(_ *Result, ca *[]byte) {
		b, err := os.ReadFile(filepath.Join("testdata", "golden-result", "other-ca.pem"))
		if err != nil {
			t.Fatal(err)
		}
		*ca = b
	}, "certificate chain")
	refuse("the leaf offered as its own CA", func(r *Result, ca *[]byte) { *ca = []byte(r.CertificatePEM) }, "certificate chain")
	refuse("algorithm renamed", func(r *Result, _ *[]byte) { r.Algorithm = "RSA-SHA256" }, "algorithm")
	refuse("a leaf not for digital signatures, its own valid signature", func(r *Result, _ *[]byte) {
		b, err := os.ReadFile(filepath.Join("testdata", "golden-result", "nosig-leaf.pem"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := os.ReadFile(filepath.Join("testdata", "golden-result", "nosig-document.sig"))
		if err != nil {
			t.Fatal(err)
		}
		r.CertificatePEM, r.Signature = string(b), s
	}, "not for digital signatures")
}
