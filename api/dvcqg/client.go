package dvcqg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/internal/netreason"
	"github.com/dvcqa/dvcqa/vocab"
)

// Service names, the "service" field of a call.
const (
	ServiceSync       = "DongBoHoSoMC"
	ServiceProgress   = "CapNhatTienDoHoSoMC"
	ServiceLookup     = "TraCuuHoSo"
	ServiceProcedures = "LayDanhSachTTHC"
	ServiceProcedure  = "LayThuTuc" // one procedure by maTTHC (opencps, rest)
)

// Client calls the national portal as one integration account. It is safe
// for concurrent use: the session is cached and shared.
type Client struct {
	BaseURL  string // e.g. "http://127.0.0.1:41234/dvcqg"
	Username string
	Password string
	DstCode  string       // sent as the dstcode header at login
	AgencyID string       // madonvi of every call
	HTTP     *http.Client // nil: a client with a 10 s timeout
	// Dialect is how the portal speaks (vocab.Dialects["dvcqg"], dialect.go);
	// "" = envelope.
	Dialect string

	// mu serialises logins, so a burst of calls without a session logs in
	// once; it is held during the login request, bounded by the HTTP timeout.
	mu      sync.Mutex
	session string
}

var defaultHTTP = &http.Client{Timeout: 10 * time.Second}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

// reply is the envelope of every answer; ErrorCode is a pointer so that a
// reply without one is an error rather than a silent success.
type reply struct {
	ErrorCode *Code           `json:"error_code"`
	Message   string          `json:"message"`
	Session   string          `json:"session"`
	Result    json.RawMessage `json:"result"`
}

// Login opens a new session and caches it for later calls.
func (c *Client) Login(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loginLocked(ctx)
}

func (c *Client) loginLocked(ctx context.Context) error {
	d, err := c.dialect()
	if err != nil {
		return err
	}
	body := map[string]string{"username": c.Username, "password": c.Password}
	r, err := c.post(ctx, d.loginPath, "session", map[string]string{"dstcode": c.DstCode}, body)
	if err != nil {
		return err
	}
	if r.Session == "" {
		return fmt.Errorf("dvcqg session: reply without a session")
	}
	c.session = r.Session
	return nil
}

// sessionFor returns the cached session, logging in when there is none.
func (c *Client) sessionFor(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == "" {
		if err := c.loginLocked(ctx); err != nil {
			return "", err
		}
	}
	return c.session, nil
}

// forget drops a session the portal refused, unless another call already
// replaced it.
func (c *Client) forget(session string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == session {
		c.session = ""
	}
}

// call runs one service, logging in lazily and once more after an
// invalid-session answer (sessions expire after 30 minutes). The dialect
// shapes the request (dialect.go); the answer's result, when there is one,
// is returned raw for the caller's dialect-specific reading.
func (c *Client) call(ctx context.Context, q query) (json.RawMessage, error) {
	d, err := c.dialect()
	if err != nil {
		return nil, err
	}
	send := func() (json.RawMessage, string, error) {
		session, err := c.sessionFor(ctx)
		if err != nil {
			return nil, "", err
		}
		raw, err := d.send(ctx, c, session, q)
		return raw, session, err
	}
	raw, session, err := send()
	if isInvalidSession(err) {
		c.forget(session)
		raw, _, err = send()
	}
	return raw, err
}

// post sends one JSON request and returns the decoded envelope; an
// error_code other than 0 is an *Error.
func (c *Client) post(ctx context.Context, path, service string, header map[string]string, body any) (*reply, error) {
	raw, err := c.exchange(ctx, http.MethodPost, path, nil, service, header, body)
	if err != nil {
		return nil, err
	}
	return decodeReply(service, raw)
}

// exchange sends one request (body nil: none) and returns the 200 answer's
// bytes, checked to be JSON. A 404 or 405 means the URL is not the
// dialect's: a *DialectError.
func (c *Client) exchange(ctx context.Context, method, path string, q url.Values, service string, header map[string]string, body any) ([]byte, error) {
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("dvcqg %s: encode: %w", service, err)
		}
		rd = bytes.NewReader(b)
	}
	u := strings.TrimSuffix(c.BaseURL, "/") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var req *http.Request
	var err error
	if rd != nil {
		req, err = http.NewRequestWithContext(ctx, method, u, rd)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, u, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("dvcqg %s: %w", service, err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("dvcqg %s: %w", service, err)
	}
	defer resp.Body.Close()
	raw, err := netreason.ReadBody(resp.Body, 16<<20)
	if err != nil {
		return nil, fmt.Errorf("dvcqg %s: read reply: %w", service, err)
	}
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
		return nil, &DialectError{Dialect: c.dialectName(), Service: service,
			Seen: fmt.Sprintf("HTTP %d for %s %s, a URL it does not serve (another dialect, or a wrong base URL?): %s", resp.StatusCode, method, path, snippet(raw))}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("dvcqg %s: HTTP %d: %s", service, resp.StatusCode, snippet(raw))
	}
	if err := netreason.CheckJSONType(resp.Header.Get("Content-Type"), raw); err != nil {
		return nil, fmt.Errorf("dvcqg %s: decode reply: %w", service, err)
	}
	return raw, nil
}

// decodeReply reads an {error_code, message, session, result} envelope.
func decodeReply(service string, raw []byte) (*reply, error) {
	var r reply
	if err := netreason.Decode(raw, &r); err != nil {
		return nil, fmt.Errorf("dvcqg %s: decode reply: %w", service, err)
	}
	if r.ErrorCode == nil {
		return nil, fmt.Errorf("dvcqg %s: reply without error_code: %s", service, snippet(raw))
	}
	if !r.ErrorCode.OK() {
		return nil, &Error{Service: service, Code: *r.ErrorCode, Message: r.Message}
	}
	return &r, nil
}

// dialectName is the client's dialect, the default for "".
func (c *Client) dialectName() string { return vocab.DialectOr(vocab.SystemDVCQG, c.Dialect) }

// snippet keeps error messages short when a server answers with a page.
func snippet(b []byte) string {
	const max = 200
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
