package gateway

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/internal/netreason"
	"github.com/dvcqa/dvcqa/vocab"
)

// Client talks to the data-exchange gateway as one registered client
// (e.g. province-01). The zero value plus the exported fields is ready to
// use; do not copy a Client after first use.
type Client struct {
	BaseURL      string // e.g. http://127.0.0.1:41234/gateway
	ClientID     string
	ClientSecret string
	HTTP         *http.Client // nil: a client with a 10 s timeout
	// Dialect is how the gateway speaks (vocab.Dialects["gateway"]): rest
	// (default) or ndxp, where population lookups by SoDinhDanh take the
	// published NDXP query shape (ndxp.go). Results are the same either way.
	Dialect string
	// Identity gives the name and date of birth an ndxp query sends with a
	// personal ID; unused in the rest dialect.
	Identity func(personalID string) (Identity, error)
	NDXP     NDXPCodes // the ndxp query's caller codes; zero = defaults

	mu      sync.Mutex
	token   string
	renewAt time.Time
	pending *tokenCall
}

var defaultHTTP = &http.Client{Timeout: 10 * time.Second}

// maxAnswer bounds how much of an answer is read; national records are small.
const maxAnswer = 16 << 20

// Lookup reads the records of db whose key equals value. purpose is sent as
// X-Purpose and ends up in the audit log. A refused cached token is renewed
// once. "No record" is an *Error for which IsNotFound is true.
func (c *Client) Lookup(ctx context.Context, db, key, value, purpose string) ([]Record, error) {
	tok, err := c.Token(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := c.lookup(ctx, tok, db, key, value, purpose)
	if StatusOf(err) == http.StatusUnauthorized {
		c.dropToken(tok)
		if tok, err = c.Token(ctx); err != nil {
			return nil, err
		}
		recs, err = c.lookup(ctx, tok, db, key, value, purpose)
	}
	return recs, err
}

// LookupWithToken is Lookup with a caller-chosen token and no retry, for
// negative specs: token "" sends no Authorization header, key "" sends no
// query parameter.
func (c *Client) LookupWithToken(ctx context.Context, token, db, key, value string) ([]Record, error) {
	return c.lookup(ctx, token, db, key, value, "")
}

func (c *Client) lookup(ctx context.Context, token, db, key, value, purpose string) ([]Record, error) {
	if c.usesNDXP(db, key) {
		return c.ndxpLookup(ctx, token, db, value, purpose)
	}
	q := url.Values{}
	if key != "" {
		q.Set(key, value)
	}
	var ans struct {
		RecordsResponse
		Message json.RawMessage `json:"message"` // the ndxp answer's, never the rest one's
	}
	path := "/api/v1/" + url.PathEscape(db) + "/records"
	if err := c.get(ctx, db+" lookup", path, q, token, purpose, &ans); err != nil {
		if e, ok := errors.AsType[*Error](err); ok && wrongEndpoint(e) && c.dialect() == vocab.DialectGatewayREST {
			return nil, &DialectError{Op: db + " lookup", Dialect: c.dialect(),
				Detail: fmt.Sprintf("GET %s answered %d %s (a wrong gateway URL, or another dialect such as ndxp?)", path, e.Status, e.Code)}
		}
		return nil, err
	}
	if ans.Records == nil && ans.Message != nil {
		return nil, &DialectError{Op: db + " lookup", Dialect: c.dialect(), Detail: "the answer holds \"message\" instead of \"records\" (the ndxp dialect?)"}
	}
	return ans.Records, nil
}

// Audit returns this client's audit entries about subject (a personal ID),
// with values masked by the gateway.
func (c *Client) Audit(ctx context.Context, subject string) ([]AuditEntry, error) {
	tok, err := c.Token(ctx)
	if err != nil {
		return nil, err
	}
	q := url.Values{"subject": {subject}}
	var ans AuditResponse
	err = c.get(ctx, "audit", "/api/v1/audit", q, tok, "", &ans)
	if StatusOf(err) == http.StatusUnauthorized {
		c.dropToken(tok)
		if tok, err = c.Token(ctx); err != nil {
			return nil, err
		}
		err = c.get(ctx, "audit", "/api/v1/audit", q, tok, "", &ans)
	}
	if err != nil {
		return nil, err
	}
	return ans.Entries, nil
}

// Health returns the gateway's view of itself and of every database.
func (c *Client) Health(ctx context.Context) (*Health, error) {
	var h Health
	if err := c.get(ctx, "health", "/healthz", nil, "", "", &h); err != nil {
		return nil, err
	}
	return &h, nil
}

func (c *Client) get(ctx context.Context, op, path string, q url.Values, token, purpose string, out any) error {
	u := c.url(path)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		// NewRequest quotes the URL, which may hold a personal ID.
		return fmt.Errorf("gateway %s: cannot build request for %s", op, c.BaseURL)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if purpose != "" {
		req.Header.Set(HeaderPurpose, purpose)
	}
	return c.send(req, op, out)
}

// requestIDKey carries a caller-chosen X-Request-ID in a context.
type requestIDKey struct{}

// WithRequestID makes the calls made with ctx send id as X-Request-ID
// instead of a fresh one, so that a caller can find its lookup in the audit
// log by the id it sent.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// send performs req with an X-Request-ID (the context's, else a fresh one) and decodes a 2xx JSON answer
// into out; any other answer becomes an *Error.
func (c *Client) send(req *http.Request, op string, out any) error {
	req.Header.Set("Accept", "application/json")
	id, _ := req.Context().Value(requestIDKey{}).(string)
	if id == "" {
		id = newRequestID()
	}
	req.Header.Set(HeaderRequestID, id)
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		// *url.Error quotes the URL (query = personal ID); keep only the cause.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return fmt.Errorf("gateway %s: %w", op, err)
	}
	defer resp.Body.Close()
	body, err := netreason.ReadBody(resp.Body, maxAnswer)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return fmt.Errorf("gateway %s: read answer: %w", op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errorFromAnswer(op, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if err := netreason.CheckJSONType(resp.Header.Get("Content-Type"), body); err != nil {
		return fmt.Errorf("gateway %s: %d answer is not the expected JSON: %w", op, resp.StatusCode, err)
	}
	if err := netreason.Decode(body, out); err != nil {
		return fmt.Errorf("gateway %s: %d answer is not the expected JSON: %w", op, resp.StatusCode, err)
	}
	return nil
}

func newRequestID() string { return rand.Text() }

func (c *Client) url(path string) string { return strings.TrimRight(c.BaseURL, "/") + path }
