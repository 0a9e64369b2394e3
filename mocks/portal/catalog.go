package portal

import (
	"net/http"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

func (s *Server) handleServices(w http.ResponseWriter, r *http.Request) {
	out := api.Services{Services: make([]api.Service, 0, len(s.opts.Catalog.Services))}
	for i := range s.opts.Catalog.Services {
		out.Services = append(out.Services, s.catalogAnswer(serviceJSON(&s.opts.Catalog.Services[i])))
	}
	httpx.JSON(w, http.StatusOK, out)
}

func (s *Server) handleService(w http.ResponseWriter, r *http.Request) {
	svc, ok := s.service(w, r.PathValue("id"))
	if !ok {
		return
	}
	httpx.JSON(w, http.StatusOK, s.catalogAnswer(serviceJSON(svc)))
}

// service finds a catalog entry or answers 404.
func (s *Server) service(w http.ResponseWriter, id string) (*fixtures.Service, bool) {
	svc, ok := s.opts.Catalog.Service(id)
	if !ok {
		writeError(w, http.StatusNotFound, api.CodeNotFound, "no service "+id, "Không tìm thấy dịch vụ công "+id)
		return nil, false
	}
	return svc, true
}

// serviceJSON is the catalog entry on the wire; slices are never null.
func serviceJSON(svc *fixtures.Service) api.Service {
	out := api.Service{
		ID:             svc.ID,
		ProcedureCode:  svc.ProcedureCode,
		NameVI:         svc.NameVI,
		NameEN:         svc.NameEN,
		Agency:         svc.Agency,
		FieldCode:      svc.FieldCode,
		Databases:      append([]string{}, svc.Databases...),
		FeeVND:         svc.FeeVND,
		ProcessingDays: svc.ProcessingDays,
		Workflow:       append([]string{}, svc.Workflow...),
		Form:           make([]api.Field, 0, len(svc.Form)),
		Attachments:    make([]api.AttachmentType, 0, len(svc.Attachments)),
		Result:         api.ResultInfo{Type: svc.Result.Type, NameVI: svc.Result.NameVI, NameEN: svc.Result.NameEN},
		Chain:          make([]api.ChainStep, 0, len(svc.Chain)),
	}
	for _, f := range svc.Form {
		out.Form = append(out.Form, api.Field{
			Name: f.Name, LabelVI: f.LabelVI, LabelEN: f.LabelEN, Type: f.Type, Required: f.Required,
			Pattern: f.Pattern, MaxLen: f.MaxLen, Options: f.Options, PrefillFrom: f.PrefillFrom,
		})
	}
	for _, a := range svc.Attachments {
		out.Attachments = append(out.Attachments, api.AttachmentType{
			Type: a.Type, NameVI: a.NameVI, NameEN: a.NameEN, Required: a.Required,
			MimeTypes: append([]string{}, a.MimeTypes...), MaxSizeKB: a.MaxSizeKB,
		})
	}
	for _, c := range svc.Chain {
		out.Chain = append(out.Chain, api.ChainStep{Step: c.Step, NameVI: c.NameVI, NameEN: c.NameEN, Agency: c.Agency, Service: c.Service})
	}
	return out
}
