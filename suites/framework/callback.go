package framework

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/dvcqa/dvcqa/api/payment"
)

// CallbackAnswer is the portal's answer to a payment confirmation.
type CallbackAnswer struct {
	Status int
	MaLoi  string
}

// PostPaymentCallback sends a payment platform confirmation to the portal,
// as the platform would; specs use it to try forged and replayed callbacks.
func (e *Env) PostPaymentCallback(ctx context.Context, cb payment.Callback) (*CallbackAnswer, error) {
	body, err := e.Payment.CallbackBody(cb) // in the platform's dialect
	if err != nil {
		return nil, fmt.Errorf("payment callback: %w", err)
	}
	url := strings.TrimRight(e.Target.URLs.Portal, "/") + "/api/v1/payment/callback"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("payment callback: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("payment callback to portal: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	ans := &CallbackAnswer{Status: resp.StatusCode}
	var parsed struct{ MaLoi string }
	if json.Unmarshal(raw, &parsed) == nil {
		ans.MaLoi = parsed.MaLoi
	}
	return ans, nil
}
