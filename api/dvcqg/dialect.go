package dvcqg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/dvcqa/dvcqa/vocab"
)

// The national portal's dialects (vocab.Dialects["dvcqg"];
// docs/dialects-dvcqg.md). Each is the harness's own reading of the public
// material (/work/shared/protocols-public.md); the URL paths of opencps and
// rest are not published and are unverified.
//
//   - envelope: POST /api/session, then POST /api/service with
//     {session, madonvi, service, …}; every reply {error_code, message,
//     session, result}, TraCuuHoSo's result an object.
//   - opencps (VietOpenCPS/opencps-v2, DVCQGIntegrationActionImpl): a
//     session from adapter_url + auth_endpoint, writes to
//     adapter_url + integration_endpoint and reads to
//     adapter_url + share_endpoint, all {session, madonvi, service, …} with
//     the dstcode header; TraCuuHoSo by "mahoso" answers result as an
//     array (found ⇔ length > 0); LayThuTuc and LayDanhSachTTHC answer
//     upper-case keys.
//   - rest: one URL per operation under /api/SynsTTHCC/ (the path a Hà
//     Giang system posts DongBoHoSoMC?MaDinhDanhDV=…&isUpdating=True to),
//     bare JSON arrays as request bodies, the session in a "session"
//     header, reads answering a bare array; errors and write
//     acknowledgements are {error_code, message}.
const (
	opencpsAuthPath        = "/adapter/auth"        // auth_endpoint: unverified path
	opencpsIntegrationPath = "/adapter/integration" // integration_endpoint: unverified path
	opencpsSharePath       = "/adapter/share"       // share_endpoint: unverified path
	restPrefix             = "/api/SynsTTHCC/"      // seen in a Hà Giang system
	restLoginPath          = restPrefix + "Login"   // unverified
)

// DialectError says the portal does not speak the client's dialect: a URL
// it does not serve, or an answer of another shape.
type DialectError struct {
	Dialect string // the client's
	Service string
	Seen    string // what came back instead
}

func (e *DialectError) Error() string {
	return fmt.Sprintf("dvcqg: the answer is not in dialect %s (%s: %s)", e.Dialect, e.Service, e.Seen)
}

// query is one service call before a dialect shapes it.
type query struct {
	service string
	fields  map[string]any // envelope and opencps: the body beside session, madonvi, service
	// rest: the method, the query beside MaDinhDanhDV, the bare body (nil:
	// none), and whether success is a bare array rather than {error_code}.
	method string
	params url.Values
	body   any
	bare   bool
}

// dialectSpec is how one dialect logs in and sends a query.
type dialectSpec struct {
	loginPath string
	send      func(ctx context.Context, c *Client, session string, q query) (json.RawMessage, error)
}

func (c *Client) dialect() (dialectSpec, error) {
	switch c.dialectName() {
	case vocab.DialectDVCQGEnvelope:
		return dialectSpec{loginPath: "/api/session", send: sendEnvelope}, nil
	case vocab.DialectDVCQGOpenCPS:
		return dialectSpec{loginPath: opencpsAuthPath, send: sendOpenCPS}, nil
	case vocab.DialectDVCQGRest:
		return dialectSpec{loginPath: restLoginPath, send: sendRest}, nil
	}
	return dialectSpec{}, fmt.Errorf("dvcqg: unknown dialect %q (want one of %v)", c.Dialect, vocab.Dialects[vocab.SystemDVCQG])
}

func (c *Client) envelopeBody(session string, q query) map[string]any {
	body := map[string]any{"session": session, "madonvi": c.AgencyID, "service": q.service}
	for k, v := range q.fields {
		body[k] = v
	}
	return body
}

func sendEnvelope(ctx context.Context, c *Client, session string, q query) (json.RawMessage, error) {
	r, err := c.post(ctx, "/api/service", q.service, nil, c.envelopeBody(session, q))
	if err != nil {
		return nil, err
	}
	return r.Result, nil
}

func sendOpenCPS(ctx context.Context, c *Client, session string, q query) (json.RawMessage, error) {
	path := opencpsSharePath
	if q.service == ServiceSync || q.service == ServiceProgress {
		path = opencpsIntegrationPath
	}
	// OpenCPS sends the dstcode header on every call, not only at login.
	r, err := c.post(ctx, path, q.service, map[string]string{"dstcode": c.DstCode}, c.envelopeBody(session, q))
	if err != nil {
		return nil, err
	}
	return r.Result, nil
}

func sendRest(ctx context.Context, c *Client, session string, q query) (json.RawMessage, error) {
	params := url.Values{"MaDinhDanhDV": {c.AgencyID}}
	for k, v := range q.params {
		params[k] = v
	}
	raw, err := c.exchange(ctx, q.method, restPrefix+q.service, params, q.service, map[string]string{"session": session}, q.body)
	if err != nil {
		return nil, err
	}
	switch t := bytes.TrimSpace(raw); {
	case len(t) > 0 && t[0] == '[':
		if !q.bare {
			return nil, &DialectError{Dialect: c.dialectName(), Service: q.service, Seen: "a bare array where rest acknowledges {error_code, message}: " + snippet(raw)}
		}
		return t, nil
	case len(t) > 0 && t[0] == '{':
		r, err := decodeReply(q.service, raw)
		if err != nil {
			return nil, err
		}
		if q.bare {
			return nil, &DialectError{Dialect: c.dialectName(), Service: q.service, Seen: "an {error_code: 0} object where rest answers a bare array: " + snippet(raw)}
		}
		return r.Result, nil
	}
	return nil, fmt.Errorf("dvcqg %s: decode reply: neither an array nor an object: %s", q.service, snippet(raw))
}

// decodeArray reads a result that the dialect answers as a JSON array.
func (c *Client) decodeArray(service string, raw json.RawMessage, out any) error {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '[' {
		seen := "no result"
		if len(t) > 0 {
			seen = "result " + snippet(t)
		}
		return &DialectError{Dialect: c.dialectName(), Service: service, Seen: seen + ", want an array"}
	}
	if err := json.Unmarshal(t, out); err != nil {
		return fmt.Errorf("dvcqg %s: decode result: %w", service, err)
	}
	return nil
}

// notFound is the client's reading of an empty lookup array: the same
// *Error the envelope dialect answers, so suites stay dialect-agnostic.
func notFound(service, code string) error {
	return &Error{Service: service, Code: CodeFailed, Message: fmt.Sprintf("%s %s (empty result)", MessageNotFound, code)}
}
