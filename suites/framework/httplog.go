package framework

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// httpLog keeps the last requests of the running spec (a Ginkgo process runs
// one spec at a time), so a failure can show what the target answered.
// Request bodies are never kept (they carry passwords); answers only when
// they are JSON and not from a token endpoint.
type httpLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	ring []string
}

const (
	httpLogSize = 6
	httpLogBody = 400
)

func (l *httpLog) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	line := req.Method + " " + req.URL.Path
	switch {
	case err != nil:
		line += " → " + err.Error()
	default:
		line += fmt.Sprintf(" → %d", resp.StatusCode)
		if keepBody(req, resp) {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(body))
			excerpt := strings.TrimSpace(string(body))
			if len(excerpt) > httpLogBody {
				excerpt = excerpt[:httpLogBody] + "…"
			}
			line += " " + excerpt
		}
	}
	l.mu.Lock()
	l.ring = append(l.ring, line)
	if len(l.ring) > httpLogSize {
		l.ring = l.ring[len(l.ring)-httpLogSize:]
	}
	l.mu.Unlock()
	return resp, err
}

func keepBody(req *http.Request, resp *http.Response) bool {
	p := req.URL.Path
	return strings.Contains(resp.Header.Get("Content-Type"), "json") &&
		!strings.Contains(p, "token") && !strings.Contains(p, "/oauth/") && !strings.Contains(p, "/session")
}

// reset starts a new spec's log.
func (l *httpLog) reset() {
	l.mu.Lock()
	l.ring = nil
	l.mu.Unlock()
}

// String is the log, one exchange a line, oldest first.
func (l *httpLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.ring, "\n")
}
