package progress

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"sync"
	"time"
)

// sendTimeout bounds a connect and each write: a console that stopped
// listening must not hold a spec up.
const sendTimeout = 5 * time.Second

// Sender is a suite process's end of the socket, connected on first use.
// Its zero value sends nothing when EnvSocket is unset.
type Sender struct {
	mu   sync.Mutex
	conn net.Conn
	err  error // the first failure: later events are dropped
}

// Send writes one event; an error is reported once (the console is a
// convenience, the reports are built from Ginkgo's JSON report).
func (s *Sender) Send(e Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil
	}
	if s.conn == nil {
		path := os.Getenv(EnvSocket)
		if path == "" {
			return nil
		}
		c, err := net.DialTimeout("unix", path, sendTimeout)
		if err != nil {
			s.err = fmt.Errorf("progress socket %s: %w", path, err)
			return s.err
		}
		s.conn = c
	}
	b, err := json.Marshal(e)
	if err == nil {
		_ = s.conn.SetWriteDeadline(time.Now().Add(sendTimeout))
		_, err = s.conn.Write(append(b, '\n'))
	}
	if err != nil {
		s.err = fmt.Errorf("progress event: %w", err)
		_ = s.conn.Close()
		return s.err
	}
	return nil
}

// Close ends the connection, if any.
func (s *Sender) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn, s.err = nil, net.ErrClosed
	return err
}
