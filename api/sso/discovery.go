package sso

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	return &d, nil
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
