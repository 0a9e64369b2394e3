package browser

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// CaptureRedirect opens startURL and waits, up to wait, for the page to be
// sent to a URL under prefix — a login a person completes by hand, ending
// at the client's redirect URI. The request to prefix is stopped before it
// leaves the browser (whoever serves it would redeem the code first) and
// its URL returned.
func (t *Tab) CaptureRedirect(ctx context.Context, startURL, prefix string, wait time.Duration) (string, error) {
	paused := make(chan *fetch.EventRequestPaused, 1)
	// Listen's fn runs in the tab's read loop: hand the event over, never
	// run a command there.
	if err := chromedp.Listen(t.ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			select {
			case paused <- e:
			default:
			}
		}
	}); err != nil {
		return "", fmt.Errorf("browser: listen: %w", err)
	}
	start, cancel := context.WithTimeout(t.ctx, t.timeout)
	defer cancel()
	if _, err := chromedp.Call(start, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: prefix + "*"}}}); err != nil {
		return "", fmt.Errorf("browser: intercept %s: %w", prefix, err)
	}
	// Navigate returns once the first page loaded; the person then takes
	// as long as they need, up to wait.
	if _, err := chromedp.Run(start, chromedp.Navigate(startURL)); err != nil {
		return "", fmt.Errorf("browser: open %s: %w", startURL, err)
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case e := <-paused:
		stop, cancel := context.WithTimeout(t.ctx, t.timeout)
		defer cancel()
		_, _ = chromedp.Call(stop, fetch.FailRequest, fetch.FailRequestParams{RequestID: e.RequestID, ErrorReason: network.ErrorReasonAborted})
		return e.Request.URL, nil
	case <-timer.C:
		return "", fmt.Errorf("browser: the login did not reach %s within %s", prefix, wait)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Cookies are the browser's cookies for the URLs.
func (t *Tab) Cookies(urls ...string) ([]*network.Cookie, error) {
	ctx, cancel := context.WithTimeout(t.ctx, t.timeout)
	defer cancel()
	r, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: urls})
	if err != nil {
		return nil, fmt.Errorf("browser: cookies: %w", err)
	}
	return r.Cookies, nil
}
