package portal

import (
	"net/http"
	"net/url"
	"time"
)

// Web sessions live in memory, keyed by an unguessable id in the cookie
// "phien" (session): the browser never holds the claims or the token.
const (
	sessionCookie = "phien"
	// Real time, like the SSO's tokens: the world clock runs too fast for
	// a person (or a browser spec) to keep a session. The session is the
	// portal's own, as on real portals; the ID token only proved the login.
	sessionIdle = 30 * time.Minute
	sessionMax  = 8 * time.Hour
)

// webSession is a logged-in citizen, from the verified ID token's claims.
type webSession struct {
	citizen         citizen
	created, usedAt time.Time
}

// startSession opens a session for c and sets its cookie.
func (s *Server) startSession(w http.ResponseWriter, c citizen) {
	id := randomID() + randomID() // 128 bits
	now := time.Now()
	f := s.web
	f.mu.Lock()
	for k, old := range f.sessions { // forget expired sessions as new ones come
		if old.expired(now) {
			delete(f.sessions, k)
		}
	}
	f.sessions[id] = &webSession{citizen: c, created: now, usedAt: now}
	f.order.Add(id)
	// Past the bound the oldest sessions end, as after a restart; those
	// used within the last minute are kept (a citizen mid-form).
	f.order.Trim(len(f.sessions), f.maxSess, func(k string) bool { return f.sessions[k] != nil }, func(k string) int {
		if now.Sub(f.sessions[k].usedAt) < f.sessBusy {
			return 0
		}
		delete(f.sessions, k)
		return 1
	})
	f.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: f.cookiePath(),
		HttpOnly: true, Secure: f.secure, SameSite: http.SameSiteLaxMode})
}

func (ws *webSession) expired(now time.Time) bool {
	return now.Sub(ws.usedAt) > sessionIdle || now.Sub(ws.created) > sessionMax
}

// currentCitizen is the citizen of the request's session, if any.
func (s *Server) currentCitizen(r *http.Request) (citizen, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return citizen{}, false
	}
	now := time.Now()
	f := s.web
	f.mu.Lock()
	defer f.mu.Unlock()
	ws := f.sessions[ck.Value]
	if ws == nil {
		return citizen{}, false
	}
	if ws.expired(now) {
		delete(f.sessions, ck.Value)
		return citizen{}, false
	}
	ws.usedAt = now
	return ws.citizen, true
}

// endSession forgets the request's session and clears its cookie.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		s.web.mu.Lock()
		delete(s.web.sessions, ck.Value)
		s.web.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: s.web.cookiePath(), MaxAge: -1,
		HttpOnly: true, Secure: s.web.secure, SameSite: http.SameSiteLaxMode})
}

// loggedIn wraps a page that needs a citizen: without a session, 303 to
// the login page, which comes back here afterwards (a POST comes back to
// the page that holds its form, the portal's home, as a POST cannot be
// replayed).
func (s *Server) loggedIn(h func(http.ResponseWriter, *http.Request, citizen)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, ok := s.currentCitizen(r)
		if !ok {
			next := "/"
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				next = r.URL.RequestURI()
			}
			http.Redirect(w, r, s.web.base+"/dang-nhap?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		h(w, r, c)
	}
}
