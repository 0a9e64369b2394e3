package nationaldb

import (
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httplog"
)

// StatusClientGone is logged when the caller went away before an answer
// was written (nginx's 499).
const StatusClientGone = httplog.StatusClientGone

// Request is one logged request. Value is the full lookup value: the log
// stays in memory and is for assertions, never printed by this package.
type Request struct {
	At        time.Time
	Method    string
	Path      string
	Key       string // the query parameter's name when there was exactly one
	Value     string
	RequestID string // X-Request-ID forwarded by the gateway
	Status    int
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.All()
}

// Evicted is how many request-log entries were dropped for the bound.
func (s *Server) Evicted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.Evicted()
}
