package framework

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework/pii"
)

// httpLog keeps the last requests of the running spec (a Ginkgo process runs
// one spec at a time), so a failure can show what the target answered.
// Request bodies are never kept (they carry passwords); answers only when
// they are JSON and not from a token endpoint, masked structurally (by key
// and by shape) before they are cut. Every JSON body that passes, request
// or answer, teaches the process's pii set the personal values it carries,
// so that failure messages mask them too.
type httpLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	ring []logLine
}

// logLine is one exchange. The answer's excerpt is masked and cut only when
// the log is read (a failure), not on every request: masking a catalog list
// on each of thousands of requests cost a third of the API layer's CPU.
type logLine struct {
	text string
	ct   string // the answer's content type, with body
	body []byte // the answer as received; nil when not logged
}

const (
	httpLogSize = 6
	httpLogBody = 400
	httpLogRead = 1 << 20 // bodies larger than this are not read for the log
)

func (l *httpLog) RoundTrip(req *http.Request) (*http.Response, error) {
	if !secretPath(req.URL.Path) {
		learnRequest(req)
	}
	resp, err := l.next.RoundTrip(req)
	line := logLine{text: req.Method + " " + req.URL.Path}
	switch {
	case err != nil:
		line.text += " → " + pii.Mask(err.Error())
	default:
		line.text += fmt.Sprintf(" → %d", resp.StatusCode)
		if isJSON(resp.Header.Get("Content-Type")) && !secretPath(req.URL.Path) {
			body, rerr := readKeep(req.Context(), resp)
			switch {
			case rerr == nil:
				learnOnce(body)
				line.ct, line.body = resp.Header.Get("Content-Type"), body
			case errors.Is(rerr, errTooLong):
				line.text += " " + rerr.Error() + ", passed on whole"
			default:
				// The caller reads the same error; the log says it too.
				line.text += " body: " + pii.Mask(rerr.Error())
			}
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

// readKeep reads the answer's body and gives the caller an identical one:
// the whole body, also when it is longer than what the log reads.
func readKeep(ctx context.Context, resp *http.Response) ([]byte, error) {
	head, err := io.ReadAll(io.LimitReader(resp.Body, httpLogRead+1))
	if err != nil {
		// The caller gets what was read and the same error, classified.
		err = bodyReason(ctx, err, len(head))
		resp.Body = readErrCloser{io.MultiReader(bytes.NewReader(head), errReader{err}), resp.Body}
		return nil, err
	}
	if len(head) > httpLogRead {
		// Only the log stops reading: the caller reads the whole answer.
		resp.Body = readErrCloser{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
		return nil, fmt.Errorf("%w %d bytes (not logged)", errTooLong, httpLogRead)
	}
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(head))
	return head, nil
}

var errTooLong = errors.New("answer longer than")

type readErrCloser struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// excerpt is the masked body, cut on a character boundary after masking (a
// cut value could escape every rule).
func excerpt(contentType string, body []byte) string {
	return redact.Cut(strings.TrimSpace(pii.Body(contentType, body)), httpLogBody)
}

// learnRequest teaches the pii set the personal values of a JSON or form
// request body (a submitted dossier), read from a copy.
func learnRequest(req *http.Request) {
	if req.GetBody == nil || req.ContentLength > httpLogRead {
		return
	}
	ct := req.Header.Get("Content-Type")
	if !isJSON(ct) {
		return
	}
	rc, err := req.GetBody()
	if err != nil {
		return
	}
	defer rc.Close()
	if body, err := io.ReadAll(io.LimitReader(rc, httpLogRead)); err == nil {
		learnOnce(body)
	}
}

func isJSON(ct string) bool { return strings.Contains(ct, "json") }

// secretPath: token and session endpoints carry passwords and tokens, so
// their bodies are never read.
func secretPath(p string) bool {
	return strings.Contains(p, "token") || strings.Contains(p, "/oauth/") || strings.Contains(p, "/session")
}

// reset starts a new spec's log.
func (l *httpLog) reset() {
	l.mu.Lock()
	l.ring = nil
	l.mu.Unlock()
}

// String is the log, one exchange a line, oldest first, masked again with
// what the process learnt since each line was written.
func (l *httpLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	lines := make([]string, len(l.ring))
	for i, ln := range l.ring {
		lines[i] = ln.text
		if ln.body != nil {
			lines[i] += " " + excerpt(ln.ct, ln.body)
		}
	}
	return pii.Mask(strings.Join(lines, "\n"))
}
