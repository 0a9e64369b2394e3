package sso

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
)

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	if err := parseForm(w, r); err != nil {
		writeOAuthError(w, invalidRequest("malformed form body"))
		return
	}
	form := r.PostForm
	for k, v := range form {
		if len(v) > 1 { // RFC 6749 §3.2
			writeOAuthError(w, invalidRequest("parameter "+k+" is repeated"))
			return
		}
	}
	c, err := s.authenticateClient(r)
	if err != nil {
		writeOAuthError(w, err)
		return
	}
	var g *grant
	var family, scope string
	switch gt := form.Get("grant_type"); gt {
	case "authorization_code":
		g, family, err = s.codeGrant(c, form)
		if g != nil {
			scope = g.scope
		}
	case "refresh_token":
		g, family, scope, err = s.refreshGrant(c, form)
	case "":
		err = invalidRequest("grant_type is required")
	default:
		err = &oauthError{http.StatusBadRequest, "unsupported_grant_type", "grant_type " + gt + " is not supported"}
	}
	if err != nil {
		writeOAuthError(w, err)
		return
	}
	resp, err := s.issue(c, *g, family, scope)
	if err != nil {
		writeOAuthError(w, err)
		return
	}
	if form.Get("grant_type") == "refresh_token" && s.defect(defectRefreshNotRotated) {
		// Seeded defect: the presented refresh token is answered again; the
		// successor issue stored is never handed out and expires unused.
		resp.RefreshToken = form.Get("refresh_token")
	}
	httpx.JSON(w, http.StatusOK, resp)
}

// authenticateClient implements client_secret_basic, client_secret_post and
// none (public clients: client_id only). Presenting two methods is an error
// (RFC 6749 §2.3).
func (s *Server) authenticateClient(r *http.Request) (Client, error) {
	form := r.PostForm
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: id and secret are form-encoded inside Basic.
		id, secret = formUnescape(id), formUnescape(secret)
		if form.Has("client_secret") {
			return Client{}, invalidRequest("use one client authentication method, not Basic and client_secret")
		}
		if f := form.Get("client_id"); f != "" && f != id {
			return Client{}, invalidRequest("client_id differs from the one in HTTP Basic")
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if id == "" {
		return Client{}, invalidClient("client_id is required")
	}
	c, ok := s.clients[id]
	if !ok {
		return Client{}, invalidClient("unknown client")
	}
	// Public clients have Secret "": they must then present none.
	if subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		return Client{}, invalidClient("client authentication failed")
	}
	return c, nil
}

func formUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// codeGrant redeems a code; the tokens it yields start a family.
func (s *Server) codeGrant(c Client, form url.Values) (*grant, string, error) {
	code := form.Get("code")
	if code == "" {
		return nil, "", invalidRequest("code is required")
	}
	family := rand.Text()
	ac, ok, replay := s.takeCode(code, family)
	switch {
	case replay:
		return nil, "", invalidGrant("authorization code already used; the tokens issued from it are revoked")
	case !ok:
		return nil, "", invalidGrant("authorization code is unknown or already used")
	case ac.clientID != c.ID:
		return nil, "", invalidGrant("authorization code was issued to another client")
	case s.now().After(ac.expires):
		return nil, "", invalidGrant("authorization code expired")
	case form.Get("redirect_uri") != ac.redirectURI:
		return nil, "", invalidGrant("redirect_uri does not match the authorization request")
	}
	verifier := form.Get("code_verifier")
	switch {
	case ac.challenge == "" && verifier != "":
		return nil, "", invalidGrant("code_verifier sent, but the authorization request had no code_challenge")
	case ac.challenge == "":
	case verifier == "":
		return nil, "", invalidGrant("code_verifier is required")
	case !validVerifier(verifier):
		return nil, "", invalidRequest("code_verifier must be 43-128 characters of [A-Za-z0-9-._~]")
	case s.defect(defectPKCEVerifierIgnored):
		// Seeded defect: any well-formed verifier passes (RFC 7636 §4.6 unchecked).
	default:
		sum := sha256.Sum256([]byte(verifier))
		if subtle.ConstantTimeCompare([]byte(b64.EncodeToString(sum[:])), []byte(ac.challenge)) != 1 {
			return nil, "", invalidGrant("code_verifier does not match code_challenge")
		}
	}
	return &ac.grant, family, nil
}

// validVerifier checks RFC 7636 §4.1's syntax.
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for _, r := range v {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~", r)) {
			return false
		}
	}
	return true
}

