package gateway

import (
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httplog"
)

// StatusClientGone is logged when the caller went away before an answer
// was written (nginx's 499).
const StatusClientGone = httplog.StatusClientGone

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
	return s.requests.All()
}
