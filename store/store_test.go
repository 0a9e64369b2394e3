package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/store"
	"github.com/dvcqa/dvcqa/store/storetest"
)

// testTimeout bounds every test's database work.
const testTimeout = time.Minute

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// migrationRows are the versions recorded in schema_migrations, in order.
func migrationRows(t *testing.T, ctx context.Context, s *store.Store) []int {
	t.Helper()
	rows, err := s.DB().QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatalf("schema_migrations: %v", err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return vs
}

func wantMigrations(t *testing.T, got []int) {
	t.Helper()
	want := make([]int, store.SchemaVersion())
	for i := range want {
		want[i] = i + 1
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("schema_migrations versions %v, want %v (each once)", got, want)
	}
}

func TestMigrationsApplyOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := testContext(t)
		if store.SchemaVersion() < 2 {
			t.Fatalf("SchemaVersion() = %d, want the runs and trial migrations at least", store.SchemaVersion())
		}
		for i := 0; i < 2; i++ { // the second Open finds nothing to apply
			s, err := store.Open(ctx, b.URL)
			if err != nil {
				t.Fatalf("open %d: %v", i+1, err)
			}
			wantMigrations(t, migrationRows(t, ctx, s))
			for _, table := range []string{"runs", "campaigns", "campaign_dossiers", "transitions", "follows"} {
				var n int
				if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil || n != 0 {
					t.Errorf("open %d: table %s: %d rows, %v; want it empty", i+1, table, n, err)
				}
			}
			s.Close()
		}
	})
}

func TestConcurrentOpensMigrateOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := testContext(t)
		const opens = 2
		errs := make([]error, opens)
		stores := make([]*store.Store, opens)
		var wg sync.WaitGroup
		for i := range opens {
			wg.Go(func() { stores[i], errs[i] = store.Open(ctx, b.URL) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("open %d of %d at once: %v", i+1, opens, err)
			}
			defer stores[i].Close()
		}
		wantMigrations(t, migrationRows(t, ctx, stores[0]))
	})
}

func TestNewerSchemaIsRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := testContext(t)
		s := storetest.Open(t, b)
		newer := store.SchemaVersion() + 1
		if _, err := s.DB().ExecContext(ctx, s.Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
			newer, "from_the_future", store.Time(time.Now())); err != nil {
			t.Fatal(err)
		}
		s.Close()
		_, err := store.Open(ctx, b.URL)
		want := fmt.Sprintf("store at schema %d, this dvcqa knows %d", newer, store.SchemaVersion())
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("open a store at a newer schema: %v, want %q", err, want)
		}
	})
}

