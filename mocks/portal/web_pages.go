package portal

import (
	"net/http"
	"strings"

	"github.com/dvcqa/dvcqa/fixtures"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// The catalog pages (home with search, one service) and the citizen's
// list of dossiers.

type serviceItem struct {
	ID, NameVI, Agency string
}

type homePage struct {
	Query    string
	Services []serviceItem
	Total    int
}

func (s *Server) agencyName(id string) string {
	if a, ok := s.opts.Catalog.Agency(id); ok {
		return a.NameVI
	}
	return id
}

// pageHome lists the catalog; ?q= keeps the services whose id, Vietnamese
// or English name holds every word of the query.
func (s *Server) pageHome(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	data := homePage{Query: q, Total: len(s.opts.Catalog.Services)}
	for i := range s.opts.Catalog.Services {
		svc := &s.opts.Catalog.Services[i]
		if matches(q, svc.ID, svc.NameVI, svc.NameEN) {
			data.Services = append(data.Services, serviceItem{ID: svc.ID, NameVI: svc.NameVI, Agency: s.agencyName(svc.Agency)})
		}
	}
	title := "Trang chủ"
	if q != "" {
		title = "Kết quả tìm kiếm: " + q
	}
	s.render(w, r, http.StatusOK, "home", title, data)
}

type servicePage struct {
	*fixtures.Service
	AgencyName  string
	FeeShown    int64 // the fee printed; the catalog's unless web-fee-wrong is on
	LowContrast bool  // seeded defect a11y-contrast-low
}

func (s *Server) pageService(w http.ResponseWriter, r *http.Request) {
	svc, ok := s.opts.Catalog.Service(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	s.render(w, r, http.StatusOK, "service", svc.NameVI, servicePage{Service: svc, AgencyName: s.agencyName(svc.Agency),
		FeeShown: s.feeShown(svc.ID, svc.FeeVND), LowContrast: s.lowContrast(svc.ID)})
}

// dossierRow is a dossier with the name of its procedure, which the wire
// view does not carry.
type dossierRow struct {
	api.Dossier
	NameVI string
}

func (s *Server) pageDossiers(w http.ResponseWriter, r *http.Request, c citizen) {
	var rows []dossierRow
	s.mu.Lock()
	s.eachDossier(func(d *dossier) {
		if d.owner.ID == c.ID {
			s.touch(d)
			rows = append(rows, dossierRow{Dossier: s.view(d), NameVI: d.nameVI})
		}
	})
	s.mu.Unlock()
	s.render(w, r, http.StatusOK, "dossiers", "Hồ sơ của tôi", rows)
}

// lowContrast reports whether the service page's details are printed in
// light grey on white.
//
// Seeded defect a11y-contrast-low: a contrast ratio of about 2:1, far
// below WCAG AA's 4.5:1 — what an accessibility check must catch.
func (s *Server) lowContrast(service string) bool {
	_, on := s.defect(defectA11yContrastLow, service)
	return on
}
