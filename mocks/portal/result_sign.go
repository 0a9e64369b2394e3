package portal

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
)

// signPDF adds a PAdES-style signature to doc as an incremental update: a
// signature dictionary (SubFilter adbe.pkcs7.detached) whose CMS holds the
// signer's certificate and chain, the signing time and the signed
// attributes over the ByteRange (the whole file but the signature itself).
func (s *Signer) signPDF(doc []byte, location string, at time.Time) ([]byte, error) {
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, fmt.Errorf("sign result: read the PDF: %w", err)
	}
	var out bytes.Buffer
	err = sign.Sign(bytes.NewReader(doc), &out, rdr, int64(len(doc)), sign.SignData{
		Signature: sign.SignDataSignature{
			CertType:   sign.CertificationSignature,
			DocMDPPerm: sign.DoNotAllowAnyChangesPerms,
			Info: sign.SignDataSignatureInfo{
				Name: s.name, Location: location, Date: at,
				Reason: "Ký số kết quả giải quyết thủ tục hành chính", // signing the procedure's result
			},
		},
		Signer:            s.key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       s.cert,
		CertificateChains: [][]*x509.Certificate{s.chain},
	})
	if err != nil {
		return nil, fmt.Errorf("sign result: %w", err)
	}
	return out.Bytes(), nil
}
