package dvcqg

import (
	"encoding/json"
	"net/http"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
)

// handler runs one service for an authenticated account; raw is the whole
// request body, which carries the service's own fields beside the envelope.
type handler func(a Account, raw []byte) reply

// handleService is POST /api/service: {session, madonvi, service, ...}.
func (s *Server) handleService(w http.ResponseWriter, r *http.Request) {
	raw, okJSON := readJSON(w, r)
	if !okJSON {
		return
	}
	httpx.JSON(w, http.StatusOK, s.dispatch(raw))
}

func (s *Server) dispatch(raw []byte) reply {
	var env struct {
		Session string `json:"session"`
		MaDonVi string `json:"madonvi"`
		Service string `json:"service"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fail(codeFailed, "Dữ liệu yêu cầu không hợp lệ: %v", err)
	}
	a, live := s.account(env.Session)
	if !live {
		return fail(codeFailed, messageInvalidSession)
	}
	var run handler
	write := false
	switch env.Service {
	case serviceSync:
		run, write = s.sync, true
	case serviceProgress:
		run, write = s.progress, true
	case serviceLookup:
		run = s.lookup
	case serviceProcedures:
		run = s.listProcedures
	default:
		return fail(codeFailed, "Dịch vụ %q không được hỗ trợ", env.Service)
	}
	switch {
	case a.Auditor && write:
		return fail(codeFailed, messageReadOnly)
	case !a.Auditor && env.MaDonVi != a.AgencyID:
		return fail(codeFailed, "Mã đơn vị (madonvi) %q không khớp với tài khoản %s", env.MaDonVi, a.Username)
	}
	return run(a, raw)
}

// mayAccess reports whether a may touch the dossier code: auditors every
// agency, portal accounts their own (the code starts with the madonvi).
func mayAccess(a Account, code string) bool {
	agency, _ := splitDossierCode(code)
	return a.Auditor || agency == a.AgencyID
}
