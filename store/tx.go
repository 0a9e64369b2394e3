package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// txAttempts bounds the retries of a transaction that lost a race.
const txAttempts = 8

// Tx runs f in one transaction and commits it; f's error rolls it back. A
// transaction that lost to a concurrent one (PostgreSQL serialization
// failure or deadlock, SQLite busy) is run again, a bounded number of
// times: f must be safe to repeat.
func (s *Store) Tx(ctx context.Context, f func(*sql.Tx) error) error {
	var err error
	for attempt := 0; attempt < txAttempts; attempt++ {
		if err = s.tx(ctx, f); err == nil || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 20 * time.Millisecond):
		}
	}
	return fmt.Errorf("after %d attempts: %w", txAttempts, err)
}

func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	opts := &sql.TxOptions{}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelSerializable
	}
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

// retryable reports whether err is a lost race worth running again.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	msg := err.Error()
	for _, s := range []string{"SQLSTATE 40001", "SQLSTATE 40P01", "SQLITE_BUSY", "database is locked", "(5)", "(517)"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
