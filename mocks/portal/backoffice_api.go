package portal

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// The back office's JSON API, {portal}/backoffice/api/v1 (docs/officers.md).

// Wire shapes of the back office; its own, as the citizen API's are.
type (
	officerLogin struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	officerInfo struct {
		Username string `json:"username"`
		FullName string `json:"full_name"`
		Title    string `json:"title"`
		Unit     string `json:"unit"`
	}
	officerSession struct {
		Token     string      `json:"token"`
		ExpiresAt time.Time   `json:"expires_at"`
		Officer   officerInfo `json:"officer"`
	}
	officerDossier struct {
		ID            string             `json:"id"`
		Code          string             `json:"code"`
		ServiceID     string             `json:"service_id"`
		ProcedureCode string             `json:"procedure_code"`
		Status        string             `json:"status"`
		Applicant     officerApplicant   `json:"applicant"`
		SubmittedAt   time.Time          `json:"submitted_at"`
		AppointmentAt *time.Time         `json:"appointment_at,omitempty"`
		Approved      bool               `json:"approved"`
		Actions       []string           `json:"actions"`
		History       []api.HistoryEntry `json:"history,omitempty"` // one dossier only
	}
	officerDossiers struct {
		Dossiers []officerDossier `json:"dossiers"`
	}
	officerActionRequest struct {
		Action string `json:"action"`
		Note   string `json:"note,omitempty"`
	}
)

// officerIdemKey scopes an action's Idempotency-Key to its session's
// account; officerIdem is the first answer under it.
type (
	officerIdemKey struct{ username, key string }
	officerIdem    struct {
		hash [32]byte // of code, action and note
		item officerDossier
	}
)

func (s *Server) backofficeAPIRoutes(m *http.ServeMux) {
	const p = "/backoffice/api/v1"
	m.HandleFunc("POST "+p+"/session", s.handleOfficerSession)
	m.HandleFunc("GET "+p+"/dossiers", s.officerAuth(s.handleOfficerDossiers))
	m.HandleFunc("GET "+p+"/dossiers/{code}", s.officerAuth(s.handleOfficerDossier))
	m.HandleFunc("POST "+p+"/dossiers/{code}/actions", s.officerAuth(s.handleOfficerAction))
	m.HandleFunc(p+"/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, api.CodeNotFound, "no such endpoint", "Không tìm thấy địa chỉ yêu cầu")
	})
}

func (s *Server) officerInfo() officerInfo {
	a := s.back.account
	return officerInfo{Username: a.username, FullName: a.name, Title: a.title, Unit: a.unit}
}

func (s *Server) handleOfficerSession(w http.ResponseWriter, r *http.Request) {
	var req officerLogin
	if e := decodeJSON(w, r, 4<<10, &req); e != nil {
		writeAPIError(w, e)
		return
	}
	tok, exp, err := s.back.login(req.Username, req.Password)
	if err != nil {
		writeOfficerUnauthorized(w, "wrong username or password", "Sai tên đăng nhập hoặc mật khẩu")
		return
	}
	httpx.JSON(w, http.StatusOK, officerSession{Token: tok, ExpiresAt: exp.UTC().Truncate(time.Second), Officer: s.officerInfo()})
}

