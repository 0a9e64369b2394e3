package sso

import (
	"crypto/rand"
	"time"
)

// grant is what a code or refresh token stands for: who logged in, for
// which client and scope, and when.
type grant struct {
	clientID string
	sub      string
	scope    string
	nonce    string // "" on refresh: OIDC Core §12.2
	authTime time.Time
}

// authCode is an issued authorization code, bound to its request.
type authCode struct {
	grant
	redirectURI string
	challenge   string // PKCE S256 code_challenge, "" when none was sent
	expires     time.Time
}

// refreshGrant is an issued refresh token. Rotated tokens are kept until they
// expire so that a replay is recognised and revokes the whole family
// (RFC 9700 §4.14.2).
type refreshGrant struct {
	grant
	family  string
	expires time.Time
	rotated bool
}

func (s *Server) putCode(c *authCode) string {
	code := rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, v := range s.codes {
		if now.After(v.expires) {
			delete(s.codes, k)
		}
	}
	s.codes[code] = c
	return code
}

// takeCode removes and returns a code: codes are single use, whatever the
// outcome of the exchange.
func (s *Server) takeCode(code string) (*authCode, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes[code]
	delete(s.codes, code)
	return c, ok
}

func (s *Server) putRefresh(g *refreshGrant) string {
	token := rand.Text() + rand.Text()
	if g.family == "" {
		g.family = token
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, v := range s.refresh {
		if now.After(v.expires) {
			delete(s.refresh, k)
		}
	}
	s.refresh[token] = g
	return token
}

// rotateRefresh checks a refresh token presented by clientID and marks it
// used; the caller issues its successor in the same family.
func (s *Server) rotateRefresh(token, clientID string) (*refreshGrant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.refresh[token]
	switch {
	case !ok:
		return nil, invalidGrant("unknown refresh token")
	case g.clientID != clientID:
		return nil, invalidGrant("refresh token was issued to another client")
	case g.rotated:
		for k, v := range s.refresh {
			if v.family == g.family {
				delete(s.refresh, k)
			}
		}
		return nil, invalidGrant("refresh token already used; the grant is revoked")
	case s.now().After(g.expires):
		delete(s.refresh, token)
		return nil, invalidGrant("refresh token expired")
	}
	// Seeded defect sso-refresh-not-rotated: the token stays valid after use.
	g.rotated = !s.defect(defectRefreshNotRotated)
	return g, nil
}
