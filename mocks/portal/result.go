package portal

import (
	"bytes"
	"net/http"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// MediaTypePDF is the media type of result documents.
const MediaTypePDF = "application/pdf"

// issuedResult is a dossier's result as issued: what it states and how it
// is signed, decided when it is issued (seeded defects included). The
// signed PDF is rendered on its first download and then kept byte for
// byte (re-encoding would break the signature): rendering and signing
// take milliseconds, which the officers' timeline, under the portal's
// lock, should not spend on results nobody downloads.
type issuedResult struct {
	doc      api.ResultDocument
	keywords string  // the document information's keywords: number and applicant ID
	location string  // where it is signed: the province
	signer   *Signer // nil: not signed at all (result-unsigned)
	tampered bool    // a signed byte changed after signing (result-pdf-tampered)

	once sync.Once
	pdf  []byte
}

// PDF is the result as a (signed) PDF, rendered once.
func (r *issuedResult) PDF() []byte {
	r.once.Do(func() {
		unsigned, err := renderResultPDF(r.doc, r.doc.ServiceName, r.keywords)
		if err != nil { // fonts and text are the mock's own: cannot fail
			panic("portal: " + err.Error())
		}
		if r.signer == nil {
			r.pdf = unsigned
			return
		}
		signed, err := r.signer.signPDF(unsigned, r.location, time.Now())
		if err != nil { // the PDF is the mock's own and the key is in memory
			panic("portal: " + err.Error())
		}
		if r.tampered {
			tamper(signed, r.keywords)
		}
		r.pdf = signed
	})
	return r.pdf
}

// issueResult issues a dossier's result, to be rendered as a signed PDF
// (PDF). The caller holds s.mu.
//
// Seeded defects: result-wrong-applicant (the PDF names another
// applicant, validly signed), result-document-no-wrong (numbered with the
// bare dossier code), result-unsigned (no signature at all),
// result-signer-untrusted (signed under a look-alike CA outside the
// pinned chain), result-signer-expired (the signer's certificate expired
// a year ago) and result-pdf-tampered (a signed byte — a digit of the
// applicant's ID in the document information — changed after signing).
func (s *Server) issueResult(d *dossier, at time.Time) *issuedResult {
	applicant := api.Applicant{SoDinhDanh: d.owner.ID, HoVaTen: d.owner.Name}
	if _, on := s.defect(defectResultWrongApplicant, d.serviceID); on {
		applicant = otherApplicant(applicant)
	}
	docNo := "KQ-" + d.code
	if _, on := s.defect(defectResultDocumentNo, d.serviceID); on { // the bare dossier code
		docNo = d.code
	}
	r := &issuedResult{
		doc: api.ResultDocument{
			DocumentNo:  docNo,
			Type:        d.resultDoc.Type,
			NameVI:      d.resultDoc.NameVI,
			DossierCode: d.code,
			ServiceID:   d.serviceID,
			ServiceName: d.nameVI,
			Applicant:   applicant,
			IssuedAt:    at.Truncate(time.Second), // the PDF states it to the second
			Issuer:      s.issuerName(),
		},
		keywords: docNo + " " + applicant.SoDinhDanh,
		location: s.opts.Province.NameVI,
	}
	if _, on := s.defect(defectResultUnsigned, d.serviceID); on {
		return r
	}
	r.signer = s.signer
	if err := r.signer.makeTwins(); err != nil { // crypto/rand failed
		panic("portal: result signers: " + err.Error())
	}
	if _, on := s.defect(defectResultSignerUntrusted, d.serviceID); on {
		r.signer = r.signer.untrusted
	}
	if _, on := s.defect(defectResultSignerExpired, d.serviceID); on {
		r.signer = r.signer.expired
	}
	_, r.tampered = s.defect(defectResultPDFTampered, d.serviceID)
	return r
}

// tamper changes, in place, the last digit of the applicant's ID in the
// document information, which the signature covers.
func tamper(signed []byte, keywords string) {
	i := bytes.Index(signed, []byte(keywords))
	if i < 0 {
		panic("portal: result-pdf-tampered: keywords not found in the PDF")
	}
	last := &signed[i+len(keywords)-1]
	*last = '0' + (*last-'0'+1)%10
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

// handleResult answers the result as JSON: its number, media type and the
// signed PDF (base64), exactly as issued.
func (s *Server) handleResult(w http.ResponseWriter, r *http.Request, c citizen) {
	res, e := s.resultOf(c, r.PathValue("id"))
	if e != nil {
		writeAPIError(w, e)
		return
	}
	httpx.JSON(w, http.StatusOK, api.Result{DocumentNo: res.doc.DocumentNo, MediaType: MediaTypePDF, PDF: res.PDF()})
}

// resultOf is the signed result of the citizen's dossier, for the API and
// the web's result page and download alike; 404 until it is delivered.
func (s *Server) resultOf(c citizen, id string) (*issuedResult, *api.APIError) {
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

// handleCA publishes the root for people who want to look; the harness
// never trusts it (it pins the CA out of band, portal.result_ca_file).
func (s *Server) handleCA(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-pem-file")
	_, _ = w.Write(s.signer.CAPEM())
}
