package sso

import (
	"strings"
	"testing"
	"time"
)

// Golden vectors of the ID-token rules.
//
// [OIDC2] OpenID Connect Core 1.0 §2 publishes this ID token's claims:
//
//	{"iss": "https://server.example.com", "sub": "24400320",
//	 "aud": "s6BhdRkqt3", "nonce": "n-0S6_WzA2Mj", "exp": 1311281970,
//	 "iat": 1311280970, "auth_time": 1311280969,
//	 "acr": "urn:mace:incommon:iap:silver"}
//
// and §A uses kid "1e9gdk7" with RS256. The header and payload below are
// those JSON texts base64url-encoded by coreutils
// (printf '%s' '<json>' | base64 -w0 | tr '+/' '-_' | tr -d '='); the
// signature part is a placeholder, the rules do not check signatures.
//
// [RFC7519] RFC 7519 §3.1's example JWT, copied from the RFC: HS256,
// iss "joe", exp 1300819380.
const (
	oidcHeader  = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjFlOWdkazcifQ"
	oidcPayload = "eyJpc3MiOiJodHRwczovL3NlcnZlci5leGFtcGxlLmNvbSIsInN1YiI6IjI0NDAwMzIwIiwiYXVkIjoiczZCaGRSa3F0MyIsIm5vbmNlIjoibi0wUzZfV3pBMk1qIiwiZXhwIjoxMzExMjgxOTcwLCJpYXQiOjEzMTEyODA5NzAsImF1dGhfdGltZSI6MTMxMTI4MDk2OSwiYWNyIjoidXJuOm1hY2U6aW5jb21tb246aWFwOnNpbHZlciJ9"
	oidcToken   = oidcHeader + "." + oidcPayload + ".c2lnbmF0dXJl"
	rfc7519JWT  = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	noneHeader  = "eyJhbGciOiJub25lIn0" // {"alg":"none"}
)

// oidcRules accept [OIDC2] at a time between its iat and exp.
func oidcRules() IDTokenRules {
	return IDTokenRules{Issuer: "https://server.example.com", ClientID: "s6BhdRkqt3", Nonce: "n-0S6_WzA2Mj",
		Now: time.Unix(1311281000, 0), Skew: time.Minute}
}

func TestIDTokenRulesGoldenVectors(t *testing.T) {
	if p := oidcRules().Problems(oidcToken); len(p) != 0 {
		t.Fatalf("the OIDC Core §2 example token, in its validity window: %v", p)
	}
	for _, tt := range []struct {
		what  string
		rules func(r *IDTokenRules)
		token string
		want  string // a word of the single problem expected
	}{
		{"another issuer", func(r *IDTokenRules) { r.Issuer = "https://server.example.com/" }, oidcToken, "iss"},
		{"another client", func(r *IDTokenRules) { r.ClientID = "dvcqa-portal" }, oidcToken, "aud"},
		{"another nonce", func(r *IDTokenRules) { r.Nonce = "n-other" }, oidcToken, "nonce"},
		{"at exp exactly (exp is exclusive)", func(r *IDTokenRules) { r.Now = time.Unix(1311281970, 0) }, oidcToken, "expired"},
		{"one second after exp", func(r *IDTokenRules) { r.Now = time.Unix(1311281971, 0) }, oidcToken, "expired"},
		{"iat more than the skew ahead", func(r *IDTokenRules) { r.Now = time.Unix(1311280970-61, 0) }, oidcToken, "future"},
		{"alg none", func(*IDTokenRules) {}, noneHeader + "." + oidcPayload + ".", "alg"},
		{"only ES256 accepted", func(r *IDTokenRules) { r.Algs = []string{"ES256"} }, oidcToken, "alg"},
		{"not three parts", func(*IDTokenRules) {}, oidcHeader + "." + oidcPayload, "compact"},
		{"payload not base64url", func(*IDTokenRules) {}, oidcHeader + ".%%%.x", "base64url"},
	} {
		r := oidcRules()
		tt.rules(&r)
		p := r.Problems(tt.token)
		if len(p) != 1 || !strings.Contains(p[0], tt.want) {
			t.Errorf("%s: problems %v, want one about %q", tt.what, p, tt.want)
		}
	}
	// Within the skew, a token issued a little "in the future" is fine.
	r := oidcRules()
	r.Now = time.Unix(1311280970-59, 0)
	if p := r.Problems(oidcToken); len(p) != 0 {
		t.Errorf("iat 59 s ahead with a 60 s skew: %v", p)
	}
	// Nonce required but not known: present is enough; the refresh case
	// (no nonce sent, none required) accepts a token without one.
	r = oidcRules()
	r.Nonce, r.RequireNonce = "", true
	if p := r.Problems(oidcToken); len(p) != 0 {
		t.Errorf("nonce required and present: %v", p)
	}

	// [RFC7519]: HS256, no aud, no iat, no sub — refused on every count.
	p := IDTokenRules{Issuer: "joe", ClientID: "s6BhdRkqt3", Now: time.Unix(1300819379, 0)}.Problems(rfc7519JWT)
	for _, want := range []string{"alg", "aud", "sub", "exp or iat"} {
		if !strings.Contains(strings.Join(p, "\n"), want) {
			t.Errorf("RFC 7519 §3.1 example: problems %v lack one about %q", p, want)
		}
	}
	if len(p) != 4 {
		t.Errorf("RFC 7519 §3.1 example: %d problems, want 4: %v", len(p), p)
	}
}

func TestIDTokenRulesAudienceAndAzp(t *testing.T) {
	base := func() map[string]any {
		return map[string]any{"iss": "https://server.example.com", "sub": "24400320", "exp": float64(1311281970), "iat": float64(1311280970), "nonce": "n-0S6_WzA2Mj"}
	}
	r := oidcRules()
	for _, tt := range []struct {
		aud  any
		azp  string
		want int
	}{
		{"s6BhdRkqt3", "", 0},
		{[]any{"s6BhdRkqt3"}, "", 0},
		{[]any{"s6BhdRkqt3", "other"}, "s6BhdRkqt3", 0}, // several audiences, azp names the client (OIDC Core rules 4–5)
		{[]any{"s6BhdRkqt3", "other"}, "", 1},           // several audiences without azp
		{"s6BhdRkqt3", "other", 1},                      // azp names another party
		{[]any{"other"}, "", 1},
		{nil, "", 1},
	} {
		c := base()
		if tt.aud != nil {
			c["aud"] = tt.aud
		}
		if tt.azp != "" {
			c["azp"] = tt.azp
		}
		if p := r.ClaimsProblems(c); len(p) != tt.want {
			t.Errorf("aud %v azp %q: problems %v, want %d", tt.aud, tt.azp, p, tt.want)
		}
	}
}
