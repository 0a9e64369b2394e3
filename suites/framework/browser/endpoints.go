package browser

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/chromedp/chromedp/remote"
)

// ParseEndpoints splits a list of remote browsers' DevTools endpoints, as
// DVCQA_BROWSER_URL or a profile gives it, separated by commas or spaces:
//   - http://host:port — a Chromium started with --remote-debugging-port
//     (its ws address is read from /json/version);
//   - ws://…/devtools/browser/<id> — the address such a Chromium prints;
//   - any other ws:// or wss:// URL — a browserless-style service
//     (ws://host:3000?token=…) or Selenium Grid 4's CDP endpoint
//     (ws://grid:4444/session/<id>/se/cdp), used as it is.
func ParseEndpoints(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

// dialTimeout bounds the connection to a remote endpoint, so that a dead
// one is taken out in seconds rather than hanging a spec.
const dialTimeout = 10 * time.Second

// remoteAllocator attaches to one endpoint. A ws URL is used as it is:
// chromedp would otherwise replace its path with /json/version, which a
// browserless service or a Selenium Grid session does not serve.
func remoteAllocator(parent context.Context, endpoint string) (context.Context, context.CancelFunc) {
	opts := []remote.Option{remote.WithDialTimeout(dialTimeout)}
	if u, err := url.Parse(endpoint); err == nil && (u.Scheme == "ws" || u.Scheme == "wss") {
		opts = append(opts, remote.NoModifyURL)
	}
	return remote.NewAllocator(parent, endpoint, opts...)
}

// Lost reports whether the connection to a remote browser dropped (the
// endpoint died, or its websocket closed) before Close.
func (b *Browser) Lost() bool {
	if !b.Remote() || b.ctx.Err() == nil {
		return false
	}
	select {
	case <-b.closed:
		return false
	default:
		return true
	}
}

// Endpoint is the remote endpoint the browser is attached to ("" local).
func (b *Browser) Endpoint() string { return b.opts.RemoteURL }
