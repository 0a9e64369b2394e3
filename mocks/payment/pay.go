package payment

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

// handlePay is POST /pay/{id}, the citizen's choice. Only a pending
// transaction changes: a second confirm (double click, back button) neither
// pays twice nor calls back again, and still returns the citizen.
func (s *Server) handlePay(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var state string
	switch r.PostFormValue("action") {
	case "confirm":
		state = StatusSuccess
	case "cancel":
		state = StatusFailed
	default:
		writePage(w, http.StatusBadRequest, pageData{Title: "Yêu cầu không hợp lệ", Message: "Hãy chọn Thanh toán hoặc Hủy."})
		return
	}

	s.mu.Lock()
	t, found := s.byID[id]
	if !found {
		s.mu.Unlock()
		notFound(w, id)
		return
	}
	t.touched = time.Now()
	settled := t.TrangThaiGD == StatusPending
	if settled {
		t.TrangThaiGD = state
		t.ThoiGianGD = s.now().In(vocab.Vietnam).Format(TimeLayout)
	}
	c := t.copy()
	s.mu.Unlock()

	if settled {
		// Before the redirect, so the portal knows by the time the citizen
		// lands on its return page; detached from the citizen's request so a
		// closed tab does not cancel the notice.
		s.callBack(context.WithoutCancel(r.Context()), c)
	}
	http.Redirect(w, r, returnURL(c), http.StatusSeeOther)
}

// returnURL is UrlTraVe with the reference and the state added to its query.
func returnURL(t Transaction) string {
	u, err := url.Parse(t.Request.UrlTraVe) // checked at INIT
	if err != nil {
		return t.Request.UrlTraVe
	}
	q := u.Query()
	q.Set("MaThamChieu", t.Request.MaThamChieu)
	q.Set("TrangThaiGD", t.TrangThaiGD)
	u.RawQuery = q.Encode()
	return u.String()
}
