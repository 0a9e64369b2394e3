package gateway

import (
	"net/http"
	"slices"
	"time"
)

// StatusClientGone is logged when the caller went away before an answer
// was written (nginx's 499).
const StatusClientGone = 499

// Request is one logged request. Only the path is kept: queries hold
// personal IDs, and the audit log already records lookups.
type Request struct {
	At     time.Time
	Method string
	Path   string
	Status int
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// statusRecorder remembers the status a handler wrote, for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}
