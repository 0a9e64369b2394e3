package portal

import (
	"net/http"
	"strconv"

	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

type resultPage struct {
	DossierID string
	Doc       api.ResultDocument
}

// pageResult shows what the result PDF states, with the link to download
// it.
func (s *Server) pageResult(w http.ResponseWriter, r *http.Request, c citizen) {
	id := r.PathValue("id")
	res, e := s.resultOf(c, id)
	if e != nil {
		s.renderAPIError(w, r, e)
		return
	}
	data := resultPage{DossierID: id, Doc: res.doc}
	data.Doc.Applicant.SoDinhDanh = s.applicantIDShown(data.Doc.ServiceID, data.Doc.Applicant.SoDinhDanh)
	s.render(w, r, http.StatusOK, "result", data.Doc.NameVI, data)
}

// downloadResult is the signed result PDF as a file to save, the same
// bytes as the API's.
func (s *Server) downloadResult(w http.ResponseWriter, r *http.Request, c citizen) {
	res, e := s.resultOf(c, r.PathValue("id"))
	if e != nil {
		s.renderAPIError(w, r, e)
		return
	}
	// "KQ-" + dossier code: letters, digits, dots and dashes.
	w.Header().Set("Content-Disposition", `attachment; filename="`+res.doc.DocumentNo+`.pdf"`)
	w.Header().Set("Content-Type", MediaTypePDF)
	pdf := res.PDF()
	w.Header().Set("Content-Length", strconv.Itoa(len(pdf)))
	_, _ = w.Write(pdf)
}
