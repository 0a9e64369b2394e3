package sso

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// TokenLogin is the refresh_token login kind (profile sso.login): where
// no password can be typed (CI against a real SSO), one refresh token,
// obtained beforehand, is exchanged at the token endpoint for every
// login. The provider may rotate it: the newest one is kept, in memory
// only, and used next. It serves one account, whose personal ID the ID
// token names (SoDinhDanh, else sub).
//
// Unverified: whether the national portal's SSO issues refresh tokens to
// its clients at all, and for how long they live.
type TokenLogin struct {
	client *Client
	mu     sync.Mutex
	token  string
}

// NewTokenLogin starts a refresh-token login with the client and token.
func (c *Client) NewTokenLogin(refreshToken string) *TokenLogin {
	return &TokenLogin{client: c, token: refreshToken}
}

// Login exchanges the current refresh token and keeps the one answered.
// Logins are serialised: two at once would present the same token, and
// a provider that detects reuse revokes the whole grant.
func (l *TokenLogin) Login(ctx context.Context) (*Tokens, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.token == "" {
		return nil, errors.New("sso login (refresh_token): no refresh token")
	}
	t, err := l.client.Refresh(ctx, l.token)
	if err != nil {
		return nil, fmt.Errorf("sso login (refresh_token): %w", err)
	}
	if t.IDToken == "" {
		return nil, errors.New("sso login (refresh_token): the token endpoint answered no id_token")
	}
	if t.RefreshToken != "" {
		l.token = t.RefreshToken
	}
	return t, nil
}

// Subject is the personal ID an ID token names: SoDinhDanh (the personal
// ID number claim), else sub.
func Subject(idToken string) (string, error) {
	claims, err := Claims(idToken)
	if err != nil {
		return "", err
	}
	if id, _ := claims["SoDinhDanh"].(string); id != "" {
		return id, nil
	}
	sub, _ := claims["sub"].(string)
	if sub == "" {
		return "", errors.New("sso: ID token names no subject")
	}
	return sub, nil
}
