package sso

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
)

// accountTypeCitizen is LoaiTaiKhoan (account type) 1: a citizen.
const accountTypeCitizen = "1"

// userinfoClaims are the claims /userinfo returns besides sub.
var userinfoClaims = []string{
	"SoDinhDanh", "HoVaTen", "NgayThangNamSinh", "GioiTinh",
	"ThuongTru", "SoDienThoai", "ThuDienTu", "LoaiTaiKhoan",
}

func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		writeOAuthError(w, invalidToken("missing bearer token"))
		return
	}
	sub, err := s.checkAccessToken(strings.TrimSpace(token))
	if err != nil {
		writeOAuthError(w, err)
		return
	}
	if s.defect(defectUserinfoWrongCitizen) {
		sub = s.otherAccount(sub) // seeded defect: answer for another citizen
	}
	a := s.accounts[sub]
	out := map[string]string{"sub": sub, "SoDinhDanh": sub, "LoaiTaiKhoan": accountTypeCitizen}
	for _, k := range userinfoClaims {
		if v := a.Claims[k]; v != "" {
			if _, fixed := out[k]; !fixed {
				out[k] = v
			}
		}
	}
	httpx.JSON(w, http.StatusOK, out)
}

// otherAccount is the smallest personal ID other than sub (sub itself when
// it is the only account), so the wrong answer is the same on every call.
func (s *Server) otherAccount(sub string) string {
	other := ""
	for id := range s.accounts {
		if id != sub && (other == "" || id < other) {
			other = id
		}
	}
	if other == "" {
		return sub
	}
	return other
}

// checkAccessToken verifies an access token this server issued and returns
// its subject.
func (s *Server) checkAccessToken(token string) (string, error) {
	claims, err := s.parse(token, typAccessToken)
	if err != nil {
		return "", invalidToken(err.Error())
	}
	if claims["iss"] != s.issuer {
		return "", invalidToken("token issued by another provider")
	}
	aud, _ := claims["aud"].(string)
	if _, ok := s.clients[aud]; !ok {
		return "", invalidToken("token audience is not a registered client")
	}
	n, _ := claims["exp"].(json.Number)
	exp, err := n.Int64()
	if err != nil {
		return "", invalidToken("token lacks exp")
	}
	if s.now().Unix() >= exp {
		return "", invalidToken("token expired")
	}
	sub, _ := claims["sub"].(string)
	if _, ok := s.accounts[sub]; !ok {
		return "", invalidToken("unknown subject")
	}
	return sub, nil
}

// logout ends nothing (the mock keeps no login session) and sends the user
// back to post_logout_redirect_uri when it is on the origin of one of the
// client's redirect URIs (any client's when client_id is absent).
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	q := r.URL.Query()
	target := q.Get("post_logout_redirect_uri")
	if target == "" {
		s.render(w, http.StatusOK, "message", pageView{Title: "Đăng xuất - " + pageTitle, Error: "Bạn đã đăng xuất."})
		return
	}
	u, err := url.Parse(target)
	if err != nil || !s.logoutAllowed(u, q.Get("client_id")) {
		s.renderError(w, http.StatusBadRequest, &pageError{"Địa chỉ chuyển hướng sau đăng xuất chưa được đăng ký.", "post_logout_redirect_uri is not registered"})
		return
	}
	if st := q.Get("state"); st != "" {
		v := u.Query()
		v.Set("state", st)
		u.RawQuery = v.Encode()
	}
	w.Header().Set("Location", u.String())
	w.WriteHeader(http.StatusFound)
}

func (s *Server) logoutAllowed(u *url.URL, clientID string) bool {
	if u.Scheme == "" || u.Host == "" {
		return false
	}
	for id, c := range s.clients {
		if clientID != "" && id != clientID {
			continue
		}
		if slices.ContainsFunc(c.RedirectURIs, func(r string) bool {
			ru, err := url.Parse(r)
			return err == nil && ru.Scheme == u.Scheme && strings.EqualFold(ru.Host, u.Host)
		}) {
			return true
		}
	}
	return false
}
