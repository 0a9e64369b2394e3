package gateway

import (
	"fmt"
	"sync"
	"testing"

	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

// TestConcurrentLookups fans lookups out the way parallel suites do; run
// with -race.
func TestConcurrentLookups(t *testing.T) {
	w := newWorld(t, nil)
	const workers, each = 16, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for i := range workers {
		wg.Go(func() {
			// Half the workers fetch their own tokens, concurrently with lookups.
			id, sec := "province-01", secret01
			if i%2 == 1 {
				id, sec = "province-79", secret79
			}
			tok, err := w.tryToken(id, sec)
			if err != nil {
				errs <- err
				return
			}
			for j := range each {
				subject, want := alice, 200
				if j%3 == 0 {
					subject, want = nobody, 404
				}
				a, err := w.tryLookup(tok, "population", "SoDinhDanh="+subject,
					map[string]string{gwapi.HeaderRequestID: fmt.Sprintf("w%d-%d", i, j)})
				if err != nil {
					errs <- err
				} else if a.status != want {
					errs <- fmt.Errorf("worker %d lookup %d: %d %s", i, j, a.status, a.body)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	audit := w.gw.Audit()
	if len(audit) != workers*each {
		t.Fatalf("audit has %d entries, want %d", len(audit), workers*each)
	}
	seen := map[string]bool{}
	for _, e := range audit {
		if seen[e.RequestID] {
			t.Errorf("request id %s audited twice", e.RequestID)
		}
		seen[e.RequestID] = true
	}
}
