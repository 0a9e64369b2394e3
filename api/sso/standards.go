package sso

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/dvcqa/dvcqa/internal/netreason"
)

// The raw exchanges below let the platform suite hold the provider to the
// standards (OpenID Connect Core, RFC 6749/6750, RFC 7636, RFC 9700): the
// harness chooses every parameter and reads every answer as it came,
// errors included, instead of going through x/oauth2, which would hide or
// refuse them. Each call is bounded by the client's *http.Client timeout
// and the context.

// AuthRequest is an authorization request (RFC 6749 §4.1.1, OIDC Core
// §3.1.2.1) the harness builds itself.
type AuthRequest struct {
	Method   string // http.MethodGet (default) or http.MethodPost: the parameters form-encoded
	Scope    string // e.g. "openid" or LoginScope
	Prompt   string // "" = none sent
	State    string
	Nonce    string
	Verifier string // PKCE: the S256 challenge of it is sent; "" = no PKCE
}

// NewAuthRequest is a GET authorization request for scope with a fresh
// state, nonce and PKCE verifier.
func NewAuthRequest(scope string) AuthRequest {
	return AuthRequest{Method: http.MethodGet, Scope: scope, State: rand.Text(), Nonce: rand.Text(), Verifier: oauth2.GenerateVerifier()}
}

// params are the request's parameters for this client.
func (c *Client) params(ar AuthRequest) url.Values {
	v := url.Values{"response_type": {"code"}, "client_id": {c.ClientID}, "redirect_uri": {c.RedirectURI}, "scope": {ar.Scope}}
	for k, val := range map[string]string{"state": ar.State, "nonce": ar.Nonce, "prompt": ar.Prompt} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if ar.Verifier != "" {
		v.Set("code_challenge", oauth2.S256ChallengeFromVerifier(ar.Verifier))
		v.Set("code_challenge_method", "S256")
	}
	if c.ACRValues != "" {
		v.Set("acr_values", c.ACRValues)
	}
	return v
}

// authorizeRequest builds the HTTP request of ar against the provider's
// authorization endpoint.
func (c *Client) authorizeRequest(ctx context.Context, d *Discovery, ar AuthRequest) (*http.Request, error) {
	params := c.params(ar)
	switch ar.Method {
	case "", http.MethodGet:
		u, err := url.Parse(d.AuthorizationEndpoint)
		if err != nil {
			return nil, fmt.Errorf("authorization_endpoint %q: %w", d.AuthorizationEndpoint, err)
		}
		q := u.Query()
		for k, v := range params {
			q[k] = v
		}
		u.RawQuery = q.Encode()
		return http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	case http.MethodPost:
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.AuthorizationEndpoint, strings.NewReader(params.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req, nil
	}
	return nil, fmt.Errorf("authorization request method %q: want GET or POST", ar.Method)
}

// AuthorizeAnswer is the provider's answer to an authorization request
// sent without logging in: a redirect to the client's redirect URI
// (Callback set), or a page.
type AuthorizeAnswer struct {
	Status   int
	Callback *url.URL // the redirect to the client's redirect URI, read and never fetched; nil when the provider answered a page
	Body     []byte   // the page, when no redirect
	// LoginForm: the page is a login form with the client's username and
	// password fields.
	LoginForm bool
}

// Authorize sends an authorization request and answers where it led:
// redirects inside the provider are followed, the one to the redirect URI
// is read and not fetched.
func (c *Client) Authorize(ctx context.Context, ar AuthRequest) (*AuthorizeAnswer, error) {
	d, err := c.Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("sso authorize: %w", err)
	}
	b, err := c.newBrowser()
	if err != nil {
		return nil, err
	}
	req, err := c.authorizeRequest(ctx, d, ar)
	if err != nil {
		return nil, fmt.Errorf("sso authorize: %w", err)
	}
	p, err := b.do(req)
	if err != nil {
		return nil, fmt.Errorf("sso authorize: %s %s: %w", req.Method, d.AuthorizationEndpoint, err)
	}
	a := &AuthorizeAnswer{Status: p.status, Callback: p.callback, Body: p.body}
	if p.callback == nil {
		if f := findLoginForm(parsePage(p.body), p.url); f != nil {
			a.LoginForm = f.has(c.usernameField()) && f.has(c.passwordField())
		}
	}
	return a, nil
}

// SignInWith sends an authorization request, fills in the provider's login
// form as a browser would and returns the redirect to the redirect URI:
// its query holds the code (or an error) and the state.
func (c *Client) SignInWith(ctx context.Context, ar AuthRequest, username, password string) (*url.URL, error) {
	d, err := c.Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("sso sign-in: %w", err)
	}
	b, err := c.newBrowser()
	if err != nil {
		return nil, err
	}
	req, err := c.authorizeRequest(ctx, d, ar)
	if err != nil {
		return nil, fmt.Errorf("sso sign-in: %w", err)
	}
	return b.signInFrom(ctx, req, c.usernameField(), username, c.passwordField(), password)
}

// Code reads the authorization code from a redirect to the redirect URI,
// checking the state and any iss (RFC 9207).
func (c *Client) Code(callback *url.URL, state string) (string, error) {
	return codeFrom(callback, state, c.Issuer)
}

