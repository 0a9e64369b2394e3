package dvcqg

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
)

type session struct {
	username string
	expires  time.Time
}

// handleSession is POST /api/session: dstcode header, {username, password}.
func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) {
	raw, okJSON := readJSON(w, r)
	if !okJSON {
		return
	}
	httpx.JSON(w, http.StatusOK, s.login(r, raw))
}

// login opens a session for {username, password} and the dstcode header;
// every dialect logs in so, at its own URL.
func (s *Server) login(r *http.Request, raw []byte) reply {
	var cred struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := json.Unmarshal(raw, &cred); err != nil {
		return fail(codeFailed, "Dữ liệu đăng nhập không hợp lệ: %v", err)
	}
	a, known := s.accounts[cred.Username]
	passwordOK := subtle.ConstantTimeCompare([]byte(a.Password), []byte(cred.Password)) == 1
	if known && cred.Password != "" && s.defect(defectLoginAnyPassword) {
		passwordOK = true // seeded defect: the password is not checked
	}
	if !known || !passwordOK {
		return fail(codeFailed, "Tên đăng nhập hoặc mật khẩu không đúng")
	}
	if dst := r.Header.Get("dstcode"); dst != a.DstCode {
		return fail(codeFailed, "Mã hệ thống (dstcode) %q không khớp với tài khoản %s", dst, a.Username)
	}
	token := rand.Text()
	now := s.now()
	s.mu.Lock()
	for t, old := range s.sessions { // sweep here so the map stays small
		if !now.Before(old.expires) {
			delete(s.sessions, t)
		}
	}
	s.sessions[token] = session{username: a.Username, expires: now.Add(s.ttl)}
	s.mu.Unlock()
	rep := ok(nil)
	rep.Session = token
	return rep
}

// account returns the account of a live session.
func (s *Server) account(token string) (Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, live := s.sessions[token]
	if !live || !s.now().Before(sess.expires) {
		return Account{}, false
	}
	return s.accounts[sess.username], true
}
