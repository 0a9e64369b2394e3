package browser

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// StorageState is a tab's logged-in state, as Playwright's storage state
// is: the cookies of its browser context (the portals here keep their
// session, and the SSO its own, in cookies). Setting it on a fresh tab
// takes a few ms where logging in through the SSO pages takes three page
// loads. It holds session secrets: never log or save it.
type StorageState struct {
	cookies []*network.Cookie
}

// StorageState reads the cookies of the tab's browser context.
func (t *Tab) StorageState() (*StorageState, error) {
	id, err := t.browserContextID()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(t.ctx, t.timeout)
	defer cancel()
	res, err := chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{BrowserContextID: id})
	if err != nil {
		return nil, fmt.Errorf("browser: read the tab's cookies: %w", err)
	}
	return &StorageState{cookies: res.Cookies}, nil
}

// SetStorageState puts s's cookies into the tab's browser context, before
// the tab's next navigation.
func (t *Tab) SetStorageState(s *StorageState) error {
	id, err := t.browserContextID()
	if err != nil {
		return err
	}
	params := make([]*network.CookieParam, 0, len(s.cookies))
	for _, c := range s.cookies {
		params = append(params, cookieParam(c))
	}
	ctx, cancel := context.WithTimeout(t.ctx, t.timeout)
	defer cancel()
	if _, err := chromedp.CallBrowser(ctx, storage.SetCookies, storage.SetCookiesParams{Cookies: params, BrowserContextID: id}); err != nil {
		return fmt.Errorf("browser: set the saved cookies: %w", err)
	}
	return nil
}

func (t *Tab) browserContextID() (cdp.BrowserContextID, error) {
	if c := chromedp.FromContext(t.ctx); c != nil && c.BrowserContextID != "" {
		return c.BrowserContextID, nil
	}
	return "", fmt.Errorf("browser: the tab has no browser context of its own")
}

// cookieParam turns a read cookie back into one to set. A host-only cookie
// (no leading dot) is set by URL, so that it stays host-only.
func cookieParam(c *network.Cookie) *network.CookieParam {
	p := &network.CookieParam{Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure, HTTPOnly: c.HTTPOnly,
		SameSite: c.SameSite, Priority: c.Priority, PartitionKey: c.PartitionKey}
	if strings.HasPrefix(c.Domain, ".") {
		p.Domain = c.Domain
	} else {
		scheme := "http"
		if c.Secure {
			scheme = "https"
		}
		host := c.Domain
		if c.SourcePort > 0 && c.SourcePort != 80 && c.SourcePort != 443 {
			host = fmt.Sprintf("%s:%d", host, c.SourcePort)
		}
		p.URL = scheme + "://" + host + c.Path
	}
	if !c.Session && c.Expires > 0 {
		p.Expires = cdp.TimeSinceEpoch(c.Expires)
	}
	return p
}

// Logins keeps the storage states of logged-in citizens for the specs of
// one process, keyed by portal and account (see Portal.LoginReusing).
type Logins struct {
	mu sync.Mutex
	m  map[string]*StorageState
}

// SavedLogins are this process's.
var SavedLogins = &Logins{}

func (l *Logins) get(key string) *StorageState {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.m[key]
}

func (l *Logins) put(key string, s *StorageState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*StorageState{}
	}
	l.m[key] = s
}

func (l *Logins) drop(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m, key)
}
