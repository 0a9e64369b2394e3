package dvcqg

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestExpiredSessionReLogsInOnce(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client("portal-01")
	code := agency01 + "-260302-0001"
	if err := c.SyncDossier(ctx, false, dossier(code)); err != nil { // logs in lazily
		t.Fatalf("SyncDossier: %v", err)
	}
	w.clock.Advance(29 * time.Minute)
	if _, err := c.Lookup(ctx, code); err != nil {
		t.Fatalf("Lookup within 30 min: %v", err)
	}
	if n := w.logins.Load(); n != 1 {
		t.Fatalf("logins within the session's life = %d, want 1", n)
	}
	w.clock.Advance(2 * time.Minute)
	if _, err := c.Lookup(ctx, code); err != nil {
		t.Fatalf("Lookup after expiry: %v", err)
	}
	if n := w.logins.Load(); n != 2 {
		t.Fatalf("logins after expiry = %d, want 2", n)
	}
}

// TestConcurrentCalls shares one client and the server between goroutines
// (run with -race); the burst logs in once.
func TestConcurrentCalls(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client("portal-01")
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		wg.Go(func() {
			code := fmt.Sprintf("%s-260302-%04d", agency01, 100+i)
			if err := c.SyncDossier(ctx, false, dossier(code)); err != nil {
				errs <- err
				return
			}
			if err := c.UpdateProgress(ctx, progressEntry(code, "2", "A", "B", "20260302093000")); err != nil {
				errs <- err
			}
			if _, err := c.Lookup(ctx, code); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := w.logins.Load(); n != 1 {
		t.Errorf("logins = %d, want 1", n)
	}
}
