package sso

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/dvcqa/dvcqa/internal/netreason"
)

// Login signs in as a citizen the way a browser would, over plain HTTP:
// authorize (state, nonce, PKCE S256) → the provider's login form → the
// redirect to RedirectURI (read, never fetched) → code exchange → ID token
// verification including the nonce.
func (c *Client) Login(ctx context.Context, username, password string) (*Tokens, error) {
	if c.ClientID == "" || c.RedirectURI == "" {
		return nil, errors.New("sso login: Client.ClientID and Client.RedirectURI are required")
	}
	d, err := c.Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("sso login: %w", err)
	}
	authURL, state, nonce, verifier := c.loginURL(d)

	b, err := c.newBrowser()
	if err != nil {
		return nil, err
	}
	callback, err := b.signIn(ctx, authURL, c.usernameField(), username, c.passwordField(), password)
	if err != nil {
		return nil, err
	}
	code, err := codeFrom(callback, state, d.Issuer)
	if err != nil {
		return nil, err
	}
	return c.exchange(ctx, d, code, nonce, verifier)
}

// exchange redeems a login's code (with its PKCE verifier, "" = none) and
// verifies the tokens, the nonce included.
func (c *Client) exchange(ctx context.Context, d *Discovery, code, nonce, verifier string) (*Tokens, error) {
	var opts []oauth2.AuthCodeOption
	if verifier != "" {
		opts = append(opts, oauth2.VerifierOption(verifier))
	}
	tok, err := c.oauthConfig(d).Exchange(c.oauthContext(ctx), code, opts...)
	if err != nil {
		return nil, fmt.Errorf("sso login: exchange code: %w", err)
	}
	t, err := c.checkTokens(ctx, d, tok, nonce, true)
	if err != nil {
		return nil, fmt.Errorf("sso login: %w", err)
	}
	return t, nil
}

// loginURL is the authorization request of a login: state and nonce,
// PKCE S256 when the client uses it (verifier "" otherwise), acr_values
// when set.
func (c *Client) loginURL(d *Discovery) (authURL, state, nonce, verifier string) {
	state, nonce = rand.Text(), rand.Text()
	opts := []oauth2.AuthCodeOption{oidc.Nonce(nonce)}
	if c.usesPKCE() {
		verifier = oauth2.GenerateVerifier()
		opts = append(opts, oauth2.S256ChallengeOption(verifier))
	}
	if c.ACRValues != "" {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", c.ACRValues))
	}
	return c.oauthConfig(d).AuthCodeURL(state, opts...), state, nonce, verifier
}

// browser is a cookie-keeping HTTP client that follows redirects inside the
// provider but stops at the first redirect to the client's redirect URI.
type browser struct {
	hc *http.Client
	// extra are form fields set when the login form has them (e.g. "remember
	// me" when saving a session).
	extra url.Values
}

const maxRedirects = 10

func (c *Client) newBrowser() (*browser, error) {
	cb, err := url.Parse(c.RedirectURI)
	if err != nil || cb.Host == "" {
		return nil, fmt.Errorf("sso login: RedirectURI %q is not an absolute URL", c.RedirectURI)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, fmt.Errorf("sso login: cookie jar: %w", err)
	}
	hc := *c.httpClient() // copy: keep its transport and timeout, not its jar or redirect policy
	hc.Jar = jar
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if isCallback(req.URL, cb) {
			return http.ErrUseLastResponse
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return nil
	}
	return &browser{hc: &hc}, nil
}

func isCallback(u, cb *url.URL) bool {
	return strings.EqualFold(u.Scheme, cb.Scheme) && strings.EqualFold(u.Host, cb.Host) && u.Path == cb.Path
}

// page is a fetched response: status, final URL, body and, for a redirect
// to the callback, its target.
type page struct {
	status   int
	url      *url.URL
	body     []byte
	callback *url.URL
}

func (b *browser) do(req *http.Request) (*page, error) {
	resp, err := b.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	final := req.URL // where redirects ended; transports set resp.Request
	if resp.Request != nil {
		final = resp.Request.URL
	}
	body, err := netreason.ReadBody(resp.Body, maxBody)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", final, err)
	}
	p := &page{status: resp.StatusCode, url: final, body: body}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		loc, err := resp.Location()
		if err != nil {
			return nil, fmt.Errorf("redirect from %s: %w", p.url, err)
		}
		p.callback = loc
	}
	return p, nil
}

