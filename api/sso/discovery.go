package sso

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/dvcqa/dvcqa/internal/netreason"
)

// Discovery is the OpenID provider metadata document
// ({issuer}/.well-known/openid-configuration). The mock serves this type too.
type Discovery struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	EndSessionEndpoint                string   `json:"end_session_endpoint,omitempty"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported,omitempty"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported,omitempty"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	ScopesSupported                   []string `json:"scopes_supported,omitempty"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	ClaimsSupported                   []string `json:"claims_supported,omitempty"`
	ACRValuesSupported                []string `json:"acr_values_supported,omitempty"`
}

// maxBody bounds what the client reads from any response.
const maxBody = 1 << 20

// Discover fetches and checks the provider's metadata. The issuer in the
// document must equal Client.Issuer exactly (OIDC Discovery §4.3).
func (c *Client) Discover(ctx context.Context) (*Discovery, error) {
	if c.Issuer == "" {
		return nil, errors.New("sso discover: Client.Issuer is empty")
	}
	u := strings.TrimSuffix(c.Issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("sso discover: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("sso discover: %w", err)
	}
	defer resp.Body.Close()
	body, err := netreason.ReadBody(resp.Body, maxBody)
	if err != nil {
		return nil, fmt.Errorf("sso discover: read %s: %w", u, err)
	}
	if resp.StatusCode == http.StatusNotFound {
		// The likeliest cause is an issuer of the other dialect: WSO2
		// publishes its document under …/oauth2/token.
		hint := ""
		if c.dialect() == DialectWSO2 && !strings.HasSuffix(strings.TrimSuffix(c.Issuer, "/"), "/oauth2/token") {
			hint = "; a WSO2 issuer is usually {base}/oauth2/token"
		}
		return nil, fmt.Errorf("sso discover: GET %s: status 404: no discovery document for dialect %s (does the provider speak %s? check urls.sso and sso.dialect%s): %s",
			u, c.dialect(), c.dialect(), hint, snippet(body))
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sso discover: GET %s: status %d: %s", u, resp.StatusCode, snippet(body))
	}
	var d Discovery
	if err := netreason.CheckJSONType(resp.Header.Get("Content-Type"), body); err != nil {
		return nil, fmt.Errorf("sso discover: decode %s: %w", u, err)
	}
	if err := netreason.Decode(body, &d); err != nil {
		return nil, fmt.Errorf("sso discover: decode %s: %w", u, err)
	}
	if d.Issuer != c.Issuer {
		return nil, fmt.Errorf("sso discover: issuer mismatch: configured %q, provider says %q", c.Issuer, d.Issuer)
	}
	for _, f := range []struct{ name, value string }{
		{"authorization_endpoint", d.AuthorizationEndpoint},
		{"token_endpoint", d.TokenEndpoint},
		{"jwks_uri", d.JWKSURI},
	} {
		if f.value == "" {
			return nil, fmt.Errorf("sso discover: %s lacks %s", u, f.name)
		}
	}
	if err := c.dialectProblem(&d); err != nil {
		return nil, fmt.Errorf("sso discover: %s: %w", u, err)
	}
	return &d, nil
}

// wso2Paths are the endpoints a WSO2-style provider publishes (WSO2
// Identity Server; the national portal's public configurations show
// /oauth2/authorize, /oauth2/token and /oauth2/userinfo).
var wso2Paths = []struct{ field, suffix string }{
	{"authorization_endpoint", "/oauth2/authorize"},
	{"token_endpoint", "/oauth2/token"},
}

// DialectError is a provider whose discovery document is of another
// dialect than the profile's sso.dialect.
type DialectError struct {
	Dialect string // the profile's
	msg     string
}

func (e *DialectError) Error() string { return e.msg }

// dialectProblem says, in one error naming sso and the dialect, that the
// provider's document is of another dialect than the profile's: WSO2's
// endpoint paths, and a token endpoint that takes the client's
// authentication method.
func (c *Client) dialectProblem(d *Discovery) error {
	dialect := c.dialect()
	endpoint := map[string]string{"authorization_endpoint": d.AuthorizationEndpoint, "token_endpoint": d.TokenEndpoint}
	looksWSO2 := true
	var notWSO2 string
	for _, p := range wso2Paths {
		if !strings.HasSuffix(pathOf(endpoint[p.field]), p.suffix) {
			looksWSO2 = false
			notWSO2 = fmt.Sprintf("%s %q does not end in %s", p.field, endpoint[p.field], p.suffix)
			break
		}
	}
	switch dialect {
	case DialectWSO2:
		if !looksWSO2 {
			return &DialectError{Dialect: dialect, msg: fmt.Sprintf("sso speaks another dialect than wso2 (sso.dialect): %s; is it dialect oidc?", notWSO2)}
		}
	case DialectOIDC:
		if looksWSO2 && c.clientAuth() == AuthNone && len(d.TokenEndpointAuthMethodsSupported) > 0 &&
			!slices.Contains(d.TokenEndpointAuthMethodsSupported, AuthNone) {
			return &DialectError{Dialect: dialect, msg: fmt.Sprintf("sso speaks another dialect than oidc (sso.dialect): WSO2-style endpoints (%s) and no public clients (token_endpoint_auth_methods_supported %v); is it dialect wso2?",
				d.TokenEndpoint, d.TokenEndpointAuthMethodsSupported)}
		}
	}
	// Only in wso2: in oidc a provider whose metadata forgets "none" worked
	// before, and the discovery spec reports it.
	if m := d.TokenEndpointAuthMethodsSupported; dialect == DialectWSO2 && len(m) > 0 && !slices.Contains(m, c.clientAuth()) {
		return fmt.Errorf("sso (dialect %s): the token endpoint takes %v, not the client's %s (sso.client_auth)", dialect, m, c.clientAuth())
	}
	return nil
}

func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return strings.TrimRight(u.Path, "/")
}

// provider builds a go-oidc provider from discovery without fetching the
// document a second time.
func (c *Client) provider(ctx context.Context, d *Discovery) *oidc.Provider {
	cfg := &oidc.ProviderConfig{
		IssuerURL:   d.Issuer,
		AuthURL:     d.AuthorizationEndpoint,
		TokenURL:    d.TokenEndpoint,
		UserInfoURL: d.UserinfoEndpoint,
		JWKSURL:     d.JWKSURI,
		Algorithms:  signingAlgs(d.IDTokenSigningAlgValuesSupported),
	}
	return cfg.NewProvider(c.oauthContext(ctx))
}

// Verifier returns a go-oidc verifier for ID tokens issued to this client by
// this issuer (signature from the provider's JWKS, iss, aud, exp). Reuse it:
// it caches the provider's keys.
func (c *Client) Verifier(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	d, err := c.Discover(ctx)
	if err != nil {
		return nil, err
	}
	return c.verifier(ctx, d), nil
}

func (c *Client) verifier(ctx context.Context, d *Discovery) *oidc.IDTokenVerifier {
	return c.provider(ctx, d).Verifier(&oidc.Config{ClientID: c.ClientID})
}

// signingAlgs keeps the asymmetric algorithms go-oidc verifies; unlike
// oidc.NewProvider, ProviderConfig does not filter out "none" or HS256.
func signingAlgs(advertised []string) []string {
	var algs []string
	for _, a := range advertised {
		switch a {
		case oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512,
			oidc.PS256, oidc.PS384, oidc.PS512, oidc.EdDSA:
			algs = append(algs, a)
		}
	}
	return algs
}
