package sso_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/oauth2"
)

// TestStandardClientsInteroperate runs the flow with x/oauth2 and go-oidc
// only, configured from discovery, as any relying party would.
func TestStandardClientsInteroperate(t *testing.T) {
	e := newEnv(t)
	provider := e.provider()
	cfg := &oauth2.Config{
		ClientID: publicID, RedirectURL: redirectURI, Endpoint: provider.Endpoint(),
		Scopes: []string{oidc.ScopeOpenID, "profile", "address", "phone", "email"},
	}
	cfg.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	verifier := oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL("state-1", oidc.Nonce("nonce-1"), oauth2.S256ChallengeOption(verifier))

	tok, err := cfg.Exchange(e.ctx, e.code(authURL, "state-1"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if tok.TokenType != "Bearer" || tok.RefreshToken == "" || tok.Extra("scope") != "openid profile address phone email" {
		t.Errorf("token = %+v scope %v", tok, tok.Extra("scope"))
	}
	if d := time.Until(tok.Expiry); d < 9*time.Minute || d > 11*time.Minute {
		t.Errorf("access token expires in %v, want the default 10m", d)
	}

	idt, err := provider.Verifier(&oidc.Config{ClientID: publicID}).Verify(e.ctx, idToken(t, tok))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if idt.Nonce != "nonce-1" || idt.Subject != citizenID || idt.Issuer != e.issuer {
		t.Errorf("ID token nonce %q sub %q iss %q", idt.Nonce, idt.Subject, idt.Issuer)
	}
	if got := idt.Expiry.Sub(idt.IssuedAt); got != 10*time.Minute {
		t.Errorf("exp - iat = %v, want the client's TTL 10m", got)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{
		"aud": publicID, "SoDinhDanh": citizenID, "HoVaTen": citizenName,
		"NgayThangNamSinh": "19900215", "GioiTinh": "2", "LoaiTaiKhoan": "1",
		"auth_time": float64(e.start.Unix()),
	} {
		if claims[k] != want {
			t.Errorf("ID token %s = %v, want %v", k, claims[k], want)
		}
	}

	ui, err := provider.UserInfo(e.ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("UserInfo: %v", err)
	}
	var info map[string]string
	if err := ui.Claims(&info); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"sub": citizenID, "SoDinhDanh": citizenID, "HoVaTen": citizenName, "ThuongTru": "Phường Ba Đình, Hà Nội",
		"SoDienThoai": "0912345678", "ThuDienTu": "hoa@example.vn", "LoaiTaiKhoan": "1",
	} {
		if info[k] != want {
			t.Errorf("userinfo %s = %q, want %q", k, info[k], want)
		}
	}
}

func TestConfidentialClientAuthMethods(t *testing.T) {
	e := newEnv(t)
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		cfg := e.oauthConfig(confID, confSecret, confRedirect, style)
		// Confidential clients may skip PKCE.
		authURL := cfg.AuthCodeURL("s", oidc.Nonce("n"))
		tok, err := cfg.Exchange(e.ctx, e.code(authURL, "s"))
		if err != nil {
			t.Fatalf("auth style %d: Exchange: %v", style, err)
		}
		if tok.AccessToken == "" || time.Until(tok.Expiry) > 2*time.Minute {
			t.Errorf("auth style %d: token %+v, want the client's 1m TTL", style, tok)
		}
	}

	authURL := e.oauthConfig(confID, confSecret, confRedirect, 0).AuthCodeURL("s")
	form := url.Values{"grant_type": {"authorization_code"}, "code": {e.code(authURL, "s")}, "redirect_uri": {confRedirect}}
	status, m := e.tokenRequest(form, func(r *http.Request) { r.SetBasicAuth(confID, "wrong") })
	wantOAuthError(t, status, m, http.StatusUnauthorized, "invalid_client")

	form.Set("client_secret", confSecret)
	status, m = e.tokenRequest(form, func(r *http.Request) { r.SetBasicAuth(confID, url.QueryEscape(confSecret)) })
	wantOAuthError(t, status, m, http.StatusBadRequest, "invalid_request")

	form.Del("client_secret")
	form.Set("client_id", confID)
	status, m = e.tokenRequest(form)
	wantOAuthError(t, status, m, http.StatusUnauthorized, "invalid_client")
}

func TestWrongPasswordRendersPageWith401(t *testing.T) {
	e := newEnv(t)
	authURL := e.publicConfig().AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	for _, user := range []string{citizenID, "009999999999", "not-an-id"} {
		resp, body := e.login(authURL, user, "wrong-password")
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Location") != "" {
			t.Fatalf("user %s: status %d, location %q, want 401 without redirect", user, resp.StatusCode, resp.Header.Get("Location"))
		}
		doc := parseHTML(t, body)
		alert := find(doc, func(n *html.Node) bool { return attr(n, "role") == "alert" })
		if alert == nil || textOf(alert) != "Số định danh hoặc mật khẩu không đúng" {
			t.Errorf("user %s: no error message on the page:\n%s", user, body)
		}
		form := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Form })
		if form == nil || hiddenInputs(form).Get("code_challenge") == "" {
			t.Errorf("user %s: re-rendered page lost the authorization request", user)
		}
		if strings.Contains(string(body), "wrong-password") {
			t.Errorf("user %s: the page echoes the password", user)
		}
	}
}

func TestPKCEVerifierMustMatch(t *testing.T) {
	e := newEnv(t)
	cfg := e.publicConfig()
	authURL := cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	_, err := cfg.Exchange(e.ctx, e.code(authURL, "s"), oauth2.VerifierOption(oauth2.GenerateVerifier()))
	wantRetrieveError(t, err, "invalid_grant")

	authURL = cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	_, err = cfg.Exchange(e.ctx, e.code(authURL, "s"))
	wantRetrieveError(t, err, "invalid_grant")
}

func TestCodeIsSingleUse(t *testing.T) {
	e := newEnv(t)
	cfg := e.publicConfig()
	verifier := oauth2.GenerateVerifier()
	code := e.code(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "s")
	if _, err := cfg.Exchange(e.ctx, code, oauth2.VerifierOption(verifier)); err != nil {
		t.Fatalf("first exchange: %v", err)
	}
	_, err := cfg.Exchange(e.ctx, code, oauth2.VerifierOption(verifier))
	wantRetrieveError(t, err, "invalid_grant")
}

func TestCodeExpiresAfter60s(t *testing.T) {
	e := newEnv(t)
	cfg := e.publicConfig()
	verifier := oauth2.GenerateVerifier()
	code := e.code(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "s")
	e.clock.Add(61 * time.Second)
	_, err := cfg.Exchange(e.ctx, code, oauth2.VerifierOption(verifier))
	wantRetrieveError(t, err, "invalid_grant")
}

func TestRedirectURIMustMatchAtExchange(t *testing.T) {
	e := newEnv(t)
	cfg := e.publicConfig()
	verifier := oauth2.GenerateVerifier()
	code := e.code(cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "s")
	cfg.RedirectURL = redirectURI + "/other"
	_, err := cfg.Exchange(e.ctx, code, oauth2.VerifierOption(verifier))
	wantRetrieveError(t, err, "invalid_grant")
}

func wantRetrieveError(t *testing.T, err error, code string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("error %v, want an oauth2 %q", err, code)
	}
	if re.ErrorCode != code || re.ErrorDescription == "" || re.Response.StatusCode != http.StatusBadRequest {
		t.Errorf("got %d %q %q, want 400 %q with a description", re.Response.StatusCode, re.ErrorCode, re.ErrorDescription, code)
	}
}
