package portal

import (
	"encoding/json"
	"net/http"
	"time"

	api "github.com/dvcqa/dvcqa/api/portal"
)

// issueResult signs a dossier's result document. The signed bytes are kept
// and served as they are: re-encoding would break the signature. The caller
// holds s.mu.
func (s *Server) issueResult(d *dossier, at time.Time) *api.Result {
	doc, err := json.Marshal(api.ResultDocument{
		DocumentNo:  "KQ-" + d.code,
		Type:        d.resultDoc.Type,
		NameVI:      d.resultDoc.NameVI,
		DossierCode: d.code,
		ServiceID:   d.serviceID,
		Applicant:   api.Applicant{SoDinhDanh: d.owner.ID, HoVaTen: d.owner.Name},
		IssuedAt:    at,
		Issuer:      s.issuerName(),
	})
	if err != nil { // only plain strings and a time: cannot fail
		panic("portal: encode result: " + err.Error())
	}
	sig, err := s.signer.Sign(doc)
	if err != nil { // crypto/rand failed: nothing sensible is left to do
		panic("portal: sign result: " + err.Error())
	}
	return &api.Result{Document: doc, Signature: sig, Algorithm: api.Algorithm, CertificatePEM: string(s.signer.CertPEM())}
}

func (s *Server) handleResult(w http.ResponseWriter, r *http.Request, c citizen) {
	s.mu.Lock()
	d := s.owned(r.PathValue("id"), c)
	var res *api.Result
	if d != nil {
		res = d.result
	}
	s.mu.Unlock()
	switch {
	case d == nil:
		writeDossierNotFound(w)
	case res == nil:
		writeError(w, http.StatusNotFound, api.CodeNotFound, "the result is not available yet", "Hồ sơ chưa có kết quả")
	default:
		writeJSON(w, http.StatusOK, res)
	}
}

func (s *Server) handleCA(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-pem-file")
	_, _ = w.Write(s.signer.CAPEM())
}