// TokenAnswer is the token endpoint's answer as it came: the status, the
// headers and the JSON members (an error answer's too).
type TokenAnswer struct {
	Status  int
	Header  http.Header
	Members map[string]any // nil when the body is not a JSON object
	Body    []byte
}

// String is the member k when it is a string.
func (a *TokenAnswer) String(k string) string {
	s, _ := a.Members[k].(string)
	return s
}

// TokenRequest posts a form to the token endpoint as this client: a public
// client sends its client_id, a confidential one authenticates with HTTP
// Basic (RFC 6749 §2.3.1) or, with AuthPost, client_id and client_secret
// in the form. Any HTTP answer is returned; only a transport
// failure is an error.
func (c *Client) TokenRequest(ctx context.Context, form url.Values) (*TokenAnswer, error) {
	d, err := c.Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("sso token: %w", err)
	}
	form = cloneValues(form)
	auth := c.clientAuth()
	switch auth {
	case AuthNone:
		form.Set("client_id", c.ClientID)
	case AuthPost:
		form.Set("client_id", c.ClientID)
		form.Set("client_secret", c.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.TokenEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("sso token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if auth == AuthBasic {
		req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret))
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("sso token: POST %s (%s): %w", d.TokenEndpoint, form.Get("grant_type"), err)
	}
	defer resp.Body.Close()
	body, err := netreason.ReadBody(resp.Body, maxBody)
	if err != nil {
		return nil, fmt.Errorf("sso token: read answer of %s: %w", d.TokenEndpoint, err)
	}
	a := &TokenAnswer{Status: resp.StatusCode, Header: resp.Header, Body: body}
	if json.Unmarshal(body, &a.Members) != nil {
		a.Members = nil
	}
	return a, nil
}

// RedeemCode exchanges a code (grant_type authorization_code) with the
// given PKCE verifier ("" = none sent).
func (c *Client) RedeemCode(ctx context.Context, code, verifier string) (*TokenAnswer, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.RedirectURI}}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	return c.TokenRequest(ctx, form)
}

// RefreshScope refreshes with an explicit scope ("" = none sent).
func (c *Client) RefreshScope(ctx context.Context, refreshToken, scope string) (*TokenAnswer, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
	if scope != "" {
		form.Set("scope", scope)
	}
	return c.TokenRequest(ctx, form)
}

// ResourceAnswer is a protected resource's answer as it came.
type ResourceAnswer struct {
	Status          int
	WWWAuthenticate string
	Body            []byte
}

// UserInfoAnswer asks userinfo with the access token, or with no
// Authorization header at all when accessToken is "".
func (c *Client) UserInfoAnswer(ctx context.Context, accessToken string) (*ResourceAnswer, error) {
	d, err := c.Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("sso userinfo: %w", err)
	}
	if d.UserinfoEndpoint == "" {
		return nil, errors.New("sso userinfo: provider has no userinfo_endpoint")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.UserinfoEndpoint, nil)
	if err != nil {
		return nil, fmt.Errorf("sso userinfo: %w", err)
	}
	if accessToken != "" {
		req.Header.Set("Authorization", "Bearer "+accessToken)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("sso userinfo: GET %s: %w", d.UserinfoEndpoint, err)
	}
	defer resp.Body.Close()
	body, err := netreason.ReadBody(resp.Body, maxBody)
	if err != nil {
		return nil, fmt.Errorf("sso userinfo: read answer of %s: %w", d.UserinfoEndpoint, err)
	}
	return &ResourceAnswer{Status: resp.StatusCode, WWWAuthenticate: resp.Header.Get("WWW-Authenticate"), Body: body}, nil
}

// LogoutAnswer is the end-session endpoint's answer, its redirect not
// followed.
type LogoutAnswer struct {
	Status   int
	Location string // "" when it did not redirect
}

// Logout asks the end-session endpoint (OpenID Connect RP-Initiated Logout
// 1.0 §2) to send the user back to postLogoutURI with state, naming this
// client by client_id. The redirect is read, never followed.
func (c *Client) Logout(ctx context.Context, postLogoutURI, state string) (*LogoutAnswer, error) {
	d, err := c.Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("sso logout: %w", err)
	}
	if d.EndSessionEndpoint == "" {
		return nil, errors.New("sso logout: provider publishes no end_session_endpoint")
	}
	u, err := url.Parse(d.EndSessionEndpoint)
	if err != nil {
		return nil, fmt.Errorf("sso logout: end_session_endpoint %q: %w", d.EndSessionEndpoint, err)
	}
	q := u.Query()
	q.Set("client_id", c.ClientID)
	q.Set("post_logout_redirect_uri", postLogoutURI)
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("sso logout: %w", err)
	}
	hc := *c.httpClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sso logout: GET %s: %w", d.EndSessionEndpoint, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
	a := &LogoutAnswer{Status: resp.StatusCode}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		a.Location = resp.Header.Get("Location")
	}
	return a, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+1)
	for k, vals := range v {
		out[k] = append([]string(nil), vals...)
	}
	return out
}
