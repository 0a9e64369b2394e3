// Package sso is the harness's client for the single sign-on provider (VNeID
// or dvcqa's mock of it): OpenID Connect discovery, a browser-less login
// through the provider's HTML form, refresh, userinfo and ID token
// verification. It speaks plain OIDC with PKCE, so it also works against
// other providers whose login page is a simple form.
package sso

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// DefaultTimeout bounds each HTTP call when Client.HTTP is nil.
const DefaultTimeout = 10 * time.Second

// Client logs in to an OIDC provider as one registered client (the portal).
// The zero values of UsernameField, PasswordField and HTTP have defaults; the
// struct holds no state, so it may be copied and shared between goroutines.
type Client struct {
	Issuer        string // issuer URL, e.g. http://127.0.0.1:41234/sso
	ClientID      string
	ClientSecret  string // "" for a public client (PKCE only)
	RedirectURI   string // registered redirect URI; never fetched, the code is read from the redirect
	UsernameField string // login form field for the personal ID; default "username"
	PasswordField string // login form field for the password; default "password"
	HTTP          *http.Client
}

// Tokens are the result of a login or a refresh. The ID token has been
// verified (signature, issuer, audience, expiry and, on login, nonce).
type Tokens struct {
	AccessToken  string
	IDToken      string // "" when a refresh answer carries none
	RefreshToken string
	Expiry       time.Time // of the access token
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: DefaultTimeout}
}

func (c *Client) usernameField() string {
	if c.UsernameField != "" {
		return c.UsernameField
	}
	return "username"
}

func (c *Client) passwordField() string {
	if c.PasswordField != "" {
		return c.PasswordField
	}
	return "password"
}

// LoginScope is the scopes Login asks for: openid and OIDC Core §5.4's
// standard scopes, which release every identity claim the harness checks
// (docs/contracts.md, SSO: profile → HoVaTen, NgayThangNamSinh, GioiTinh;
// address → ThuongTru; phone → SoDienThoai; email → ThuDienTu).
const LoginScope = oidc.ScopeOpenID + " profile address phone email"

// oauthConfig builds the oauth2 configuration from discovery. A public client
// sends its id in the form: some providers reject Basic with an empty secret.
func (c *Client) oauthConfig(d *Discovery) *oauth2.Config {
	style := oauth2.AuthStyleAutoDetect
	if c.ClientSecret == "" {
		style = oauth2.AuthStyleInParams
	}
	return &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		RedirectURL:  c.RedirectURI,
		Scopes:       strings.Fields(LoginScope),
		Endpoint: oauth2.Endpoint{
			AuthURL:   d.AuthorizationEndpoint,
			TokenURL:  d.TokenEndpoint,
			AuthStyle: style,
		},
	}
}

// oauthContext makes oauth2 and go-oidc use the client's *http.Client (both
// read it from the same context key).
func (c *Client) oauthContext(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, c.httpClient())
}

// snippet shortens a response body for an error message.
func snippet(b []byte) string {
	r := []rune(strings.Join(strings.Fields(string(b)), " "))
	if len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return string(r)
}
