package payment

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/internal/netreason"
	"github.com/dvcqa/dvcqa/vocab"
)

// Client talks to the platform as one partner (a portal).
type Client struct {
	BaseURL     string // e.g. "http://127.0.0.1:41234/payment"
	PartnerCode string // MaDoiTac
	Secret      string
	// Dialect is how the platform speaks (vocab.Dialects["payment"]:
	// dvcqa, published); "" = dvcqa. The answers are the same types either way.
	Dialect string
	// TokenSecret is the partner's password at the published dialect's
	// token endpoint; "" = Secret (unverified: a real platform may issue
	// separate credentials).
	TokenSecret string
	HTTP        *http.Client     // nil: a client with a 10 s timeout
	Now         func() time.Time // ThoiGianGD of published requests; nil: time.Now
}

// Error is an answer whose MaLoi is not "00".
type Error struct {
	Status  int // HTTP status
	MaLoi   string
	MoTaLoi string
}

func (e *Error) Error() string {
	return fmt.Sprintf("payment: HTTP %d: MaLoi %s: %s", e.Status, e.MaLoi, e.MoTaLoi)
}

var defaultHTTP = &http.Client{Timeout: 10 * time.Second}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

// Init opens (or, for a known reference, finds) a transaction. LoaiBanTin,
// MaDoiTac and MaTienTe are filled when empty; the request is signed.
func (c *Client) Init(ctx context.Context, req InitRequest) (*InitResponse, error) {
	if req.LoaiBanTin == "" {
		req.LoaiBanTin = MsgInit
	}
	if req.MaDoiTac == "" {
		req.MaDoiTac = c.PartnerCode
	}
	if req.MaTienTe == "" {
		req.MaTienTe = "VND"
	}
	if c.published() {
		return c.initPublished(ctx, req)
	}
	req.Sign(c.Secret)
	var out InitResponse
	if err := c.send(ctx, req.LoaiBanTin, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Query reads the state of the transaction of a reference.
func (c *Client) Query(ctx context.Context, ref string) (*QueryResponse, error) {
	if c.published() {
		b, err := c.queryPublished(ctx, MsgQuery, ref)
		if err != nil {
			return nil, err
		}
		return &b.QueryResponse, nil
	}
	var out QueryResponse
	if err := c.send(ctx, MsgQuery, c.refRequest(MsgQuery, ref), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Bill reads the state and the receipt of a reference (GET_BILL).
func (c *Client) Bill(ctx context.Context, ref string) (*BillResponse, error) {
	if c.published() {
		return c.queryPublished(ctx, MsgGetBill, ref)
	}
	var out BillResponse
	if err := c.send(ctx, MsgGetBill, c.refRequest(MsgGetBill, ref), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) refRequest(msg, ref string) QueryRequest {
	r := QueryRequest{LoaiBanTin: msg, MaDoiTac: c.PartnerCode, MaThamChieu: ref}
	r.Sign(c.Secret)
	return r
}

// send posts one message to /api/v1/thanhtoan and decodes the answer into
// out; any MaLoi but "00" is an *Error, whatever the HTTP status.
func (c *Client) send(ctx context.Context, msg string, body, out any) error {
	code, raw, err := c.post(ctx, msg, "", body)
	if err != nil {
		return err
	}
	var status struct{ MaLoi, MoTaLoi string }
	if err := netreason.Decode(raw, &status); err != nil {
		return fmt.Errorf("payment %s: HTTP %d: answer is not JSON: %w", msg, code, err)
	}
	if status.MaLoi == "" && looksPublished(raw) {
		return &DialectError{Want: c.dialect(), Got: vocab.DialectPaymentPublished, Detail: fmt.Sprintf("%s answered HTTP %d with an error_code/message envelope: %s", msg, code, snippet(raw))}
	}
	if status.MaLoi != CodeOK || code/100 != 2 {
		return &Error{Status: code, MaLoi: status.MaLoi, MoTaLoi: status.MoTaLoi}
	}
	if err := netreason.Decode(raw, out); err != nil {
		return fmt.Errorf("payment %s: decode answer: %w", msg, err)
	}
	return nil
}

// post sends one message to /api/v1/thanhtoan (with a bearer token when
// tok is set) and returns the HTTP status and the answer, checked to be
// JSON.
func (c *Client) post(ctx context.Context, msg, tok string, body any) (int, []byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, nil, fmt.Errorf("payment %s: encode: %w", msg, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.BaseURL, "/")+"/api/v1/thanhtoan", bytes.NewReader(b))
	if err != nil {
		return 0, nil, fmt.Errorf("payment %s: %w", msg, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("payment %s: %w", msg, err)
	}
	defer resp.Body.Close()
	raw, err := netreason.ReadBody(resp.Body, 4<<20)
	if err != nil {
		return 0, nil, fmt.Errorf("payment %s: read answer: %w", msg, err)
	}
	if err := netreason.CheckJSONType(resp.Header.Get("Content-Type"), raw); err != nil {
		return 0, nil, fmt.Errorf("payment %s: HTTP %d: answer is not JSON: %w", msg, resp.StatusCode, err)
	}
	return resp.StatusCode, raw, nil
}

// snippet keeps error messages short when a server answers with a page.
func snippet(b []byte) string {
	const max = 200
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