// refreshGrant returns a copy of the grant behind a refresh token, its
// family and the scope of the new access token: the one asked for, which
// must be within the grant's (RFC 6749 §6), else the grant's. The new
// refresh token keeps the grant's scope.
func (s *Server) refreshGrant(c Client, form url.Values) (*grant, string, string, error) {
	rt := form.Get("refresh_token")
	if rt == "" {
		return nil, "", "", invalidRequest("refresh_token is required")
	}
	asked, narrowed := form["scope"]
	if narrowed && !slices.Contains(strings.Fields(asked[0]), "openid") {
		return nil, "", "", &oauthError{http.StatusBadRequest, "invalid_scope", "scope must include openid"}
	}
	s.mu.Lock()
	known, ok := s.refresh[rt]
	s.mu.Unlock()
	if ok && known.clientID == c.ID && narrowed && !subsetScope(asked[0], known.scope) && !s.defect(defectRefreshWidensScope) {
		// Checked before rotation: a refused request leaves the token usable.
		return nil, "", "", &oauthError{http.StatusBadRequest, "invalid_scope", "scope asks for more than the refresh token was granted"}
	}
	rg, err := s.rotateRefresh(rt, c.ID)
	if err != nil {
		return nil, "", "", err
	}
	g := rg.grant
	scope := g.scope
	if narrowed {
		scope = grantedScopes(strings.Fields(asked[0]))
		if s.defect(defectRefreshWidensScope) {
			g.scope = scope // seeded defect: the wider scope sticks to the new refresh token too
		}
	}
	return &g, rg.family, scope, nil
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	IDToken      string `json:"id_token"`
	Scope        string `json:"scope"`
}

// longTTL is the lifetime seeded defect sso-token-lifetime-too-long gives
// the tokens of clients whose lifetime is a minute or more.
const longTTL = 24 * time.Hour

// issue signs the ID and access tokens of a grant, for scope (the grant's
// or, on a refresh, a narrower one), and a new refresh token in the family.
func (s *Server) issue(c Client, g grant, family, scope string) (*tokenResponse, error) {
	a, ok := s.accounts[g.sub]
	if !ok {
		return nil, invalidGrant("account no longer exists")
	}
	if family == "" {
		family = rand.Text()
	}
	ttl := c.TokenTTL
	if ttl >= time.Minute && s.defect(defectTokenLifetimeTooLong) {
		ttl = longTTL // seeded defect: a day-long bearer token
	}
	now := s.now()
	exp := now.Add(ttl)
	id := map[string]any{
		"iss":          s.issuer,
		"sub":          g.sub,
		"aud":          c.ID,
		"exp":          exp.Unix(),
		"iat":          now.Unix(),
		"auth_time":    g.authTime.Unix(),
		"SoDinhDanh":   g.sub,
		"LoaiTaiKhoan": accountTypeCitizen,
	}
	if g.nonce != "" {
		id["nonce"] = g.nonce
	}
	if g.acr != "" {
		id["acr"] = g.acr // wso2: the level of assurance (OIDC Core §2)
	}
	if s.defect(defectIssuedInFuture) {
		id["iat"] = now.Add(ttl / 2).Unix() // seeded defect: issued "later", still before exp
	}
	for _, k := range scopeClaims["profile"] { // the ID token carries the profile claims the scope releases
		if v := a.Claims[k]; v != "" && s.releasedClaim(scope, k) {
			id[k] = v
		}
	}
	idToken, err := s.sign(typIDToken, id)
	if err != nil {
		return nil, serverError(err)
	}
	jti := rand.Text()
	access, err := s.sign(typAccessToken, map[string]any{
		"iss":       s.issuer,
		"sub":       g.sub,
		"aud":       c.ID,
		"client_id": c.ID,
		"exp":       exp.Unix(),
		"iat":       now.Unix(),
		"jti":       jti,
		"scope":     scope,
	})
	if err != nil {
		return nil, serverError(err)
	}
	s.noteIssued(family, jti, exp)
	g.nonce = "" // a refreshed ID token carries none (OIDC Core §12.2)
	refresh := s.putRefresh(&refreshGrant{grant: g, family: family, expires: now.Add(RefreshTTL)})
	return &tokenResponse{
		AccessToken:  access,
		TokenType:    "Bearer",
		ExpiresIn:    int64(ttl.Seconds()),
		RefreshToken: refresh,
		IDToken:      idToken,
		Scope:        scope,
	}, nil
}
