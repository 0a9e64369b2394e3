package nationaldb

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

// suffixRecordsLost names the seeded defect "<db>-records-lost"; the other
// suffixes are in defects.go.
const suffixRecordsLost = "-records-lost"

// handleRecords answers GET /records?{Key}={value}.
func (s *Server) handleRecords(w http.ResponseWriter, r *http.Request) {
	if !allowGet(w, r) {
		return
	}
	if !s.wait(r) {
		return // the caller gave up; nobody reads an answer
	}
	got := r.Header.Get(gwapi.HeaderInternalKey)
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.internalKey)) != 1 {
		httpx.Error(w, http.StatusUnauthorized, "unauthenticated",
			"missing or wrong "+gwapi.HeaderInternalKey, "Thiếu hoặc sai khóa nội bộ", "")
		return
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		httpx.Error(w, http.StatusBadRequest, "invalid_request", "malformed query string", "Chuỗi truy vấn không hợp lệ", "")
		return
	}
	key, value, err := gwapi.ParseLookupQuery(s.db.Keys, q)
	if qe, ok := errors.AsType[*gwapi.QueryError](err); ok {
		httpx.Error(w, http.StatusBadRequest, "invalid_request", qe.Message, qe.MessageVI, qe.Field)
		return
	}
	recs := s.store.find(key, value)
	if s.defect(suffixRecordsLost) {
		// Seeded defect "<db>-records-lost": the records were lost (a
		// botched migration), so every lookup is not found.
		recs = nil
	}
	if len(recs) == 0 {
		httpx.Error(w, http.StatusNotFound, "not_found",
			fmt.Sprintf("no record in %s for %s %s", s.db.ID, key, gwapi.MaskID(value)),
			fmt.Sprintf("Không có bản ghi trong %s với %s %s", s.db.ID, key, gwapi.MaskID(value)), "")
		return
	}
	if s.defect(suffixStale) {
		// Seeded defect "<db>-stale": serve an outdated copy of each record.
		for i := range recs {
			recs[i] = staleCopy(recs[i])
		}
	}
	if s.defect(suffixDrift) {
		// Seeded defect "<db>-identity-drift": the name matches, the
		// date of birth or the place of birth registration does not.
		for i := range recs {
			recs[i] = driftedCopy(recs[i])
		}
	}
	httpx.JSON(w, http.StatusOK, gwapi.DatabaseAnswer{Records: recs})
}

// wait applies the configured delay; false when the request context ended
// first, so a slow database still frees its handler when the gateway times out.
func (s *Server) wait(r *http.Request) bool {
	s.mu.Lock()
	d := s.delay
	s.mu.Unlock()
	if s.defect(suffixSlow) {
		// Seeded defect "<db>-db-slow": answer after the gateway's deadline.
		d = max(d, slowDelay)
	}
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
