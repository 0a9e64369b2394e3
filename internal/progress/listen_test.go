package progress

import (
	"path/filepath"
	"sync"
	"testing"
)

// TestSendListen: events from several senders (the Ginkgo processes) all
// reach the handler whole, one at a time; a sender without the socket
// variable sends nothing and no error.
func TestSendListen(t *testing.T) {
	var mu sync.Mutex
	var got []Event
	l, err := Listen(filepath.Join(t.TempDir(), "p.sock"), func(e Event) {
		mu.Lock()
		got = append(got, e)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvSocket, l.Path())
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			var s Sender
			for _, e := range []Event{passed, failed} {
				if err := s.Send(e); err != nil {
					t.Error(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 {
		t.Fatalf("got %d events, want 6: %+v", len(got), got)
	}
	fails := 0
	for _, e := range got {
		if e.Failed() {
			fails++
			if Detail(e) != Detail(failed) {
				t.Errorf("a failure arrived changed: %+v", e)
			}
		}
	}
	if fails != 3 {
		t.Errorf("%d failures arrived, want 3", fails)
	}

	t.Setenv(EnvSocket, "")
	var quiet Sender
	if err := quiet.Send(passed); err != nil {
		t.Errorf("a sender without a socket: %v", err)
	}
}
