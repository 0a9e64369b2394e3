package store

import (
	"context"
	"path/filepath"
	"testing"
)

func TestOpenSQLiteMigrates(t *testing.T) {
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "sub", "dvcqa.db")
	for i := 0; i < 2; i++ { // a second Open finds nothing to apply
		s, err := Open(ctx, url)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != SchemaVersion() {
			t.Errorf("open %d: %d migrations recorded, want %d", i, n, SchemaVersion())
		}
		s.Close()
	}
}
