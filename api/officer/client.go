package officer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/internal/netreason"
)

// HeaderIdempotencyKey makes a retried action answer the first result.
const HeaderIdempotencyKey = "Idempotency-Key"

// APIPath is where the back office's API lives under its base.
const APIPath = "/api/v1"

// DefaultTimeout bounds each call of a client made without an HTTP client.
const DefaultTimeout = 10 * time.Second

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 8 << 20

// Client calls one back office as one officer. Login stores the session's
// token; every later call sends it. A Client is safe for concurrent use.
type Client struct {
	base string // the back office's base, e.g. {portal}/backoffice
	http *http.Client

	mu    sync.Mutex
	token string
}

// New returns a client of the back office at baseURL (its base, e.g.
// http://127.0.0.1:41234/portal/01/backoffice; the API is under
// /api/v1). A nil httpClient is one with DefaultTimeout; a given one
// must bound its calls itself (a Timeout, or contexts with deadlines).
func New(baseURL string, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: DefaultTimeout}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), http: httpClient}
}

// BaseURL is the back office's base the client calls.
func (c *Client) BaseURL() string { return c.base }

// Token is the bearer token of the last login, "" before one.
func (c *Client) Token() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// SetToken makes the client act with tok (e.g. one kept from an earlier
// login; "" = none, for calls meant to be refused).
func (c *Client) SetToken(tok string) {
	c.mu.Lock()
	c.token = tok
	c.mu.Unlock()
}

// Login opens a session (POST /session) and keeps its token for the
// client's later calls. A wrong password is a 401 *APIError (unauthorized).
func (c *Client) Login(ctx context.Context, username, password string) (*Session, error) {
	body, err := json.Marshal(loginRequest{Username: username, Password: password})
	if err != nil {
		return nil, fmt.Errorf("back office login %s: %w", username, err)
	}
	var s Session
	if err := c.do(ctx, "login "+username, http.MethodPost, "/session", body, nil, &s); err != nil {
		return nil, err
	}
	if s.Token == "" {
		return nil, fmt.Errorf("back office login %s: the session answer has no token", username)
	}
	c.SetToken(s.Token)
	return &s, nil
}

// Dossiers lists the province's dossiers, newest first; status "" = all,
// else only those in that state.
func (c *Client) Dossiers(ctx context.Context, status string) ([]Dossier, error) {
	path := "/dossiers"
	if status != "" {
		path += "?status=" + url.QueryEscape(status)
	}
	var raw json.RawMessage
	if err := c.do(ctx, "dossiers", http.MethodGet, path, nil, nil, &raw); err != nil {
		return nil, err
	}
	// The contract describes the items, not the list: a bare array or the
	// citizen API's {"dossiers":[…]} are both read.
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		var ds []Dossier
		if err := netreason.Decode(raw, &ds); err != nil {
			return nil, fmt.Errorf("back office dossiers: decode answer: %w", err)
		}
		return ds, nil
	}
	var l list
	if err := netreason.Decode(raw, &l); err != nil {
		return nil, fmt.Errorf("back office dossiers: decode answer: %w", err)
	}
	return l.Dossiers, nil
}

// Dossier reads one dossier by its code, with its history; an unknown code
// is a 404 *APIError (not_found).
func (c *Client) Dossier(ctx context.Context, code string) (*Dossier, error) {
	var d Dossier
	if err := c.do(ctx, "dossier "+code, http.MethodGet, "/dossiers/"+url.PathEscape(code), nil, nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Act takes an action on a dossier (POST /dossiers/{code}/actions) and
// returns the dossier after it. note "" leaves the back office's
// Vietnamese default; idempotencyKey "" sends none. An action the state
// does not allow is a 409 *APIError (action_not_allowed, IsActionNotAllowed).
func (c *Client) Act(ctx context.Context, code, action, note, idempotencyKey string) (*Dossier, error) {
	op := action + " " + code
	body, err := json.Marshal(actionRequest{Action: action, Note: note})
	if err != nil {
		return nil, fmt.Errorf("back office %s: %w", op, err)
	}
	hdr := http.Header{}
	if idempotencyKey != "" {
		hdr.Set(HeaderIdempotencyKey, idempotencyKey)
	}
	var d Dossier
	if err := c.do(ctx, op, http.MethodPost, "/dossiers/"+url.PathEscape(code)+"/actions", body, hdr, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// do sends one request to the API and decodes a 2xx JSON answer into out;
// any other status becomes an *APIError.
func (c *Client) do(ctx context.Context, op, method, path string, body []byte, hdr http.Header, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+APIPath+path, rd)
	if err != nil {
		return fmt.Errorf("back office %s: %w", op, err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	req.Header.Set("Accept", "application/json")
	if tok := c.Token(); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("back office %s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := netreason.ReadBody(resp.Body, maxAnswer)
	if err != nil {
		return fmt.Errorf("back office %s: read answer: %w", op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return decodeError(op, resp.StatusCode, data)
	}
	if err := netreason.CheckJSONType(resp.Header.Get("Content-Type"), data); err != nil {
		return fmt.Errorf("back office %s: decode answer (%d bytes): %w", op, len(data), err)
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = data
		return nil
	}
	if err := netreason.Decode(data, out); err != nil {
		return fmt.Errorf("back office %s: decode answer (%d bytes): %w", op, len(data), err)
	}
	return nil
}
