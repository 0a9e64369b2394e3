package gateway

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

// maxHealthTimeout caps one database's health check, so /healthz stays quick
// even when a database hangs.
const maxHealthTimeout = time.Second

// handleHealth reports the gateway and each database's reachability. It
// stays 200: a down database degrades the gateway, it does not stop it.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if !allow(w, r, http.MethodGet) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), min(s.upstreamTimeout, maxHealthTimeout))
	defer cancel()
	h := gwapi.Health{Status: "ok", System: "gateway", Version: "mock-1", Databases: map[string]string{}}
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	for _, id := range s.dbOrder {
		wg.Go(func() {
			state := "down"
			if s.probe(ctx, s.dbURLs[id]+"/healthz") {
				state = "ok"
			}
			mu.Lock()
			h.Databases[id] = state
			if state != "ok" {
				h.Status = "degraded"
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	httpx.JSON(w, http.StatusOK, h)
}

// probe reports whether url answers 200.
func (s *Server) probe(ctx context.Context, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
