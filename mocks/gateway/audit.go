package gateway

import (
	"net/http"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

// Audit returns a copy of the whole audit log, oldest first, with full
// values (for assertions; the HTTP endpoint masks them).
func (s *Server) Audit() []gwapi.AuditEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.audit.All()
}

// Evicted is how many audit entries and request-log entries were dropped
// for their bounds.
func (s *Server) Evicted() (audit, log int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.audit.Evicted(), s.requests.Evicted()
}

// handleAudit serves GET /api/v1/audit?subject={SoDinhDanh}: the calling
// client's own lookups of that person, values masked.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	if !allow(w, r, http.MethodGet) {
		return
	}
	tok, authErr := s.authenticate(r)
	if authErr != nil {
		writeUnauthenticated(w, authErr)
		return
	}
	subject := r.URL.Query().Get("subject")
	if !gwapi.ValidPersonalID(subject) {
		httpx.Error(w, http.StatusBadRequest, "invalid_request",
			"subject must be a 12-digit SoDinhDanh", "subject phải là số định danh gồm 12 chữ số", "subject")
		return
	}
	entries := []gwapi.AuditEntry{} // [] rather than null when there are none
	s.mu.Lock()
	s.audit.Each(func(e gwapi.AuditEntry) bool {
		if e.ClientID == tok.clientID && e.Value == subject {
			if s.defect(defectAuditWrongSubject) { // seeded defect: another person named
				e.Value = neighbour(e.Value)
			}
			e.Value = gwapi.MaskID(e.Value)
			entries = append(entries, e)
		}
		return true
	})
	s.mu.Unlock()
	httpx.JSON(w, http.StatusOK, gwapi.AuditResponse{Entries: entries})
}

// neighbour is another personal ID: the last digit moved on by one.
func neighbour(id string) string {
	b := []byte(id)
	if n := len(b); n > 0 && b[n-1] >= '0' && b[n-1] <= '9' {
		b[n-1] = '0' + (b[n-1]-'0'+1)%10
	}
	return string(b)
}
