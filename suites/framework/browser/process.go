package browser

import (
	"context"
	"errors"
	"sync"
)

// Process is a browser shared by the specs of one Ginkgo process, started
// on first use so that API-only runs never start Chromium. A failed start is
// remembered, not retried: every later spec gets the same clear error
// instead of paying for (and possibly hanging on) another attempt.
type Process struct {
	mu      sync.Mutex
	started bool
	b       *Browser
	err     error
}

// Shared is this process's browser.
var Shared = &Process{}

// errClosed is returned after Close.
var errClosed = errors.New("browser: the process's browser was closed")

// Get returns the browser, starting it with o on the first call; later
// calls ignore o.
func (p *Process) Get(o Options) (*Browser, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.started {
		p.started = true
		p.b, p.err = Start(context.Background(), o)
	}
	return p.b, p.err
}

// Close closes the browser if it was started; later Gets fail.
func (p *Process) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.b
	p.started, p.b = true, nil
	if p.err == nil {
		p.err = errClosed
	}
	if b == nil {
		return nil
	}
	return b.Close()
}

// ForProcess is Shared.Get: the process's browser, started on first use.
func ForProcess(o Options) (*Browser, error) { return Shared.Get(o) }

// CloseProcess closes the process's browser (from AfterSuite or a
// SynchronizedAfterSuite's per-process function).
func CloseProcess() { _ = Shared.Close() }
