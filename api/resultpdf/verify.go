// Package resultpdf verifies a portal's signed result PDF the way a
// citizen's verifier would: the PAdES-style signature over its ByteRange,
// which must cover the whole file; the signer's chain against a pinned CA
// bundle only; the signer's validity at the signing time; and then what
// the document states, parsed back from its text.
//
// It is written apart from the mock portal that issues the PDFs (N-version
// checking): PDF structure and CMS come from pdfcpu, the chain from
// crypto/x509, the labelled lines from this package's reading of
// docs/contracts.md.
package resultpdf

import (
	"errors"
	"fmt"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/dvcqa/dvcqa/api/portal"
)

func init() {
	// pdfcpu would otherwise create a configuration folder in the user's
	// home on first use; the harness needs none of it.
	model.ConfigPath = "disable"
}

// The classes of failure; every error VerifyResultPDF returns wraps one.
var (
	ErrMalformed   = errors.New("not a readable PDF")
	ErrUnsigned    = errors.New("the result PDF is not signed")
	ErrTampered    = errors.New("the signed bytes changed after signing")
	ErrNotCovered  = errors.New("the signature does not cover the whole file")
	ErrUntrusted   = errors.New("the signer is not certified under the pinned CA")
	ErrExpired     = errors.New("the signer's certificate was not valid at the signing time")
	ErrChainNow    = errors.New("a CA certificate of the signer's chain is not valid now")
	ErrKeyUsage    = errors.New("the signer's certificate is not for signing documents")
	ErrBadContents = errors.New("the signed PDF does not state the result document")
)

// VerifyResultPDF checks a result PDF and returns what it states. The
// signature must verify over its ByteRange and the ByteRange cover the
// whole file; the signer's chain must verify against pinnedCAPEM (no
// system roots, no certificate the PDF brings as an anchor); the signer's
// certificate must be valid at the CMS signing time, the CA certificates
// of the chain at now; the key usage must allow digital signatures or
// non-repudiation. Only then is the text read.
func VerifyResultPDF(pdf []byte, pinnedCAPEM []byte, now time.Time) (*portal.ResultDocument, error) {
	roots, err := pinnedPool(pinnedCAPEM)
	if err != nil {
		return nil, fmt.Errorf("verify result PDF: %w", err)
	}
	doc, err := open(pdf)
	if err != nil {
		return nil, fmt.Errorf("verify result PDF: %w", err)
	}
	sig, err := doc.signature()
	if err != nil {
		return nil, fmt.Errorf("verify result PDF: %w", err)
	}
	if err := sig.covers(pdf); err != nil {
		return nil, fmt.Errorf("verify result PDF: %w", err)
	}
	signer, err := verifyCMS(sig, pdf)
	if err != nil {
		return nil, fmt.Errorf("verify result PDF: %w", err)
	}
	if err := signer.verifyChain(roots, now); err != nil {
		return nil, fmt.Errorf("verify result PDF: %w", err)
	}
	lines, err := doc.textLines()
	if err != nil {
		return nil, fmt.Errorf("verify result PDF: %w: %w", ErrBadContents, err)
	}
	rd, err := parseLines(lines)
	if err != nil {
		return nil, fmt.Errorf("verify result PDF: %w: %w", ErrBadContents, err)
	}
	return rd, nil
}
