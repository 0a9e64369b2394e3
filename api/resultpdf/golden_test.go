package resultpdf

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/portal"
)

// The golden PDFs of testdata were made outside Go and outside the mock
// portal (testdata/make.sh: the PDF laid out by make_pdf.py, the CMS by
// `openssl cms -sign -cades`, the PKI by OpenSSL). ca.pem is their pinned
// bundle.

func golden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantGolden is what valid.pdf states (make_pdf.py's lines).
var wantGolden = portal.ResultDocument{
	DocumentNo: "KQ-000.00.00.H01-260302-0001", Type: "giay_khai_sinh", NameVI: "Giấy khai sinh",
	DossierCode: "000.00.00.H01-260302-0001", ServiceID: "DV09", ServiceName: "Đăng ký khai sinh",
	Applicant: portal.Applicant{SoDinhDanh: "001090000001", HoVaTen: "Nguyễn Văn An"},
	IssuedAt:  time.Date(2026, 3, 4, 2, 0, 0, 0, time.FixedZone("", 7*3600)), Issuer: "Ủy ban nhân dân Hà Nội",
}

func sameDoc(t *testing.T, got *portal.ResultDocument, want portal.ResultDocument) {
	t.Helper()
	if got == nil || !got.IssuedAt.Equal(want.IssuedAt) {
		t.Fatalf("document %+v, want %+v", got, want)
	}
	g := *got
	g.IssuedAt = want.IssuedAt
	if g != want {
		t.Fatalf("document %+v, want %+v", g, want)
	}
}

func TestGoldenValid(t *testing.T) {
	doc, err := VerifyResultPDF(golden(t, "valid.pdf"), golden(t, "ca.pem"), time.Now())
	if err != nil {
		t.Fatalf("the OpenSSL-signed golden PDF does not verify: %v", err)
	}
	sameDoc(t, doc, wantGolden)
}

func TestGoldenWrongApplicant(t *testing.T) {
	// Validly signed: the signature says nothing about whom it names; the
	// caller compares the document with the dossier.
	doc, err := VerifyResultPDF(golden(t, "wrong-applicant.pdf"), golden(t, "ca.pem"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := wantGolden
	want.Applicant = portal.Applicant{SoDinhDanh: "001090555556", HoVaTen: "Phạm Văn Tùng"}
	sameDoc(t, doc, want)
}

func TestGoldenRefused(t *testing.T) {
	ca := golden(t, "ca.pem")
	for _, tc := range []struct {
		file, ca string
		want     error
		says     string
	}{
		{"tampered.pdf", "", ErrTampered, "message digest mismatch"},
		{"appended.pdf", "", ErrNotCovered, "bytes before the end"},
		{"untrusted.pdf", "", ErrUntrusted, "unknown authority"},
		{"expired.pdf", "", ErrExpired, "2021-01-01"},
		{"unsigned.pdf", "", ErrUnsigned, "no AcroForm"},
		{"valid.pdf", "untrusted.pdf", nil, "pinned CA bundle: no PEM certificate"}, // a PDF is no CA bundle
	} {
		t.Run(tc.file, func(t *testing.T) {
			pinned := ca
			if tc.ca != "" {
				pinned = golden(t, tc.ca)
			}
			doc, err := VerifyResultPDF(golden(t, tc.file), pinned, time.Now())
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("got %v (%+v), want %v saying %q", err, doc, tc.want, tc.says)
			}
		})
	}
}

func TestExpiredChainNowAndKeyUsage(t *testing.T) {
	// Long after the golden CA expired (2126), the signer was valid when it
	// signed but the chain is not valid now.
	_, err := VerifyResultPDF(golden(t, "valid.pdf"), golden(t, "ca.pem"), time.Date(2130, 1, 1, 0, 0, 0, 0, time.UTC))
	if !errors.Is(err, ErrChainNow) {
		t.Fatalf("valid.pdf checked in 2130: %v, want %v", err, ErrChainNow)
	}
	// A signing time after now is refused (the CMS says it signed in 2026).
	_, err = VerifyResultPDF(golden(t, "valid.pdf"), golden(t, "ca.pem"), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	if !errors.Is(err, ErrExpired) || !strings.Contains(err.Error(), "after now") {
		t.Fatalf("valid.pdf checked in 2024: %v", err)
	}
}

func TestNotAPDF(t *testing.T) {
	for name, b := range map[string][]byte{"empty": nil, "JSON": []byte(`{"pdf":"x"}`), "truncated": golden(t, "valid.pdf")[:4000]} {
		if _, err := VerifyResultPDF(b, golden(t, "ca.pem"), time.Now()); err == nil {
			t.Errorf("%s verified", name)
		}
	}
}
