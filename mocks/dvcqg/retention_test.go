package dvcqg

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestDossiersAreBounded: past MaxDossiers the oldest idle dossiers go;
// one synced, updated or looked up within DossierIdle stays however old
// its first sync.
func TestDossiersAreBounded(t *testing.T) {
	w := newWorldTweaked(t, func(o *Options) { o.MaxDossiers, o.DossierIdle = 2, time.Minute })
	ctx := context.Background()
	c := w.client("portal-01")
	code := func(i int) string { return fmt.Sprintf("%s-260302-%04d", agency01, i) }
	sync := func(i int) {
		t.Helper()
		if err := c.SyncDossier(ctx, false, dossier(code(i))); err != nil {
			t.Fatalf("sync %d: %v", i, err)
		}
	}
	sync(1)
	sync(2)
	w.clock.Advance(2 * time.Minute)                  // 1 and 2 idle
	if _, err := c.Lookup(ctx, code(1)); err != nil { // 1 in use again
		t.Fatal(err)
	}
	sync(3) // over the bound: 2 goes, 1 is in use
	sync(4) // over again: nothing idle left (1, 3, 4 in use)
	for i, want := range map[int]bool{1: true, 2: false, 3: true, 4: true} {
		if _, kept := w.srv.Dossier(code(i)); kept != want {
			t.Errorf("dossier %d kept %v, want %v", i, kept, want)
		}
	}
	if ev := w.srv.Evicted(); ev != 1 {
		t.Errorf("evicted %d, want 1", ev)
	}
	w.clock.Advance(2 * time.Minute)
	sync(5) // now 1, 3, 4 are idle: the oldest two go, down to the bound
	for i, want := range map[int]bool{1: false, 3: false, 4: true, 5: true} {
		if _, kept := w.srv.Dossier(code(i)); kept != want {
			t.Errorf("after idling: dossier %d kept %v, want %v", i, kept, want)
		}
	}
}