func writeOfficerUnauthorized(w http.ResponseWriter, msg, msgVI string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="backoffice"`)
	writeError(w, http.StatusUnauthorized, codeUnauthorized, msg, msgVI)
}

// codeUnauthorized is the back office's 401 code (docs/officers.md).
const codeUnauthorized = "unauthorized"

// officerAuth wraps an API handler that needs a live officer session.
func (s *Server) officerAuth(h func(http.ResponseWriter, *http.Request, officer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !s.back.session(strings.TrimSpace(tok)) {
			writeOfficerUnauthorized(w, "a valid officer session token is required (POST /backoffice/api/v1/session)",
				"Phiên đăng nhập cán bộ không hợp lệ hoặc đã hết hạn")
			return
		}
		h(w, r, s.back.account.officer)
	}
}

// officerItem is the dossier as officers see it. The caller holds s.mu.
func (s *Server) officerItem(d *dossier, withHistory bool) officerDossier {
	v := officerDossier{
		ID: d.id, Code: d.code, ServiceID: d.serviceID, ProcedureCode: d.procedureCode, Status: d.status,
		Applicant:   officerApplicant{SoDinhDanh: d.owner.ID, HoVaTen: d.owner.Name},
		SubmittedAt: d.submittedAt, Approved: d.office != nil && d.office.approved, Actions: s.allowedActions(d),
	}
	if !d.appointmentAt.IsZero() {
		at := d.appointmentAt
		v.AppointmentAt = &at
	}
	if withHistory {
		v.History = append([]api.HistoryEntry{}, d.history...)
	}
	return v
}

// officerList is the province's dossiers, newest first, only those in
// status unless it is "". The caller holds s.mu.
func (s *Server) officerList(status string) []officerDossier {
	out := []officerDossier{}
	s.eachDossier(func(d *dossier) {
		if status == "" || d.status == status {
			out = append(out, s.officerItem(d, false))
		}
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 { // eachDossier is oldest first
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func (s *Server) handleOfficerDossiers(w http.ResponseWriter, r *http.Request, _ officer) {
	s.mu.Lock()
	out := officerDossiers{Dossiers: s.officerList(r.URL.Query().Get("status"))}
	s.mu.Unlock()
	httpx.JSON(w, http.StatusOK, out)
}

func (s *Server) handleOfficerDossier(w http.ResponseWriter, r *http.Request, _ officer) {
	s.mu.Lock()
	d := s.byCode[r.PathValue("code")]
	var item officerDossier
	if d != nil {
		item = s.officerItem(d, true)
	}
	s.mu.Unlock()
	if d == nil {
		writeDossierNotFound(w)
		return
	}
	httpx.JSON(w, http.StatusOK, item)
}

func (s *Server) handleOfficerAction(w http.ResponseWriter, r *http.Request, by officer) {
	var req officerActionRequest
	if e := decodeJSON(w, r, 8<<10, &req); e != nil {
		writeAPIError(w, e)
		return
	}
	key := r.Header.Get(api.HeaderIdempotencyKey)
	if len(key) > 255 {
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, "Idempotency-Key is longer than 255 characters", "Mã Idempotency-Key quá dài")
		return
	}
	item, replayed, e := s.actOnce(r.PathValue("code"), key, req, by)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	if replayed {
		w.Header().Set(api.HeaderReplayed, "true")
	}
	httpx.JSON(w, http.StatusOK, item)
}

// actOnce takes the action, or answers a retry under the same key with
// the first answer; the same key with another request is 409, as on the
// citizen API. Only successful actions are remembered: a refused one may
// be sent again. The API and the web form both act here.
func (s *Server) actOnce(code, key string, req officerActionRequest, by officer) (officerDossier, bool, *api.APIError) {
	hash := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s", code, req.Action, req.Note))
	ik := officerIdemKey{s.back.account.username, key}
	s.mu.Lock()
	defer s.mu.Unlock()
	if key != "" {
		if prev := s.back.idemGet(ik); prev != nil {
			if prev.hash != hash {
				return officerDossier{}, false, &api.APIError{Status: http.StatusConflict, Code: api.CodeIdempotencyReused,
					Message:   "Idempotency-Key was already used with a different request",
					MessageVI: "Mã Idempotency-Key đã được dùng cho một yêu cầu khác"}
			}
			return prev.item, true, nil
		}
	}
	d := s.byCode[code]
	if d == nil {
		return officerDossier{}, false, dossierNotFound()
	}
	if e := s.act(d, req.Action, req.Note, by); e != nil {
		return officerDossier{}, false, e
	}
	item := s.officerItem(d, true)
	if key != "" {
		s.back.idemPut(ik, &officerIdem{hash: hash, item: item})
	}
	return item, false, nil
}

func (b *backOffice) idemGet(k officerIdemKey) *officerIdem {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.idem[k]
}

func (b *backOffice) idemPut(k officerIdemKey, v *officerIdem) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.idem[k] = v
	b.idemOrder = append(b.idemOrder, k)
	for len(b.idemOrder) > maxOfficerIdem {
		delete(b.idem, b.idemOrder[0])
		b.idemOrder = b.idemOrder[1:]
	}
}

// officerApplicant is the applicant as the back office names it
// (docs/officers.md): snake_case, unlike the citizen API's.
type officerApplicant struct {
	SoDinhDanh string `json:"so_dinh_danh"`
	HoVaTen    string `json:"ho_va_ten"`
}
