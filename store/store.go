// Package store is dvcqa's database: the run history and the trial
// ledger, in embedded SQLite by default or a team's shared PostgreSQL,
// chosen by one URL (`sqlite:runs/dvcqa.db`, `postgres://…`). The schema
// is versioned (migrate.go); both databases run the same SQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	_ "modernc.org/sqlite"             // driver "sqlite", pure Go: no C toolchain
)

// Dialects of the store.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// EnvURL names the store when no --store flag does.
const EnvURL = "DVCQA_STORE"

// Store is an open database with the schema migrated to this build's
// version.
type Store struct {
	db      *sql.DB
	dialect string
	url     string // for messages; a PostgreSQL password is masked
}

// Open opens the store at url and applies pending migrations.
func Open(ctx context.Context, url string) (*Store, error) {
	s, err := open(url)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store %s: %w", s.url, err)
	}
	return s, nil
}

// CheckURL says whether url is a store URL, without opening it: for a
// command to refuse a bad --store before it runs anything.
func CheckURL(url string) error {
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		if strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//") == "" {
			return errors.New("store: sqlite: no file (want sqlite:path/to/dvcqa.db)")
		}
		return nil
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return nil
	}
	return fmt.Errorf("store %q: want sqlite:path/to/dvcqa.db or postgres://user@host:port/db", maskURL(url))
}

func open(url string) (*Store, error) {
	if err := CheckURL(url); err != nil {
		return nil, err
	}
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(url, "sqlite:")
		path = strings.TrimPrefix(path, "//") // sqlite://path is accepted too
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("store %s: %w", url, err)
		}
		// WAL lets readers go on while one process writes; busy_timeout
		// makes a second writer wait instead of failing at once.
		dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", url, err)
		}
		return &Store{db: db, dialect: SQLite, url: url}, nil
	default: // postgres:// or postgresql://, as CheckURL said
		db, err := sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", maskURL(url), err)
		}
		db.SetMaxOpenConns(8)
		return &Store{db: db, dialect: Postgres, url: maskURL(url)}, nil
	}
}

// maskURL hides a PostgreSQL URL's password, in its user part or as a
// password= parameter.
func maskURL(u string) string {
	scheme := strings.Index(u, "://")
	if scheme < 0 {
		return u
	}
	end := len(u)
	if q := strings.Index(u, "?"); q >= 0 {
		end = q
	}
	if at := strings.LastIndex(u[:end], "@"); at > scheme {
		if i := strings.Index(u[scheme+3:at], ":"); i >= 0 {
			u = u[:scheme+3+i] + ":***" + u[at:]
		}
	}
	if q := strings.Index(u, "?"); q >= 0 {
		params := strings.Split(u[q+1:], "&")
		for i, p := range params {
			if k, _, ok := strings.Cut(p, "="); ok && strings.EqualFold(k, "password") {
				params[i] = k + "=***"
			}
		}
		u = u[:q+1] + strings.Join(params, "&")
	}
	return u
}

// DB is the database handle.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect is SQLite or Postgres.
func (s *Store) Dialect() string { return s.dialect }

// String is the store's URL, a password masked.
func (s *Store) String() string { return s.url }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Rebind turns the `?` placeholders every query is written with into
// PostgreSQL's `$1, $2, …`. Queries carry no literal question marks.
func (s *Store) Rebind(q string) string {
	if s.dialect != Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TimeLayout is how times are stored: UTC, fixed width, so that text order
// is time order in both databases.
const TimeLayout = "2006-01-02T15:04:05.000000000Z"

// Time is t as stored; the zero time is stored as "".
func Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeLayout)
}

// ParseTime reads a stored time; "" is the zero time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(TimeLayout, s)
}
