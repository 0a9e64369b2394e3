// Package storetest gives tests a fresh store on every backend: an SQLite
// file in the test's temporary folder always, and a database of its own on
// the PostgreSQL server named by DVCQA_TEST_POSTGRES_URL when it is set
// (scripts/postgres-test.sh starts a throwaway one). Tests of packages
// that keep data in the store run the same cases against both.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/store" // registers the "pgx" driver too
)

// EnvPostgresURL names an admin URL of a PostgreSQL server the tests may
// create and drop databases on.
const EnvPostgresURL = "DVCQA_TEST_POSTGRES_URL"

// SkipPostgres is what a test says when no PostgreSQL server is given.
const SkipPostgres = "PostgreSQL: " + EnvPostgresURL + " not set; scripts/postgres-test.sh starts a throwaway server"

// Backend is one database a test's store lives in.
type Backend struct {
	Name string // store.SQLite or store.Postgres
	URL  string // for store.Open
}

// adminTimeout bounds each statement on the admin connection.
const adminTimeout = 30 * time.Second

// Backends are fresh, empty stores for t: SQLite in t.TempDir, and, when
// DVCQA_TEST_POSTGRES_URL is set, a new PostgreSQL database dropped when
// t ends. Without the variable it logs SkipPostgres and returns SQLite
// only (Run makes the skip a visible subtest).
func Backends(t testing.TB) []Backend {
	t.Helper()
	bs := []Backend{SQLiteBackend(t)}
	if os.Getenv(EnvPostgresURL) == "" {
		t.Log(SkipPostgres)
		return bs
	}
	return append(bs, PostgresBackend(t))
}

// SQLiteBackend is a fresh SQLite store file in t's temporary folder.
func SQLiteBackend(t testing.TB) Backend {
	t.Helper()
	return Backend{Name: store.SQLite, URL: "sqlite:" + filepath.Join(t.TempDir(), "dvcqa.db")}
}

// PostgresBackend is a new database dvcqa_test_<random> on the server of
// DVCQA_TEST_POSTGRES_URL, dropped (connections and all) when t ends; t
// is skipped with SkipPostgres when the variable is unset.
func PostgresBackend(t testing.TB) Backend {
	t.Helper()
	admin := os.Getenv(EnvPostgresURL)
	if admin == "" {
		t.Skip(SkipPostgres)
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgresURL, err)
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgresURL, err)
	}
	defer db.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "dvcqa_test_" + hex.EncodeToString(b)
	if err := adminExec(db, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("PostgreSQL at %s: %v", u.Redacted(), err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			t.Errorf("drop %s: %v", name, err)
			return
		}
		defer db.Close()
		// FORCE: a store the test left open must not keep its database.
		if err := adminExec(db, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return Backend{Name: store.Postgres, URL: u.String()}
}

// adminExec runs one statement on the admin connection.
func adminExec(db *sql.DB, stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// Run runs f as one subtest per backend, "sqlite" and "postgres", each
// with a fresh store; the postgres subtest is skipped, visibly, with
// SkipPostgres when no server is given.
func Run(t *testing.T, f func(t *testing.T, b Backend)) {
	t.Helper()
	t.Run(store.SQLite, func(t *testing.T) { f(t, SQLiteBackend(t)) })
	t.Run(store.Postgres, func(t *testing.T) { f(t, PostgresBackend(t)) })
}

// Open opens b's store for t, closed when t ends.
func Open(t testing.TB, b Backend) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	s, err := store.Open(ctx, b.URL)
	if err != nil {
		t.Fatalf("open the %s store: %v", b.Name, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