// signIn fetches the authorize URL, fills in the login form and returns the
// redirect URI the provider sends the browser to.
func (b *browser) signIn(ctx context.Context, authURL, userField, username, passField, password string) (*url.URL, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, fmt.Errorf("sso login: %w", err)
	}
	return b.signInFrom(ctx, req, userField, username, passField, password)
}

// signInFrom is signIn from an authorization request already built (a GET
// of the authorize URL, or a POST of its parameters).
func (b *browser) signInFrom(ctx context.Context, req *http.Request, userField, username, passField, password string) (*url.URL, error) {
	p, err := b.do(req)
	if err != nil {
		return nil, fmt.Errorf("sso login: authorize: %w", err)
	}
	if p.callback != nil { // an error, or a session that needs no form
		return p.callback, nil
	}
	doc := parsePage(p.body)
	if p.status != http.StatusOK {
		return nil, fmt.Errorf("sso login: authorize: status %d: %s", p.status, orDefault(pageMessage(doc), snippet(p.body)))
	}
	form := findLoginForm(doc, p.url)
	if form == nil {
		return nil, fmt.Errorf("sso login: no login form on page %s", p.url)
	}
	for _, f := range []string{userField, passField} {
		if !form.has(f) {
			return nil, fmt.Errorf("sso login: login form on page %s has no field %q", p.url, f)
		}
	}
	form.fields.Set(userField, username)
	form.fields.Set(passField, password)
	for k, v := range b.extra {
		if form.has(k) {
			form.fields[k] = v
		}
	}

	req, err = http.NewRequestWithContext(ctx, http.MethodPost, form.action.String(), strings.NewReader(form.fields.Encode()))
	if err != nil {
		return nil, fmt.Errorf("sso login: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", p.url.String())
	p, err = b.do(req)
	if err != nil {
		return nil, fmt.Errorf("sso login: submit login form: %w", err)
	}
	if p.callback != nil {
		return p.callback, nil
	}
	doc = parsePage(p.body)
	msg := orDefault(pageMessage(doc), snippet(p.body))
	if p.status == http.StatusUnauthorized || p.status == http.StatusForbidden ||
		(p.status == http.StatusOK && findLoginForm(doc, p.url) != nil) {
		return nil, &CredentialsError{Status: p.status, Message: msg}
	}
	return nil, fmt.Errorf("sso login: submit login form to %s: status %d: %s", form.action, p.status, msg)
}

// codeFrom reads the authorization response (RFC 6749 §4.1.2) from the
// redirect to the callback. An iss parameter (RFC 9207) must be the issuer.
func codeFrom(callback *url.URL, state, issuer string) (string, error) {
	q := callback.Query()
	if iss := q.Get("iss"); iss != "" && iss != issuer {
		return "", fmt.Errorf("sso login: redirect names issuer %q, expected %q", iss, issuer)
	}
	if e := q.Get("error"); e != "" {
		return "", fmt.Errorf("sso login: provider refused: %s: %s", e, q.Get("error_description"))
	}
	if q.Get("state") != state {
		return "", fmt.Errorf("sso login: redirect has state %q, expected the one sent", q.Get("state"))
	}
	code := q.Get("code")
	if code == "" {
		return "", errors.New("sso login: redirect lacks code")
	}
	return code, nil
}

// CredentialsError is the provider's answer that the username or password
// is wrong: a 401 or 403 page, or the login form shown again. Negative specs
// tell it apart from an unreachable provider or a broken page with errors.As.
type CredentialsError struct {
	Status  int    // HTTP status of the page that answered the login form
	Message string // the message the page shows the user
}

func (e *CredentialsError) Error() string {
	return fmt.Sprintf("sso login: credentials rejected (%d): %s", e.Status, e.Message)
}

// IsCredentialsRejected reports whether err is the provider refusing the
// credentials, as opposed to a transport failure or any other answer.
func IsCredentialsRejected(err error) bool {
	_, ok := errors.AsType[*CredentialsError](err)
	return ok
}
