package nationaldb

import "time"

// Fault injection: the hook points through which specs (and later defect
// seeding) make a database misbehave without restarting the world.

// SetDown makes every endpoint, /healthz included, answer 503 while down.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// SetDelay makes each /records answer wait d first (0 = no delay). The wait
// ends early when the request's context ends. /healthz is not delayed: a
// slow database is still up.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// isDown: down by SetDown or by the seeded defect "<db>-db-down" (the
// gateway then gets 503 from /records and /healthz alike).
func (s *Server) isDown() bool {
	s.mu.Lock()
	down := s.down
	s.mu.Unlock()
	return down || s.defect(suffixDown)
}
