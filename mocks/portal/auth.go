package portal

import (
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"

	api "github.com/dvcqa/dvcqa/api/portal"
)

// citizen is the authenticated caller.
type citizen struct {
	ID   string // SoDinhDanh, 12 digits
	Name string // HoVaTen from the token, may be ""
}

var personalID = regexp.MustCompile(`^[0-9]{12}$`)

// auth wraps a handler that needs a logged-in citizen.
func (s *Server) auth(h func(http.ResponseWriter, *http.Request, citizen)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, e := s.authenticate(r)
		if e != nil {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeAPIError(w, e)
			return
		}
		h(w, r, c)
	}
}

// authenticate verifies the bearer ID token: signature against the SSO's
// keys, issuer, expiry (real time: the SSO does not use the world clock) and
// audience. Each failure has its own reason so specs can tell them apart.
func (s *Server) authenticate(r *http.Request) (citizen, *api.APIError) {
	fail := func(reason, msg, msgVI string) (citizen, *api.APIError) {
		return citizen{}, &api.APIError{Status: http.StatusUnauthorized, Code: api.CodeUnauthenticated,
			Reason: reason, Message: msg, MessageVI: msgVI}
	}
	scheme, raw, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	raw = strings.TrimSpace(raw)
	if !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return fail(api.ReasonMissingToken, "a bearer ID token is required", "Vui lòng đăng nhập bằng tài khoản định danh điện tử")
	}
	if strings.Count(raw, ".") != 2 {
		return fail(api.ReasonMalformed, "the token is not a JWT", "Mã xác thực không đúng định dạng")
	}
	// The signature is checked on its own first: go-oidc's errors are not
	// typed, and a forged token must never be reported as merely expired.
	if _, err := s.keySet.VerifySignature(r.Context(), raw); err != nil {
		return fail(api.ReasonBadSignature, "token signature is not valid", "Chữ ký của mã xác thực không hợp lệ")
	}
	tok, err := s.verifier.Verify(r.Context(), raw)
	if err != nil {
		if _, ok := errors.AsType[*oidc.TokenExpiredError](err); ok {
			return fail(api.ReasonTokenExpired, "the token has expired", "Phiên đăng nhập đã hết hạn")
		}
		return fail(api.ReasonInvalid, "token is not valid: "+err.Error(), "Mã xác thực không hợp lệ")
	}
	if tok.Issuer != s.opts.SSOIssuer {
		return fail(api.ReasonWrongIssuer, "the token was issued by another provider", "Mã xác thực không do hệ thống định danh cấp")
	}
	if !slices.ContainsFunc(tok.Audience, func(a string) bool { return slices.Contains(s.opts.Audiences, a) }) {
		return fail(api.ReasonWrongAudience, "the token was issued to another client", "Mã xác thực không cấp cho cổng dịch vụ công này")
	}
	var claims struct {
		SoDinhDanh string `json:"SoDinhDanh"`
		HoVaTen    string `json:"HoVaTen"`
	}
	if err := tok.Claims(&claims); err != nil {
		return fail(api.ReasonMalformed, "token claims are not readable", "Mã xác thực không đúng định dạng")
	}
	id := claims.SoDinhDanh
	if id == "" {
		id = tok.Subject
	}
	if !personalID.MatchString(id) {
		return fail(api.ReasonNoSubject, "the token does not name a citizen by personal ID", "Mã xác thực không có số định danh cá nhân")
	}
	return citizen{ID: id, Name: claims.HoVaTen}, nil
}
