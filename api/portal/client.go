package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/internal/netreason"
)

// Client calls one provincial portal. Token is the citizen's SSO ID token,
// sent as a bearer token; calls that need no login ignore it.
type Client struct {
	BaseURL string       // e.g. http://127.0.0.1:41234/portal/01
	Token   string       // ID token; "" sends no Authorization header
	HTTP    *http.Client // nil: a client with a 10 s timeout
}

var defaultHTTP = &http.Client{Timeout: 10 * time.Second}

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 8 << 20

// WithToken returns a copy of c that authenticates with tok.
func (c *Client) WithToken(tok string) *Client {
	cp := *c
	cp.Token = tok
	return &cp
}

// Health reads GET /healthz.
func (c *Client) Health(ctx context.Context) (*Health, error) {
	var h Health
	if _, err := c.do(ctx, "health", http.MethodGet, "/healthz", nil, "", nil, &h); err != nil {
		return nil, err
	}
	return &h, nil
}

// Services lists the catalog.
func (c *Client) Services(ctx context.Context) ([]Service, error) {
	var s Services
	if _, err := c.do(ctx, "services", http.MethodGet, "/api/v1/services", nil, "", nil, &s); err != nil {
		return nil, err
	}
	return s.Services, nil
}

// Service reads one catalog entry.
func (c *Client) Service(ctx context.Context, id string) (*Service, error) {
	var s Service
	if _, err := c.do(ctx, "service "+id, http.MethodGet, "/api/v1/services/"+url.PathEscape(id), nil, "", nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Form reads a service's form, prefilled for the token's citizen.
func (c *Client) Form(ctx context.Context, serviceID string) (*Form, error) {
	var f Form
	path := "/api/v1/services/" + url.PathEscape(serviceID) + "/form"
	if _, err := c.do(ctx, "form "+serviceID, http.MethodGet, path, nil, "", nil, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// UploadAttachment uploads one file as attachment type typ. contentType is
// the declared type of the file part; the portal also sniffs the bytes.
func (c *Client) UploadAttachment(ctx context.Context, typ, filename, contentType string, data []byte) (*Attachment, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("type", typ); err != nil {
		return nil, fmt.Errorf("portal upload: %w", err)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", formDataDisposition("file", filename))
	h.Set("Content-Type", contentType)
	part, err := mw.CreatePart(h)
	if err != nil {
		return nil, fmt.Errorf("portal upload: %w", err)
	}
	if _, err := part.Write(data); err != nil {
		return nil, fmt.Errorf("portal upload: %w", err)
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("portal upload: %w", err)
	}
	var a Attachment
	if _, err := c.do(ctx, "upload "+typ, http.MethodPost, "/api/v1/attachments", &buf, mw.FormDataContentType(), nil, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// formDataDisposition builds a form-data Content-Disposition, escaping quotes the
// way mime/multipart does for its own CreateFormFile.
func formDataDisposition(field, filename string) string {
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return fmt.Sprintf(`form-data; name="%s"; filename="%s"`, esc.Replace(field), esc.Replace(filename))
}

// Submit creates a dossier. Sending the same idempotencyKey and request
// again returns the same dossier with replayed true.
func (c *Client) Submit(ctx context.Context, idempotencyKey string, req SubmitRequest) (d *Dossier, replayed bool, err error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, false, fmt.Errorf("portal submit: %w", err)
	}
	hdr := http.Header{}
	if idempotencyKey != "" {
		hdr.Set(HeaderIdempotencyKey, idempotencyKey)
	}
	var out Dossier
	resp, err := c.do(ctx, "submit", http.MethodPost, "/api/v1/dossiers", bytes.NewReader(body), "application/json", hdr, &out)
	if err != nil {
		return nil, false, err
	}
	return &out, resp.Header.Get(HeaderReplayed) == "true", nil
}

// Dossier reads one of the citizen's dossiers by id.
func (c *Client) Dossier(ctx context.Context, id string) (*Dossier, error) {
	var d Dossier
	if _, err := c.do(ctx, "dossier "+id, http.MethodGet, "/api/v1/dossiers/"+url.PathEscape(id), nil, "", nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Dossiers lists the citizen's dossiers, oldest first.
func (c *Client) Dossiers(ctx context.Context) ([]Dossier, error) {
	var ds Dossiers
	if _, err := c.do(ctx, "dossiers", http.MethodGet, "/api/v1/dossiers", nil, "", nil, &ds); err != nil {
		return nil, err
	}
	return ds.Dossiers, nil
}

// StartPayment asks the portal to open a payment for a dossier's fee.
func (c *Client) StartPayment(ctx context.Context, dossierID string) (*PaymentStart, error) {
	var p PaymentStart
	path := "/api/v1/dossiers/" + url.PathEscape(dossierID) + "/payment"
	if _, err := c.do(ctx, "payment "+dossierID, http.MethodPost, path, nil, "", nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Withdraw withdraws the citizen's dossier (rút hồ sơ) and returns it,
// withdrawn. A portal refuses it once processing has finished: an
// *APIError with status 409 and code CodeNotWithdrawable, its message
// saying why (see IsNotWithdrawable).
func (c *Client) Withdraw(ctx context.Context, dossierID string) (*Dossier, error) {
	var d Dossier
	path := "/api/v1/dossiers/" + url.PathEscape(dossierID) + "/withdraw"
	if _, err := c.do(ctx, "withdraw "+dossierID, http.MethodPost, path, nil, "", nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Result reads a delivered dossier's signed result PDF; 404 (IsNotFound)
// until it is delivered. Check it with resultpdf.VerifyResultPDF.
func (c *Client) Result(ctx context.Context, dossierID string) (*Result, error) {
	var r Result
	path := "/api/v1/dossiers/" + url.PathEscape(dossierID) + "/result"
	if _, err := c.do(ctx, "result "+dossierID, http.MethodGet, path, nil, "", nil, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// CA returns the PEM root certificate the portal says certifies its result
// signers. The harness never trusts it: it pins the CA out of band
// (portal.result_ca_file); this is for people comparing the two.
func (c *Client) CA(ctx context.Context) ([]byte, error) {
	var raw rawBody
	if _, err := c.do(ctx, "ca", http.MethodGet, "/api/v1/trust/ca.pem", nil, "", nil, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// Time reads the portal's clock (real time; each dossier keeps its own compressed timeline).
func (c *Client) Time(ctx context.Context) (time.Time, error) {
	var t Time
	if _, err := c.do(ctx, "time", http.MethodGet, "/api/v1/time", nil, "", nil, &t); err != nil {
		return time.Time{}, err
	}
	return t.Now, nil
}

// rawBody receives an answer that is not JSON.
type rawBody []byte

// do sends one request and decodes a 2xx answer into out (JSON, or the raw
// bytes for *rawBody); any other status becomes an *APIError.
func (c *Client) do(ctx context.Context, op, method, path string, body io.Reader, contentType string, hdr http.Header, out any) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, body)
	if err != nil {
		return nil, fmt.Errorf("portal %s: %w", op, err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("portal %s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := netreason.ReadBody(resp.Body, maxAnswer)
	if err != nil {
		return nil, fmt.Errorf("portal %s: read answer: %w", op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		ae := decodeError(resp.StatusCode, data)
		ae.Authenticate = resp.Header.Get("WWW-Authenticate")
		return nil, ae
	}
	if raw, ok := out.(*rawBody); ok {
		*raw = data
		return resp, nil
	}
	if err := netreason.CheckJSONType(resp.Header.Get("Content-Type"), data); err != nil {
		return nil, fmt.Errorf("portal %s: decode answer (%d bytes): %w", op, len(data), err)
	}
	if err := netreason.Decode(data, out); err != nil {
		return nil, fmt.Errorf("portal %s: decode answer (%d bytes): %w", op, len(data), err)
	}
	return resp, nil
}

// decodeError turns an error answer into an *APIError; a body that is not
// the contract's error JSON is kept (shortened) as the message.
func decodeError(status int, data []byte) *APIError {
	var eb ErrorBody
	if err := json.Unmarshal(data, &eb); err == nil && eb.Error.Code != "" {
		eb.Error.Status = status
		return &eb.Error
	}
	msg := strings.TrimSpace(string(data))
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return &APIError{Status: status, Code: "http_" + fmt.Sprint(status), Message: msg}
}
