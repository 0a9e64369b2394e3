package portal

import (
	"fmt"
	"net/http"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// handleWithdraw answers POST /api/v1/dossiers/{id}/withdraw: the citizen
// withdraws their dossier (rút hồ sơ) while it is still being processed.
// It becomes withdrawn — a history entry, the national portal told, its
// officers stopped — and is answered whole; a withdrawn one is answered
// again unchanged. Once processing has finished (finished, delivered) the
// result exists and the withdrawal is refused: 409 not_withdrawable.
func (s *Server) handleWithdraw(w http.ResponseWriter, r *http.Request, c citizen) {
	s.mu.Lock()
	d := s.owned(r.PathValue("id"), c)
	if d == nil {
		s.mu.Unlock()
		writeDossierNotFound(w)
		return
	}
	switch d.status {
	case api.StatusWithdrawn:
	case api.StatusFinished, api.StatusDelivered, statusRejected:
		// A refused dossier is closed too: nothing is left to withdraw.
		code, status := d.code, d.status
		s.mu.Unlock()
		writeAPIError(w, &api.APIError{Status: http.StatusConflict, Code: api.CodeNotWithdrawable,
			Message:   fmt.Sprintf("dossier %s has finished processing (status %s): it can no longer be withdrawn", code, status),
			MessageVI: fmt.Sprintf("Hồ sơ %s đã giải quyết xong (trạng thái %s), không thể rút", code, status)})
		return
	default:
		s.advance(d, api.StatusWithdrawn, d.now())
	}
	view := s.view(d)
	s.mu.Unlock()
	httpx.JSON(w, http.StatusOK, view)
}
