package sso

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/dvcqa/dvcqa/internal/netreason"
)

// Refresh trades a refresh token for new tokens (the provider may rotate the
// refresh token: use the returned one next time). A returned ID token has
// been verified; it carries no nonce.
func (c *Client) Refresh(ctx context.Context, refreshToken string) (*Tokens, error) {
	if refreshToken == "" {
		return nil, errors.New("sso refresh: empty refresh token")
	}
	d, err := c.Discover(ctx)
	if err != nil {
		return nil, fmt.Errorf("sso refresh: %w", err)
	}
	// A token with only a refresh token is invalid, so the source refreshes.
	tok, err := c.oauthConfig(d).TokenSource(c.oauthContext(ctx), &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return nil, fmt.Errorf("sso refresh: %w", err)
	}
	t, err := c.checkTokens(ctx, d, tok, "", false)
	if err != nil {
		return nil, fmt.Errorf("sso refresh: %w", err)
	}
	return t, nil
}

// clockSkew is how far the provider's clock may run ahead of the harness's
// when an ID token says when it was issued.
const clockSkew = time.Minute

// checkTokens verifies the ID token of a token response and, when nonce is
// set, that it answers this login.
func (c *Client) checkTokens(ctx context.Context, d *Discovery, tok *oauth2.Token, nonce string, needID bool) (*Tokens, error) {
	raw, _ := tok.Extra("id_token").(string)
	t := &Tokens{AccessToken: tok.AccessToken, IDToken: raw, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry}
	if raw == "" {
		if needID {
			return nil, errors.New("token response lacks id_token")
		}
		return t, nil
	}
	if _, err := c.verifier(ctx, d).Verify(ctx, raw); err != nil {
		return nil, fmt.Errorf("verify ID token: %w", err)
	}
	// go-oidc checked the signature; the harness's own rules (rules.go)
	// decide the rest, the nonce of this login included.
	algs := signingAlgs(d.IDTokenSigningAlgValuesSupported)
	if len(algs) == 0 {
		algs = nil // the default, RS256
	}
	rules := IDTokenRules{Issuer: d.Issuer, ClientID: c.ClientID, Nonce: nonce, Now: time.Now(), Skew: clockSkew, Algs: algs}
	if needID { // a login: the level asked for must be reached
		rules.ACRValues = c.ACRValues
	}
	if p := rules.Problems(raw); len(p) > 0 {
		return nil, fmt.Errorf("verify ID token: %s", strings.Join(p, "; "))
	}
	return t, nil
}

// UserInfo fetches the userinfo claims for an access token.
func (c *Client) UserInfo(ctx context.Context, accessToken string) (map[string]any, error) {
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
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("sso userinfo: %w", err)
	}
	defer resp.Body.Close()
	body, err := netreason.ReadBody(resp.Body, maxBody)
	if err != nil {
		return nil, fmt.Errorf("sso userinfo: read: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sso userinfo: status %d: %s", resp.StatusCode, oauthError(body, resp.Header.Get("WWW-Authenticate")))
	}
	var claims map[string]any
	if err := netreason.Decode(body, &claims); err != nil {
		return nil, fmt.Errorf("sso userinfo: decode: %w", err)
	}
	if claims == nil {
		return nil, errors.New("sso userinfo: empty claims document")
	}
	return claims, nil
}

// oauthError renders an RFC 6749/6750 error body, or whatever explains the
// failure best.
func oauthError(body []byte, wwwAuthenticate string) string {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		if e.Description == "" {
			return e.Error
		}
		return e.Error + ": " + e.Description
	}
	if wwwAuthenticate != "" {
		return wwwAuthenticate
	}
	return snippet(body)
}

// Claims decodes a JWT's payload WITHOUT verifying it, for reading claims of
// a token that was verified elsewhere (or whose contents a test inspects).
func Claims(idToken string) (map[string]any, error) {
	parts := strings.Split(idToken, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("sso claims: malformed JWT: %d parts, want 3", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("sso claims: payload: %w", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("sso claims: payload: %w", err)
	}
	return claims, nil
}
