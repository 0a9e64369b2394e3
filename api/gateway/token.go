package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// tokenCall is one token fetch in flight; concurrent callers wait for it
// rather than each asking the gateway (the suites fan out lookups).
type tokenCall struct {
	done  chan struct{}
	token string
	err   error
}

// renewBefore is how long before expiry a cached token is replaced, so a
// token never expires between Token and the request that uses it.
const renewBefore = time.Minute

// Token returns a client-credentials access token, cached until one minute
// before it expires. Safe for concurrent use: one fetch serves all waiters.
func (c *Client) Token(ctx context.Context) (string, error) {
	for {
		c.mu.Lock()
		if c.token != "" && time.Now().Before(c.renewAt) {
			tok := c.token
			c.mu.Unlock()
			return tok, nil
		}
		call := c.pending
		if call == nil {
			call = &tokenCall{done: make(chan struct{})}
			c.pending = call
			c.mu.Unlock()

			start := time.Now()
			tok, ttl, err := c.fetchToken(ctx)
			c.mu.Lock()
			if err == nil {
				c.token, c.renewAt = tok, start.Add(ttl-renewBefore)
			}
			c.pending = nil
			call.token, call.err = tok, err
			c.mu.Unlock()
			close(call.done)
			return tok, err
		}
		c.mu.Unlock()

		select {
		case <-call.done:
			// The fetcher's own context ending says nothing about ours: try again.
			if errors.Is(call.err, context.Canceled) || errors.Is(call.err, context.DeadlineExceeded) {
				continue
			}
			return call.token, call.err
		case <-ctx.Done():
			return "", fmt.Errorf("gateway token: %w", ctx.Err())
		}
	}
}

// dropToken forgets tok if it is still the cached one, after the gateway
// refused it (e.g. the world was restarted and forgot its tokens).
func (c *Client) dropToken(tok string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == tok {
		c.token, c.renewAt = "", time.Time{}
	}
}

func (c *Client) fetchToken(ctx context.Context) (string, time.Duration, error) {
	const op = "token"
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url("/oauth/token"), strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, fmt.Errorf("gateway %s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// RFC 6749 §2.3.1: credentials are form-encoded before going into Basic.
	req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret))
	var tr TokenResponse
	if err := c.send(req, op, &tr); err != nil {
		return "", 0, err
	}
	if tr.AccessToken == "" || !strings.EqualFold(tr.TokenType, "Bearer") {
		return "", 0, fmt.Errorf("gateway %s: answer without a Bearer access_token (token_type %q)", op, tr.TokenType)
	}
	return tr.AccessToken, time.Duration(tr.ExpiresIn) * time.Second, nil
}
