package framework

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/internal/netreason"
)

// wireWatch remembers, for the running spec, which systems its own requests
// proved down (a Ginkgo process runs one spec at a time). That is evidence
// for a BLOCKED verdict even when the system's health probe said nothing.
//
// It also stops waiting on a dead system: after GiveUpAfter consecutive
// transport failures to one system (refused, reset, timeouts, cut bodies),
// that system is down for the rest of the process, and every later request
// to it fails at once naming the first failure, instead of each waiting out
// its own timeout.
type wireWatch struct {
	next    http.RoundTripper
	systems []wireSystem // longest base first

	mu     sync.Mutex
	seen   []SystemHealth
	streak map[string]*failStreak // by system, for the whole process
}

// GiveUpAfter is how many consecutive transport failures make a system down
// for the rest of the run (in one Ginkgo process).
const GiveUpAfter = 3

// failStreak counts a system's consecutive transport failures; the first
// one is what a given-up system is blamed with.
type failStreak struct {
	n     int
	first string
}

// GivenUpError is the answer to a request to a system given up on.
type GivenUpError struct {
	System string
	Fails  int
	First  string // the first failure of the streak: "GET /path: connection reset"
}

func (e *GivenUpError) Error() string {
	return fmt.Sprintf("%s stopped answering: %d consecutive transport failures, the first %s (not asked again in this run)", e.System, e.Fails, e.First)
}

// givenUpAny is the error of the first of systems given up on, or nil.
func (w *wireWatch) givenUpAny(systems []string) *GivenUpError {
	for _, s := range systems {
		if g := w.givenUp(s); g != nil {
			return g
		}
	}
	return nil
}

// failed counts a transport failure of sys.
func (w *wireWatch) failed(sys, detail string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.streak == nil {
		w.streak = map[string]*failStreak{}
	}
	s := w.streak[sys]
	if s == nil || s.n == 0 {
		s = &failStreak{first: detail}
		w.streak[sys] = s
	}
	s.n++
}

// answered ends sys's streak, unless it was already given up on.
func (w *wireWatch) answered(sys string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if s := w.streak[sys]; s != nil && s.n < GiveUpAfter {
		s.n = 0
	}
}

// givenUp is the error of a system given up on, nil while it is not.
func (w *wireWatch) givenUp(sys string) *GivenUpError {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if s := w.streak[sys]; s != nil && s.n >= GiveUpAfter {
		return &GivenUpError{System: sys, Fails: s.n, First: s.first}
	}
	return nil
}

type wireSystem struct{ name, base string }

func newWireWatch(next http.RoundTripper, bases map[string]string) *wireWatch {
	w := &wireWatch{next: next}
	for name, base := range bases {
		if base = strings.TrimRight(base, "/"); base != "" {
			w.systems = append(w.systems, wireSystem{name, base})
		}
	}
	// A world on one port nests paths: match the most specific base first.
	for i := range w.systems {
		for j := i + 1; j < len(w.systems); j++ {
			if len(w.systems[j].base) > len(w.systems[i].base) {
				w.systems[i], w.systems[j] = w.systems[j], w.systems[i]
			}
		}
	}
	return w
}

func (w *wireWatch) RoundTrip(req *http.Request) (*http.Response, error) {
	sys, rest := w.systemOf(req.URL.String())
	if g := w.givenUp(sys); sys != "" && g != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		w.note(sys, req.Method+" "+req.URL.Path+": "+g.Error())
		return nil, g
	}
	resp, err := w.next.RoundTrip(req)
	if err != nil {
		// The caller reads the wire reason too. A request cancelled on a
		// reused connection says only "request canceled": its context
		// tells a timeout from a spec that gave up.
		if pastDeadline(req.Context()) && !errors.Is(err, context.DeadlineExceeded) {
			err = &netreason.Error{Kind: netreason.HeaderTimeout, Err: err}
		} else {
			err = netreason.Transport(err)
		}
	}
	if sys == "" {
		return resp, err
	}
	what := req.Method + " " + req.URL.Path
	switch {
	case err == nil && resp.StatusCode < 500:
		// A cut, reset or stalled body is found by whoever reads it; a
		// body read to its end ends the system's failure streak.
		resp.Body = &watchedBody{ReadCloser: resp.Body, ctx: req.Context(), onEnd: func(rerr error) {
			if rerr == nil {
				w.answered(sys)
			} else if down, why := TransportFailure(rerr); down {
				w.note(sys, what+": "+why)
				w.failed(sys, what+": "+why)
			}
		}}
	case err != nil:
		if down, why := TransportFailure(err); down {
			w.note(sys, what+": "+why)
			w.failed(sys, what+": "+why)
		}
	case resp.StatusCode >= 500:
		if sys == "gateway" && (resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusGatewayTimeout) {
			// The gateway answered: the database behind it did not.
			if db := gatewayDB(rest); db != "" {
				w.note("db:"+db, fmt.Sprintf("%s: gateway answered HTTP %d for database %s", what, resp.StatusCode, db))
				break
			}
		}
		w.note(sys, fmt.Sprintf("%s: HTTP %d", what, resp.StatusCode))
	}
	return resp, err
}

