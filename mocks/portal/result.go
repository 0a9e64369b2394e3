package portal

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// issueResult signs a dossier's result document. The signed bytes are kept
// and served as they are: re-encoding would break the signature. The caller
// holds s.mu.
//
// Seeded defects: result-wrong-applicant (the document names another
// applicant, validly signed), result-unsigned (the signature is over
// other bytes than the document's, so it does not verify) and
// result-signature-digest (the document is hashed with SHA-384, not the
// SHA-256 its algorithm ECDSA-P256-SHA256 names).
func (s *Server) issueResult(d *dossier, at time.Time) *api.Result {
	applicant := api.Applicant{SoDinhDanh: d.owner.ID, HoVaTen: d.owner.Name}
	if _, on := s.defect(defectResultWrongApplicant, d.serviceID); on {
		applicant = otherApplicant(applicant)
	}
	docNo := "KQ-" + d.code
	if _, on := s.defect(defectResultDocumentNo, d.serviceID); on { // the bare dossier code
		docNo = d.code
	}
	doc, err := json.Marshal(api.ResultDocument{
		DocumentNo:  docNo,
		Type:        d.resultDoc.Type,
		NameVI:      d.resultDoc.NameVI,
		DossierCode: d.code,
		ServiceID:   d.serviceID,
		Applicant:   applicant,
		IssuedAt:    at,
		Issuer:      s.issuerName(),
	})
	if err != nil { // only plain strings and a time: cannot fail
		panic("portal: encode result: " + err.Error())
	}
	signed := doc
	if _, on := s.defect(defectResultUnsigned, d.serviceID); on {
		signed = append(slices.Clip(doc), '\n')
	}
	sign := s.signer.Sign
	if _, on := s.defect(defectResultDigest, d.serviceID); on {
		sign = s.signer.signSHA384 // seeded defect: the algorithm says SHA-256
	}
	sig, err := sign(signed)
	if err != nil { // crypto/rand failed: nothing sensible is left to do
		panic("portal: sign result: " + err.Error())
	}
	return &api.Result{Document: doc, Signature: sig, Algorithm: api.Algorithm, CertificatePEM: string(s.signer.CertPEM())}
}

// otherApplicant is someone else: the serial digits (the last six) of the
// personal ID changed, and another name.
func otherApplicant(a api.Applicant) api.Applicant {
	id := []byte(a.SoDinhDanh)
	for i := max(len(id)-6, 0); i < len(id); i++ {
		if id[i] >= '0' && id[i] <= '9' {
			id[i] = '0' + (id[i]-'0'+5)%10
		}
	}
	name := "Phạm Văn Tùng"
	if a.HoVaTen == name {
		name = "Đỗ Thị Mai"
	}
	return api.Applicant{SoDinhDanh: string(id), HoVaTen: name}
}

func (s *Server) handleResult(w http.ResponseWriter, r *http.Request, c citizen) {
	res, e := s.resultOf(c, r.PathValue("id"))
	if e != nil {
		writeAPIError(w, e)
		return
	}
	httpx.JSON(w, http.StatusOK, res)
}

// resultOf is the signed result of the citizen's dossier, for the API and
// the web's result page and download alike; 404 until it is delivered.
func (s *Server) resultOf(c citizen, id string) (*api.Result, *api.APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.owned(id, c)
	switch {
	case d == nil:
		return nil, dossierNotFound()
	case d.result == nil:
		return nil, &api.APIError{Status: http.StatusNotFound, Code: api.CodeNotFound,
			Message: "the result is not available yet", MessageVI: "Hồ sơ chưa có kết quả"}
	}
	return d.result, nil
}

func (s *Server) handleCA(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-pem-file")
	_, _ = w.Write(s.signer.CAPEM())
}
