package framework

import (
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/api/sso"
)

// logins keeps each citizen's last tokens in a process, for the specs that
// are not about logging in. A service's negative specs (the portal's
// refusals) share its citizen, and each logging in again through SSO cost
// a fifth of the API layer; its end-to-end spec, the SSO specs and the
// browser specs always log in through SSO themselves.
type logins struct {
	mu   sync.Mutex
	toks map[string]*sso.Tokens
}

// loginMargin is how long a kept ID token must still be valid to be used.
const loginMargin = 2 * time.Minute

func (l *logins) get(personalID string, now time.Time) *sso.Tokens {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.toks[personalID]
	if t == nil {
		return nil
	}
	claims, err := sso.Claims(t.IDToken)
	if err != nil {
		return nil
	}
	exp, ok := claims["exp"].(float64)
	if !ok || time.Unix(int64(exp), 0).Before(now.Add(loginMargin)) {
		return nil
	}
	return t
}

func (l *logins) put(personalID string, t *sso.Tokens) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.toks == nil {
		l.toks = map[string]*sso.Tokens{}
	}
	l.toks[personalID] = t
}