// pastDeadline says whether ctx's deadline has come. http.Client's timeout
// cancels a request by a timer of its own that can fire a moment before the
// context's deadline does, so ctx.Err() alone can still be nil then.
func pastDeadline(ctx context.Context) bool {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && time.Until(dl) <= deadlineSlack
}

// deadlineSlack is how close to its deadline a cancelled request counts
// as timed out.
const deadlineSlack = 10 * time.Millisecond

// watchedBody reports, once, how reading an answer's body ended: nil at its
// end, else the read error, classified — and the reader gets that same
// classified error.
type watchedBody struct {
	io.ReadCloser
	ctx   context.Context
	n     int
	onEnd func(error)
	once  sync.Once
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += n
	switch {
	case err == io.EOF:
		b.once.Do(func() { b.onEnd(nil) })
	case err != nil:
		err = bodyReason(b.ctx, err, b.n)
		b.once.Do(func() { b.onEnd(err) })
	}
	return n, err
}

// bodyReason classifies a failed body read. A body stalled past its
// request's deadline reads as a bare "request canceled": the deadline
// tells that it was a timeout reading the body, which proves the system
// too slow to answer.
func bodyReason(ctx context.Context, err error, n int) error {
	r := netreason.Body(err, n)
	if r == nil {
		return nil
	}
	if (r.Kind == netreason.Other || r.Kind == netreason.Cancelled) && pastDeadline(ctx) {
		return &netreason.Error{Kind: netreason.BodyTimeout, Detail: fmt.Sprintf("after %d bytes", n), Err: err}
	}
	return r
}

func (w *wireWatch) systemOf(u string) (name, rest string) {
	for _, s := range w.systems {
		if u == s.base || strings.HasPrefix(u, s.base+"/") || strings.HasPrefix(u, s.base+"?") {
			return s.name, strings.TrimPrefix(u, s.base)
		}
	}
	return "", ""
}

// gatewayDB is the database of a gateway lookup path /api/v1/{db}/records.
func gatewayDB(path string) string {
	p := strings.TrimPrefix(path, "/api/v1/")
	if p == path {
		return ""
	}
	db, tail, ok := strings.Cut(p, "/")
	if !ok || !strings.HasPrefix(tail, "records") {
		return ""
	}
	return db
}

func (w *wireWatch) note(system, detail string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range w.seen {
		if s.System == system {
			return // the first failure is the one worth telling
		}
	}
	w.seen = append(w.seen, SystemHealth{System: system, Status: HealthDown, Detail: "during the spec: " + detail, Source: SourceRequest})
}

func (w *wireWatch) reset() {
	w.mu.Lock()
	w.seen = nil
	w.mu.Unlock()
}

func (w *wireWatch) observed() []SystemHealth {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]SystemHealth(nil), w.seen...)
}

// TransportFailure says whether err proves the other side down, in words a
// QA engineer can pass on: refused, reset, timed out (waiting for headers or
// reading the body), TLS failure, body cut (see package netreason).
func TransportFailure(err error) (down bool, what string) {
	if err == nil {
		return false, ""
	}
	if g, ok := errors.AsType[*GivenUpError](err); ok {
		return true, g.Error()
	}
	r := netreason.Of(err)
	if r.Kind == netreason.Other {
		return false, err.Error()
	}
	return r.Kind.Down(), r.Error()
}
