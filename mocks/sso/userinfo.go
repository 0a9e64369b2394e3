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
	_, sent := r.Header["Authorization"]
	if !sent && !s.defect(defectInvalidTokenWithoutCredentials) {
		// RFC 6750 §3.1: a request without any authentication information
		// gets the challenge, and no error code.
		w.Header().Set("WWW-Authenticate", `Bearer realm="sso"`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		writeOAuthError(w, invalidToken("missing bearer token"))
		return
	}
	sub, scope, err := s.checkAccessToken(strings.TrimSpace(token))
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
		if v := a.Claims[k]; v != "" && s.releasedClaim(scope, k) {
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

// checkAccessToken verifies an access token this server issued and not
// revoked, and returns its subject and scope.
func (s *Server) checkAccessToken(token string) (sub, scope string, err error) {
	sub, claims, err := s.accessClaims(token)
	if err != nil {
		return "", "", err
	}
	if jti, _ := claims["jti"].(string); s.isRevoked(jti) {
		return "", "", invalidToken("token revoked")
	}
	scope, _ = claims["scope"].(string)
	return sub, scope, nil
}

func (s *Server) accessClaims(token string) (string, map[string]any, error) {
	claims, err := s.parse(token, typAccessToken)
	if err != nil {
		return "", nil, invalidToken(err.Error())
	}
	if claims["iss"] != s.issuer {
		return "", nil, invalidToken("token issued by another provider")
	}
	aud, _ := claims["aud"].(string)
	if _, ok := s.clients[aud]; !ok {
		return "", nil, invalidToken("token audience is not a registered client")
	}
	n, _ := claims["exp"].(json.Number)
	exp, err := n.Int64()
	if err != nil {
		return "", nil, invalidToken("token lacks exp")
	}
	if s.now().Unix() >= exp {
		return "", nil, invalidToken("token expired")
	}
	sub, _ := claims["sub"].(string)
	if _, ok := s.accounts[sub]; !ok {
		return "", nil, invalidToken("unknown subject")
	}
	return sub, claims, nil
}

// logout ends nothing (the mock keeps no login session) and sends the user
// back to post_logout_redirect_uri only when it is one the client named by
// client_id (or by id_token_hint's aud) registered, compared exactly
// (OpenID Connect RP-Initiated Logout 1.0 §3): anything else would make the
// provider an open redirector.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	q := r.URL.Query()
	target := q.Get("post_logout_redirect_uri")
	if target == "" {
		s.render(w, http.StatusOK, "message", pageView{Title: "Đăng xuất - " + pageTitle, Error: "Bạn đã đăng xuất."})
		return
	}
	u, err := url.Parse(target)
	if err != nil || !s.logoutAllowed(u, target, s.logoutClient(q)) {
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

// logoutClient is the client a logout request names: client_id, else the
// audience of an ID token this provider signed (expired ones included:
// logout comes late). "" = none.
func (s *Server) logoutClient(q url.Values) string {
	if id := q.Get("client_id"); id != "" {
		return id
	}
	if hint := q.Get("id_token_hint"); hint != "" {
		if claims, err := s.parse(hint, typIDToken); err == nil && claims["iss"] == s.issuer {
			aud, _ := claims["aud"].(string)
			return aud
		}
	}
	return ""
}

func (s *Server) logoutAllowed(u *url.URL, target, clientID string) bool {
	if u.Scheme == "" || u.Host == "" {
		return false
	}
	if s.defect(defectLogoutOpenRedirect) {
		// Seeded defect: the old origin rule, any client's redirect URIs.
		for _, c := range s.clients {
			if slices.ContainsFunc(c.RedirectURIs, func(r string) bool {
				ru, err := url.Parse(r)
				return err == nil && ru.Scheme == u.Scheme && strings.EqualFold(ru.Host, u.Host)
			}) {
				return true
			}
		}
		return false
	}
	c, ok := s.clients[clientID]
	return ok && slices.Contains(c.PostLogoutRedirectURIs, target)
}