func TestRebind(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := testContext(t)
		s := storetest.Open(t, b)
		q := `INSERT INTO t (a, b) VALUES (?, ?)`
		want := map[string]string{store.SQLite: q, store.Postgres: `INSERT INTO t (a, b) VALUES ($1, $2)`}[s.Dialect()]
		if got := s.Rebind(q); got != want {
			t.Errorf("Rebind(%q) = %q, want %q", q, got, want)
		}
		// The rebound query runs on the backend.
		if _, err := s.DB().ExecContext(ctx, `CREATE TABLE t (a TEXT NOT NULL, b INTEGER NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, s.Rebind(q), "x", 7); err != nil {
			t.Fatalf("%s: %v", s.Rebind(q), err)
		}
		var a string
		if err := s.DB().QueryRowContext(ctx, s.Rebind(`SELECT a FROM t WHERE b = ? AND a = ?`), 7, "x").Scan(&a); err != nil || a != "x" {
			t.Errorf("read back: %q, %v; want \"x\"", a, err)
		}
	})
}

// TestTimesSortAsText: stored times order as text the way they do in time,
// on both backends.
func TestTimesSortAsText(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := testContext(t)
		s := storetest.Open(t, b)
		if _, err := s.DB().ExecContext(ctx, `CREATE TABLE times (at TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		hcm := time.FixedZone("ICT", 7*3600) // Vietnam's time zone: stored as UTC
		ts := []time.Time{
			time.Date(2025, 6, 27, 18, 0, 0, 0, hcm),
			time.Date(2025, 6, 27, 11, 0, 0, 1, time.UTC),
			time.Date(2025, 6, 27, 10, 59, 59, 999999999, time.UTC),
		}
		for _, at := range ts {
			if _, err := s.DB().ExecContext(ctx, s.Rebind(`INSERT INTO times (at) VALUES (?)`), store.Time(at)); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := s.DB().QueryContext(ctx, `SELECT at FROM times ORDER BY at`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []time.Time
		for rows.Next() {
			var text string
			if err := rows.Scan(&text); err != nil {
				t.Fatal(err)
			}
			at, err := store.ParseTime(text)
			if err != nil {
				t.Fatalf("ParseTime(%q): %v", text, err)
			}
			got = append(got, at)
		}
		want := []time.Time{ts[2], ts[0], ts[1]} // 18:00 ICT is 11:00 UTC
		if len(got) != len(want) {
			t.Fatalf("%d times read back, want %d", len(got), len(want))
		}
		for i := range want {
			if !got[i].Equal(want[i]) {
				t.Errorf("time %d in text order: %s, want %s", i, got[i], want[i])
			}
		}
	})
}

// counter is a one-row table the race tests increment.
func counter(t *testing.T, ctx context.Context, s *store.Store) {
	t.Helper()
	for _, q := range []string{`CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`,
		`INSERT INTO counter (id, n) VALUES (1, 0)`} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}

func counterValue(t *testing.T, ctx context.Context, s *store.Store) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(ctx, `SELECT n FROM counter WHERE id = 1`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// increment reads the counter and writes it back plus one: a lost update
// unless the transactions are isolated. wait, when set, runs between the
// read and the write.
func increment(ctx context.Context, s *store.Store, calls *atomic.Int32, wait func()) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		calls.Add(1)
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT n FROM counter WHERE id = 1`).Scan(&n); err != nil {
			return err
		}
		if wait != nil {
			wait()
		}
		_, err := tx.ExecContext(ctx, s.Rebind(`UPDATE counter SET n = ? WHERE id = 1`), n+1)
		return err
	})
}

// TestTxRetriesALostRace: two increments at once both land. On
// PostgreSQL both transactions read the counter before either writes (a
// barrier holds them), so one loses (serialization failure) and Tx runs it
// again: three runs of the function. SQLite's transactions take the write
// lock when they begin, so the second waits and there is no race to lose.
func TestTxRetriesALostRace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := testContext(t)
		s := storetest.Open(t, b)
		counter(t, ctx, s)
		var calls atomic.Int32
		var read sync.WaitGroup
		read.Add(2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				var wait func()
				if s.Dialect() == store.Postgres {
					first := true
					wait = func() {
						if first { // only the first attempt waits for the other
							first = false
							read.Done()
							read.Wait()
						}
					}
				}
				errs[i] = increment(ctx, s, &calls, wait)
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("increment %d: %v", i+1, err)
			}
		}
		if n := counterValue(t, ctx, s); n != 2 {
			t.Errorf("counter = %d after two concurrent increments, want 2 (an update was lost)", n)
		}
		want := map[string]int32{store.SQLite: 2, store.Postgres: 3}[s.Dialect()]
		if got := calls.Load(); got != want {
			t.Errorf("the transaction ran %d times, want %d", got, want)
		}
	})
}

// TestConcurrentIncrementsAllLand: two writers incrementing one row in a
// loop, as two `trial follow` runs at once would, lose no update.
func TestConcurrentIncrementsAllLand(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := testContext(t)
		s := storetest.Open(t, b)
		counter(t, ctx, s)
		const writers, each = 2, 5
		var calls atomic.Int32
		errs := make(chan error, writers*each)
		var wg sync.WaitGroup
		for range writers {
			wg.Go(func() {
				for range each {
					errs <- increment(ctx, s, &calls, nil)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("increment: %v", err)
			}
		}
		if n := counterValue(t, ctx, s); n != writers*each {
			t.Errorf("counter = %d, want %d", n, writers*each)
		}
	})
}

// TestCancelledTxKeepsWhatWasCommitted: a context cancelled in the middle
// of a transaction rolls back that transaction only.
func TestCancelledTxKeepsWhatWasCommitted(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := testContext(t)
		s := storetest.Open(t, b)
		if _, err := s.DB().ExecContext(ctx, `CREATE TABLE notes (note TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		insert := s.Rebind(`INSERT INTO notes (note) VALUES (?)`)
		if err := s.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, insert, "committed")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		err := s.Tx(cctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(cctx, insert, "in flight"); err != nil {
				return err
			}
			cancel() // the crash: nothing after this point may land
			_, err := tx.ExecContext(cctx, insert, "after the cancel")
			return err
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Tx with its context cancelled: %v, want context.Canceled", err)
		}
		var notes []string
		rows, err := s.DB().QueryContext(ctx, `SELECT note FROM notes ORDER BY note`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			notes = append(notes, n)
		}
		if fmt.Sprint(notes) != "[committed]" {
			t.Errorf("notes after the cancelled transaction: %q, want only the committed one", notes)
		}
		// The store goes on working.
		if err := s.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, insert, "later")
			return err
		}); err != nil {
			t.Errorf("a transaction after the cancelled one: %v", err)
		}
	})
}

