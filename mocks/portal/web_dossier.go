package portal

import (
	"net/http"
	"slices"
	"time"

	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// A dossier's pages: its state (read from the store on every GET, so a
// reload shows the officers' progress), the pay button, the result, and
// the page the payment platform sends the citizen back to.

type chainRow struct {
	api.ChainLink
	ID string // the follow-on dossier's id, for a link
}

type dossierPage struct {
	api.Dossier
	NameVI     string
	PayPending bool // a fee is due: the pay button shows
	ChainRows  []chainRow
	// What the page prints as the status and the appointment: the
	// dossier's unless web-status-label-wrong or web-appointment-date-wrong
	// is on (web_page_defects.go).
	StatusLabel      string
	AppointmentShown time.Time
}

// finalStates end a dossier's story: nothing more happens on its own.
var finalStates = []string{api.StatusDelivered, "rejected", "withdrawn", "stopped"}

// refresh: while officers are still at work, the page reloads itself (for
// people watching; specs reload on their own). Not while the citizen has
// to pay, so that the page does not move under their hand.
func (p dossierPage) refresh() bool {
	return !slices.Contains(finalStates, p.Status) && !p.PayPending
}

func (s *Server) pageDossier(w http.ResponseWriter, r *http.Request, c citizen) {
	s.mu.Lock()
	d := s.owned(r.PathValue("id"), c)
	var data dossierPage
	if d != nil {
		data = dossierPage{Dossier: s.view(d), NameVI: d.nameVI, PayPending: d.fee > 0 && !d.paid}
		data.StatusLabel = s.statusShown(d.serviceID, data.Status)
		data.AppointmentShown = s.appointmentShown(d.serviceID, data.AppointmentAt)
		for _, ch := range d.children {
			data.ChainRows = append(data.ChainRows, chainRow{ChainLink: api.ChainLink{Step: ch.step, NameVI: ch.nameVI,
				ServiceID: ch.serviceID, Code: ch.code, Status: ch.status}, ID: ch.id})
		}
	}
	s.mu.Unlock()
	if d == nil {
		s.notFound(w, r)
		return
	}
	s.render(w, r, http.StatusOK, "dossier", "Hồ sơ "+data.Code, data)
}

// postPay starts the payment exactly like the API and sends the citizen
// to the platform's pay page.
func (s *Server) postPay(w http.ResponseWriter, r *http.Request, c citizen) {
	id := r.PathValue("id")
	start, e := s.startPayment(r.Context(), c, id)
	switch {
	case e == nil:
		http.Redirect(w, r, start.PayURL, http.StatusSeeOther)
	case e.Status == http.StatusConflict:
		s.renderError(w, r, http.StatusConflict, "Không có khoản cần thanh toán", errorPage{Message: e.MessageVI,
			LinkURL: s.web.base + "/ho-so/" + id, LinkText: "Quay lại hồ sơ"})
	default:
		s.renderAPIError(w, r, e)
	}
}

type returnPage struct {
	Succeeded, Pending bool
	Reference          string
	DossierURL         string
}

// pagePaymentReturn is where the pay page sends the citizen back. The link
// leads to the dossier only for its owner; anyone else gets the list of
// their own dossiers (which asks them to log in if they are not).
func (s *Server) pagePaymentReturn(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data := returnPage{Succeeded: q.Get("TrangThaiGD") == PaymentSucceeded, Pending: q.Get("TrangThaiGD") == "3",
		Reference: q.Get("MaThamChieu"), DossierURL: s.web.base + "/ho-so"}
	if c, ok := s.currentCitizen(r); ok {
		s.mu.Lock()
		if d := s.byCode[data.Reference]; d != nil && d.owner.ID == c.ID {
			data.DossierURL = s.web.base + "/ho-so/" + d.id
		}
		s.mu.Unlock()
	}
	title := "Thanh toán không thành công"
	switch {
	case data.Succeeded:
		title = "Thanh toán thành công"
	case data.Pending:
		title = "Giao dịch đang được xử lý"
	}
	s.render(w, r, http.StatusOK, "payment_return", title, data)
}
