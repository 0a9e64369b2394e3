package framework

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/dvcqa/dvcqa/internal/netreason"
)

// wireWatch remembers, for the running spec, which systems its own requests
// proved down (a Ginkgo process runs one spec at a time). That is evidence
// for a BLOCKED verdict even when the system's health probe said nothing.
type wireWatch struct {
	next    http.RoundTripper
	systems []wireSystem // longest base first

	mu   sync.Mutex
	seen []SystemHealth
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
	resp, err := w.next.RoundTrip(req)
	sys, rest := w.systemOf(req.URL.String())
	if sys == "" {
		return resp, err
	}
	what := req.Method + " " + req.URL.Path
	switch {
	case err == nil && resp.StatusCode < 500:
		// A cut, reset or stalled body is found by whoever reads it.
		resp.Body = &watchedBody{ReadCloser: resp.Body, onErr: func(rerr error) {
			if down, why := TransportFailure(rerr); down {
				w.note(sys, what+": "+why)
			}
		}}
	case err != nil:
		if down, why := TransportFailure(err); down {
			w.note(sys, what+": "+why)
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

// watchedBody reports the first read error of an answer's body, other than
// its end.
type watchedBody struct {
	io.ReadCloser
	n     int
	onErr func(error)
	once  sync.Once
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += n
	if err != nil && err != io.EOF {
		b.once.Do(func() { b.onErr(netreason.Body(err, b.n)) })
	}
	return n, err
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
	w.seen = append(w.seen, SystemHealth{System: system, Status: HealthDown, Detail: "during the spec: " + detail})
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
	r := netreason.Of(err)
	if r.Kind == netreason.Other {
		return false, err.Error()
	}
	return r.Kind.Down(), r.Error()
}
