package storetest_test

import (
	"context"
	"os"
	"testing"

	"github.com/dvcqa/dvcqa/store"
	"github.com/dvcqa/dvcqa/store/storetest"
)

// TestBackendsAreFreshAndApart: every call gives new, empty stores, one per
// backend available, so tests never see one another's rows.
func TestBackendsAreFreshAndApart(t *testing.T) {
	ctx := context.Background()
	first := storetest.Backends(t)
	want := []string{store.SQLite}
	if os.Getenv(storetest.EnvPostgresURL) != "" {
		want = append(want, store.Postgres)
	}
	if len(first) != len(want) {
		t.Fatalf("Backends: %d, want %v", len(first), want)
	}
	for i, b := range first {
		if b.Name != want[i] {
			t.Errorf("backend %d: %s, want %s", i, b.Name, want[i])
		}
		s := storetest.Open(t, b)
		if s.Dialect() != b.Name {
			t.Errorf("backend %s opened a %s store", b.Name, s.Dialect())
		}
		if _, err := s.DB().ExecContext(ctx, s.Rebind(`INSERT INTO follows (campaign_id, started_at) VALUES (?, ?)`), "c1", "t"); err != nil {
			t.Fatal(err)
		}
	}
	for i, b := range storetest.Backends(t) {
		if b.URL == first[i].URL {
			t.Errorf("backend %s: the same URL twice (%s)", b.Name, b.URL)
		}
		var n int
		if err := storetest.Open(t, b).DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM follows`).Scan(&n); err != nil || n != 0 {
			t.Errorf("a second %s backend: %d rows, %v; want a fresh, empty store", b.Name, n, err)
		}
	}
}
