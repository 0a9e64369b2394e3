package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// txAttempts bounds the retries of a transaction that lost a race.
const txAttempts = 8

// Tx runs f in one transaction and commits it; f's error rolls it back. A
// transaction that lost to a concurrent one (PostgreSQL serialization
// failure or deadlock, SQLite busy) is run again, a bounded number of
// times: f must be safe to repeat.
func (s *Store) Tx(ctx context.Context, f func(*sql.Tx) error) error {
	opts := &sql.TxOptions{}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelSerializable
	}
	return s.txRetry(ctx, opts, f)
}

// txRetry runs f in transactions with opts until one commits, f fails, or
// txAttempts lost races.
func (s *Store) txRetry(ctx context.Context, opts *sql.TxOptions, f func(*sql.Tx) error) error {
	var err error
	for attempt := 0; attempt < txAttempts; attempt++ {
		if err = s.txWith(ctx, opts, f); err == nil {
			return nil
		}
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			// The driver may say "transaction done": say why it is.
			return fmt.Errorf("%w: %v", ctx.Err(), err)
		}
		if !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff(attempt)):
		}
	}
	return fmt.Errorf("after %d attempts: %w", txAttempts, err)
}

// backoff is the wait before attempt+1: growing, with jitter, so that two
// transactions that lost together do not collide again.
func backoff(attempt int) time.Duration {
	base := time.Duration(attempt+1) * 20 * time.Millisecond
	return base/2 + rand.N(base)
}

func (s *Store) txWith(ctx context.Context, opts *sql.TxOptions, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// retryable reports whether err is a lost race worth running again: a
// PostgreSQL serialization failure (40001) or deadlock (40P01), or SQLite
// busy (SQLITE_BUSY and its extended codes) once busy_timeout ran out.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code()&0xff == 5 // SQLITE_BUSY
	}
	return false
}
