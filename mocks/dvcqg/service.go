package dvcqg

import (
	"encoding/json"
	"net/http"
	"slices"

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
	httpx.JSON(w, http.StatusOK, envelopeAnswer(s.dispatch(raw, envelopeServices)))
}

// envelopeServices are the services of POST /api/service.
var envelopeServices = []string{serviceSync, serviceProgress, serviceLookup, serviceProcedures}

// dispatch runs the service an enveloped body names, if it is one of served.
func (s *Server) dispatch(raw []byte, served []string) reply {
	var env struct {
		Session string `json:"session"`
		MaDonVi string `json:"madonvi"`
		Service string `json:"service"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fail(codeFailed, "Dữ liệu yêu cầu không hợp lệ: %v", err)
	}
	return s.serve(env.Session, env.MaDonVi, env.Service, raw, served)
}

// serve authenticates the session, checks the account may run service for
// madonvi, and runs it on raw, the service's fields.
func (s *Server) serve(session, madonvi, service string, raw []byte, served []string) reply {
	a, live := s.account(session)
	if !live {
		return fail(codeFailed, messageInvalidSession)
	}
	var run handler
	write := false
	switch service {
	case serviceSync:
		run, write = s.sync, true
	case serviceProgress:
		run, write = s.progress, true
	case serviceLookup:
		run = s.lookup
	case serviceProcedures:
		run = s.listProcedures
	case serviceProcedure:
		run = s.procedure
	}
	if run == nil || !slices.Contains(served, service) {
		return fail(codeFailed, "Dịch vụ %q không được hỗ trợ", service)
	}
	switch {
	case a.Auditor && write:
		return fail(codeFailed, messageReadOnly)
	case !a.Auditor && madonvi != a.AgencyID:
		return fail(codeFailed, "Mã đơn vị (madonvi) %q không khớp với tài khoản %s", madonvi, a.Username)
	}
	return run(a, raw)
}

// mayAccess reports whether a may touch the dossier code: auditors every
// agency, portal accounts their own (the code starts with the madonvi).
func mayAccess(a Account, code string) bool {
	agency, _ := splitDossierCode(code)
	return a.Auditor || agency == a.AgencyID
}
