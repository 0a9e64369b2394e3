package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
)

// Process is a browser shared by the specs of one Ginkgo process, started
// on first use so that API-only runs never start Chromium. A failed start is
// remembered, not retried: every later spec gets the same clear error
// instead of paying for (and possibly hanging on) another attempt.
//
// With a list of remote endpoints (Options.RemoteURL, see ParseEndpoints)
// the process attaches to one of them (Options.First), and Failover takes
// a dead one out and moves to the next; the process fails only when none
// is left.
type Process struct {
	mu      sync.Mutex
	started bool
	b       *Browser
	err     error

	opts      Options
	left      []string // endpoints not taken out, the current one first
	all       []string
	takenOut  []string // "endpoint (what happened)"
	multi     bool
	startHook func(context.Context, Options) (*Browser, error) // Start; replaced in tests
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
		p.opts = o
		p.all = ParseEndpoints(o.RemoteURL)
		p.multi = len(p.all) > 1
		if !p.multi {
			p.b, p.err = p.start(o)
			return p.b, p.err
		}
		first := max(o.First, 0) % len(p.all)
		p.left = append(append([]string{}, p.all[first:]...), p.all[:first]...)
		p.b, p.err = p.next()
	}
	return p.b, p.err
}

func (p *Process) start(o Options) (*Browser, error) {
	if p.startHook != nil {
		return p.startHook(context.Background(), o)
	}
	return Start(context.Background(), o)
}

// next attaches to the first endpoint left, taking out the ones that
// refuse. Called with p.mu held.
func (p *Process) next() (*Browser, error) {
	for len(p.left) > 0 {
		o := p.opts
		o.RemoteURL = p.left[0]
		b, err := p.start(o)
		if err == nil {
			return b, nil
		}
		p.takeOut(fmt.Sprintf("cannot attach: %v", err))
	}
	return nil, p.noneLeft()
}

// takeOut removes the current endpoint, with one message. p.mu held.
func (p *Process) takeOut(what string) {
	ep := p.left[0]
	p.left = p.left[1:]
	p.takenOut = append(p.takenOut, ep+" ("+what+")")
	msg := fmt.Sprintf("browser endpoint %s taken out: %s; %d left", ep, what, len(p.left))
	if p.opts.Notify != nil {
		p.opts.Notify(msg)
	} else {
		fmt.Fprintln(os.Stderr, "dvcqa: "+msg)
	}
}

func (p *Process) noneLeft() error {
	return fmt.Errorf("browser: no browser endpoint left of %s: %s", strings.Join(p.all, ", "), strings.Join(p.takenOut, "; "))
}

// CanFailover reports whether the process has other endpoints to move to
// should the current one die (a list of two or more remote endpoints).
func (p *Process) CanFailover() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.multi
}

// Failover takes lost's endpoint out (what says what happened: the error
// the spec met) and attaches to the next endpoint left. When another spec
// of the process already moved on from lost, it returns the current
// browser. It fails, naming every endpoint, when none is left; with a
// single endpoint it returns the error it was given.
func (p *Process) Failover(lost *Browser, what error) (*Browser, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.multi {
		return nil, what
	}
	if p.b != lost {
		return p.b, p.err
	}
	if p.b != nil {
		p.takeOut(lostText(what))
		go p.b.Close() // a dead connection: nothing to wait for
	}
	p.b, p.err = p.next()
	return p.b, p.err
}

// lostText says what happened in one line.
func lostText(err error) string {
	s := "its DevTools connection closed"
	if err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		if len(first) > 200 {
			first = first[:200] + "…"
		}
		s += " (during: " + first + ")"
	}
	return s
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