func TestBadURLNamesTheAcceptedForms(t *testing.T) {
	ctx := testContext(t)
	for _, u := range []string{"", "mysql://root:hunter2@db/dvcqa", "runs/dvcqa.db", "sqlite:"} {
		_, err := store.Open(ctx, u)
		if err == nil {
			t.Errorf("Open(%q) succeeded, want an error", u)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "sqlite:path/to/dvcqa.db") ||
			(u != "sqlite:" && !strings.Contains(msg, "postgres://")) || strings.Contains(msg, "hunter2") {
			t.Errorf("Open(%q): %q; want the accepted forms named and no password", u, msg)
		}
	}
}

func TestPasswordIsMasked(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://dvcqa:hunter2@db.example:5432/dvcqa":             "postgres://dvcqa:***@db.example:5432/dvcqa",
		"postgresql://dvcqa:p@ss@db/dvcqa?sslmode=require":           "postgresql://dvcqa:***@db/dvcqa?sslmode=require",
		"postgres://dvcqa@db/dvcqa?sslmode=disable&password=hunter2": "postgres://dvcqa@db/dvcqa?sslmode=disable&password=***",
		"postgres://dvcqa@db/dvcqa?options=-c%20x%3Dy@z":             "postgres://dvcqa@db/dvcqa?options=-c%20x%3Dy@z",
		"sqlite:runs/dvcqa.db":                                       "sqlite:runs/dvcqa.db",
	} {
		if got := store.MaskURL(in); got != want {
			t.Errorf("MaskURL(%q) = %q, want %q", in, got, want)
		}
	}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		url := b.URL
		if b.Name == store.Postgres {
			// Trust authentication ignores the password: the store opens.
			url = strings.Replace(url, "://postgres@", "://postgres:hunter2@", 1)
			if !strings.Contains(url, "hunter2") {
				t.Fatalf("test URL %s: want user postgres", b.URL)
			}
		}
		s := storetest.Open(t, storetest.Backend{Name: b.Name, URL: url})
		if got := s.String(); strings.Contains(got, "hunter2") || (b.Name == store.Postgres && !strings.Contains(got, ":***@")) ||
			(b.Name == store.SQLite && got != url) {
			t.Errorf("String() = %q; want the URL %q with its password masked", got, url)
		}
	})
}
