package portal

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"

	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// SSOClient is how the portal's web login meets the SSO. The zero value is
// dialect oidc's public client: client_id in the token request, PKCE S256.
// With a Secret it is a confidential client (dialect wso2: the national
// portal's SSO), authenticated with HTTP Basic or, with AuthMethod
// "client_secret_post", in the form; it then sends no PKCE, as the public
// configurations show (unverified).
type SSOClient struct {
	Secret     string
	AuthMethod string // "client_secret_basic" (default with a Secret) or "client_secret_post"
	ACRValues  string // sent as acr_values when set, e.g. "LoA1"
	JWKSURL    string // the SSO's signing keys; "" = {SSOIssuer}/jwks
}

// confidential: the client authenticates with a secret.
func (c SSOClient) confidential() bool { return c.Secret != "" }

// acrReached: the ID token's acr is at least the lowest LoA level asked
// for ("LoA<n>"), or one of the values asked when they are not levels.
func (c SSOClient) acrReached(tok *oidc.IDToken) bool {
	asked := strings.Fields(c.ACRValues)
	if len(asked) == 0 {
		return true
	}
	var claims struct {
		ACR string `json:"acr"`
	}
	if err := tok.Claims(&claims); err != nil || claims.ACR == "" {
		return false
	}
	level := func(v string) int {
		if n, err := strconv.Atoi(strings.TrimPrefix(strings.ToLower(v), "loa")); err == nil && strings.HasPrefix(strings.ToLower(v), "loa") {
			return n
		}
		return -1
	}
	got := level(claims.ACR)
	for _, a := range asked {
		if a == claims.ACR || (got >= 0 && level(a) >= 0 && got >= level(a)) {
			return true
		}
	}
	return false
}

// citizen is the authenticated caller.
type citizen struct {
	ID   string // SoDinhDanh, 12 digits
	Name string // HoVaTen from the token, may be ""
	DOB  string // NgayThangNamSinh (YYYY-MM-DD) from the token, may be ""
}

var personalID = regexp.MustCompile(`^[0-9]{12}$`)

// auth wraps a handler that needs a logged-in citizen.
func (s *Server) auth(h func(http.ResponseWriter, *http.Request, citizen)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		service := s.requestService(r)
		c, e := s.authenticate(r, service)
		if e != nil {
			// Seeded defect auth-not-required: the service's routes forget
			// the login check and serve a caller without a token as an
			// anonymous citizen (no personal ID, nothing prefilled).
			if _, on := s.defect(defectAuthNotRequired, service); on && e.Reason == api.ReasonMissingToken {
				h(w, r, citizen{})
				return
			}
			// Seeded defect www-authenticate-missing: the 401 carries no
			// challenge, so a client cannot tell which scheme to use.
			if _, on := s.defect(defectChallengeMissing, service); !on {
				w.Header().Set("WWW-Authenticate", challenge(e))
			}
			writeAPIError(w, e)
			return
		}
		h(w, r, c)
	}
}

// challenge is the WWW-Authenticate header of a 401 (RFC 6750 §3): a
// request without credentials gets the bare scheme, a bad token
// error="invalid_token".
func challenge(e *api.APIError) string {
	if e.Reason == api.ReasonMissingToken {
		return `Bearer realm="dvcqa-portal"`
	}
	return `Bearer realm="dvcqa-portal", error="invalid_token"`
}

// requestService is the catalog id a request names in its path (a
// service's form, or one of its dossiers), "" when it names none: a submit
// names its service only in the body, read after authentication. Only
// seeded defects scoped to a service need it.
func (s *Server) requestService(r *http.Request) string {
	id := r.PathValue("id")
	if id == "" || s.opts.Defects == nil {
		return ""
	}
	if _, ok := s.opts.Catalog.Service(id); ok {
		return id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.dossiers[id]; d != nil {
		return d.serviceID
	}
	return ""
}

// authenticate verifies the bearer ID token: signature against the SSO's
// keys, issuer, expiry (real time: the SSO does not use the world clock) and
// audience. Each failure has its own reason so specs can tell them apart.
// service is the catalog id the request names, "" when not known.
func (s *Server) authenticate(r *http.Request, service string) (citizen, *api.APIError) {
	scheme, raw, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	raw = strings.TrimSpace(raw)
	if !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return citizen{}, unauthenticated(api.ReasonMissingToken, "a bearer ID token is required", "Vui lòng đăng nhập bằng tài khoản định danh điện tử")
	}
	c, _, e := s.verifyIDToken(r.Context(), raw, service)
	return c, e
}

func unauthenticated(reason, msg, msgVI string) *api.APIError {
	return &api.APIError{Status: http.StatusUnauthorized, Code: api.CodeUnauthenticated, Reason: reason, Message: msg, MessageVI: msgVI}
}

// verifyIDToken checks a raw ID token the way the API does; the web login
// (web_login.go) verifies the token it gets from the SSO here too, so both
// doors share the checks and the seeded SSO defects.
func (s *Server) verifyIDToken(ctx context.Context, raw, service string) (citizen, *oidc.IDToken, *api.APIError) {
	fail := func(reason, msg, msgVI string) (citizen, *oidc.IDToken, *api.APIError) {
		return citizen{}, nil, unauthenticated(reason, msg, msgVI)
	}
	if strings.Count(raw, ".") != 2 {
		return fail(api.ReasonMalformed, "the token is not a JWT", "Mã xác thực không đúng định dạng")
	}
	// Seeded defects sso-token-not-verified (the signature is never
	// checked; the claims are still decoded and exp, iss, aud checked) and
	// sso-expired-accepted (expiry is not checked).
	_, skipSignature := s.defect(defectTokenNotVerified, service)
	_, skipExpiry := s.defect(defectExpiredAccepted, service)
	verifier := s.verifier
	if skipSignature || skipExpiry {
		verifier = oidc.NewVerifier(s.opts.SSOIssuer, s.keySet, &oidc.Config{SkipClientIDCheck: true, SkipIssuerCheck: true,
			InsecureSkipSignatureCheck: skipSignature, SkipExpiryCheck: skipExpiry})
	}
	// The signature is checked on its own first: go-oidc's errors are not
	// typed, and a forged token must never be reported as merely expired.
	if !skipSignature {
		if _, err := s.keySet.VerifySignature(ctx, raw); err != nil {
			return fail(api.ReasonBadSignature, "token signature is not valid", "Chữ ký của mã xác thực không hợp lệ")
		}
	}
	tok, err := verifier.Verify(ctx, raw)
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
		NgaySinh   string `json:"NgayThangNamSinh"`
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
	return citizen{ID: id, Name: claims.HoVaTen, DOB: claims.NgaySinh}, tok, nil
}
