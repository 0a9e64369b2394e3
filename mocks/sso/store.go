package sso

import (
	"crypto/rand"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/retain"
)

// grant is what a code or refresh token stands for: who logged in, for
// which client and scope, and when.
type grant struct {
	clientID string
	sub      string
	scope    string
	nonce    string // "" on refresh: OIDC Core §12.2
	authTime time.Time
	acr      string // wso2: the level of assurance reached, "" in oidc
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
	putLocked(s, s.codes, &s.codeOrder, code, c)
	return code
}

// expiring is a grant kept until its expiry: a code, a refresh token, a
// pending login, a remembered session.
type expiring interface{ expiry() time.Time }

func (c *authCode) expiry() time.Time     { return c.expires }
func (g *refreshGrant) expiry() time.Time { return g.expires }
func (p *pendingLogin) expiry() time.Time { return p.expires }
func (ss *ssoSession) expiry() time.Time  { return ss.expires }

// putLocked sweeps m of expired grants, adds v under key and holds m to
// maxGrants (trimMap). The caller holds s.mu.
func putLocked[V expiring](s *Server, m map[string]V, o *retain.Order[string], key string, v V) {
	now := s.now()
	for k, old := range m {
		if now.After(old.expiry()) {
			delete(m, k)
		}
	}
	m[key] = v
	o.Add(key)
	trimMap(o, m, s.maxGrants)
}

// trimMap holds one of the grant maps to max entries, oldest first. Past
// their expiry they are swept anyway; this bounds a burst within it. None
// is "in use" beyond being in the map: an evicted code or refresh token is
// refused as unknown, as after a restart.
func trimMap[V any](o *retain.Order[string], m map[string]V, max int) {
	o.Trim(len(m), max, func(k string) bool { _, ok := m[k]; return ok },
		func(k string) int { delete(m, k); return 1 })
}

// Evicted is how many grants (codes, redeemed codes, token families,
// revoked jtis, refresh tokens) were dropped for the count bound, and how
// many request-log entries.
func (s *Server) Evicted() (grants, log int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.codeOrder.Evicted() + s.usedOrder.Evicted() + s.issuedOrder.Evicted() + s.revokedOrder.Evicted() + s.refreshOrder.Evicted() + s.pendingOrder.Evicted(), s.log.Evicted()
}

// usedCode is a redeemed code, remembered until it would have expired so
// that a replay is recognised (RFC 6749 §4.1.2).
type usedCode struct {
	clientID string
	family   string // the tokens issued from it
	expires  time.Time
}

// issuedFamily is what a login's tokens are: the jti of every access token
// issued from one code and its refreshes, until the family expires.
type issuedFamily struct {
	jtis    map[string]time.Time // jti → exp
	expires time.Time
}

// takeCode removes and returns a code: codes are single use, whatever the
// outcome of the exchange. The tokens issued from it will be of family.
// A code already redeemed is a replay: RFC 6749 §4.1.2 and RFC 9700 §4.5
// have the tokens issued from it revoked, and replay reports it.
func (s *Server) takeCode(code, family string) (c *authCode, ok, replay bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, v := range s.used {
		if now.After(v.expires) {
			delete(s.used, k)
		}
	}
	if u, seen := s.used[code]; seen {
		if !s.defect(defectCodeReplayKeepsTokens) {
			s.revokeFamilyLocked(u.family)
		}
		return nil, false, true
	}
	c, ok = s.codes[code]
	delete(s.codes, code)
	if ok {
		s.used[code] = &usedCode{clientID: c.clientID, family: family, expires: c.expires}
		s.usedOrder.Add(code)
		trimMap(&s.usedOrder, s.used, s.maxGrants)
	}
	return c, ok, false
}

// noteIssued records an access token of a family.
func (s *Server) noteIssued(family, jti string, exp time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, f := range s.issued {
		if now.After(f.expires) {
			delete(s.issued, k)
		}
	}
	for k, e := range s.revoked {
		if now.After(e) {
			delete(s.revoked, k)
		}
	}
	f := s.issued[family]
	if f == nil {
		f = &issuedFamily{jtis: map[string]time.Time{}}
		s.issued[family] = f
		s.issuedOrder.Add(family)
		trimMap(&s.issuedOrder, s.issued, s.maxGrants)
	}
	f.jtis[jti] = exp
	f.expires = now.Add(RefreshTTL)
}

// revokeFamilyLocked revokes every access and refresh token of a family.
func (s *Server) revokeFamilyLocked(family string) {
	if f := s.issued[family]; f != nil {
		for jti, exp := range f.jtis {
			if _, dup := s.revoked[jti]; !dup {
				s.revokedOrder.Add(jti)
			}
			s.revoked[jti] = exp
		}
		trimMap(&s.revokedOrder, s.revoked, s.maxGrants)
	}
	for k, v := range s.refresh {
		if v.family == family {
			delete(s.refresh, k)
		}
	}
}

// isRevoked: the access token with this jti was revoked.
func (s *Server) isRevoked(jti string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, r := s.revoked[jti]
	return r
}

func (s *Server) putRefresh(g *refreshGrant) string {
	token := rand.Text() + rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	putLocked(s, s.refresh, &s.refreshOrder, token, g)
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
