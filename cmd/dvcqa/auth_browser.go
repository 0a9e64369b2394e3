package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/suites/framework/browser"
)

// saveInBrowser is auth save --browser: the SSO's login opens in Chromium
// — a window on this machine, or a remote browser the person sees — and
// the person logs in as real citizens do (the VNeID app, a second
// factor). When the login is sent to the redirect URI, that request is
// stopped in the browser (the portal would redeem the code first), the
// code redeemed and the tokens verified here, and the SSO's persistent
// cookies kept as the session.
func saveInBrowser(ctx context.Context, t *fixtures.Target, c *sso.Client, redirect, remote string, wait time.Duration) (*sso.Session, error) {
	p, err := c.StartLogin(ctx)
	if err != nil {
		return nil, err
	}
	o := browser.Options{Visible: remote == "", RemoteURL: remote}
	if remote == "" {
		if o.TrustSPKI, err = framework.BrowserSPKIPins(t); err != nil {
			return nil, err
		}
	}
	b, err := browser.Start(ctx, o)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	tab, err := b.NewTab(ctx)
	if err != nil {
		return nil, err
	}
	defer tab.Close()
	raw, err := tab.CaptureRedirect(ctx, p.URL, redirect, wait)
	if err != nil {
		return nil, err
	}
	callback, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("redirect %q: %w", raw, err)
	}
	toks, err := c.FinishLogin(ctx, p, callback)
	if err != nil {
		return nil, err
	}
	id, err := sso.Subject(toks.IDToken)
	if err != nil {
		return nil, err
	}
	// The SSO's cookies, whatever path under the issuer they were set for.
	cookies, err := tab.Cookies(p.URL, strings.TrimRight(c.Issuer, "/")+"/")
	if err != nil {
		return nil, err
	}
	var kept []sso.SessionCookie
	for _, ck := range cookies {
		sc := sso.SessionCookie{Name: ck.Name, Value: ck.Value, Path: ck.Path}
		if ck.Expires > 0 {
			sc.Expires = time.Unix(int64(ck.Expires), 0).UTC()
		}
		kept = append(kept, sc)
	}
	return sso.BrowserSession(c.Issuer, c.ClientID, id, kept)
}
