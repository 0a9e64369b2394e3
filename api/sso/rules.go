package sso

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// IDTokenRules are the harness's own reference for what makes an ID token
// acceptable to a client, OpenID Connect Core 1.0 §3.1.3.7 (and RFC 7519 for
// the JWT shape): written apart from go-oidc (which the client also runs,
// for the signature) and from the SSO mock. Signatures are not checked
// here.
type IDTokenRules struct {
	Issuer   string // iss must equal it exactly (rule 2)
	ClientID string // aud must contain it; azp, when present, must be it (rules 3–5)
	// Nonce, when set, must be the token's nonce (rule 11); RequireNonce
	// asks for a nonce without knowing its value.
	Nonce        string
	RequireNonce bool
	Now          time.Time     // exp must be after it (rule 9)
	Skew         time.Duration // how far the provider's clock may be ahead (iat, rule 10)
	Algs         []string      // accepted JWS algorithms; nil means RS256, the default (rule 7)
	// ACRValues, when set, are the acr_values requested: the token's acr
	// must be at least the lowest level asked for (LoA<n> compared by n),
	// or one of them exactly when they are not LoA levels (OIDC Core §2).
	ACRValues string
}

// Problems checks a compact JWT's header and claims; nil means none.
func (r IDTokenRules) Problems(raw string) []string {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return []string{fmt.Sprintf("ID token is not a compact JWS: %d parts, want 3", len(parts))}
	}
	var header map[string]any
	if err := decodeSegment(parts[0], &header); err != nil {
		return []string{"ID token header: " + err.Error()}
	}
	var claims map[string]any
	if err := decodeSegment(parts[1], &claims); err != nil {
		return []string{"ID token claims: " + err.Error()}
	}
	return append(r.HeaderProblems(header), r.ClaimsProblems(claims)...)
}

// HeaderProblems checks the JOSE header: an accepted asymmetric algorithm
// (never "none", never an HMAC keyed with a secret a public client lacks).
func (r IDTokenRules) HeaderProblems(header map[string]any) []string {
	algs := r.Algs
	if algs == nil {
		algs = []string{"RS256"}
	}
	alg, _ := header["alg"].(string)
	if !slices.Contains(algs, alg) || alg == "none" || strings.HasPrefix(alg, "HS") {
		return []string{fmt.Sprintf("ID token alg %q, want one of %v", alg, algs)}
	}
	return nil
}

// ClaimsProblems checks the claims, one problem per claim that fails.
func (r IDTokenRules) ClaimsProblems(claims map[string]any) []string {
	var p []string
	str := func(k string) string { s, _ := claims[k].(string); return s }
	if got := str("iss"); got != r.Issuer {
		p = append(p, fmt.Sprintf("ID token iss %q ≠ issuer %q", got, r.Issuer))
	}
	var aud []string
	switch a := claims["aud"].(type) {
	case string:
		aud = []string{a}
	case []any:
		for _, v := range a {
			if s, ok := v.(string); ok {
				aud = append(aud, s)
			}
		}
	}
	switch azp, hasAzp := claims["azp"].(string); {
	case !slices.Contains(aud, r.ClientID):
		p = append(p, fmt.Sprintf("ID token aud %v does not contain the client %q", claims["aud"], r.ClientID))
	case hasAzp && azp != r.ClientID:
		p = append(p, fmt.Sprintf("ID token azp %q ≠ client %q", azp, r.ClientID))
	case len(aud) > 1 && !hasAzp:
		p = append(p, fmt.Sprintf("ID token has several audiences %v and no azp", aud))
	}
	if str("sub") == "" {
		p = append(p, "ID token has no sub")
	}
	exp, okExp := claims["exp"].(float64)
	iat, okIat := claims["iat"].(float64)
	switch {
	case !okExp || !okIat:
		p = append(p, "ID token lacks a numeric exp or iat")
	case exp <= iat:
		p = append(p, fmt.Sprintf("ID token exp %d is not after iat %d", int64(exp), int64(iat)))
	case !time.Unix(int64(exp), 0).After(r.Now):
		p = append(p, fmt.Sprintf("ID token expired: exp %d, now %d", int64(exp), r.Now.Unix()))
	case time.Unix(int64(iat), 0).After(r.Now.Add(r.Skew)):
		p = append(p, fmt.Sprintf("ID token issued in the future: iat %d, now %d (skew %s)", int64(iat), r.Now.Unix(), r.Skew))
	}
	switch nonce := str("nonce"); {
	case r.Nonce != "" && nonce != r.Nonce:
		p = append(p, fmt.Sprintf("ID token nonce %q does not answer the nonce sent", nonce))
	case r.Nonce == "" && r.RequireNonce && nonce == "":
		p = append(p, "ID token carries no nonce")
	}
	if r.ACRValues != "" {
		if why := ACRProblem(str("acr"), r.ACRValues); why != "" {
			p = append(p, why)
		}
	}
	return p
}

// loaLevel reads "LoA2" (any case) as 2; ok false for anything else.
func loaLevel(v string) (int, bool) {
	if len(v) < 4 || !strings.EqualFold(v[:3], "loa") {
		return 0, false
	}
	n := 0
	for _, r := range v[3:] {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

// ACRProblem says why an ID token's acr does not answer the acr_values
// requested, "" when it does: LoA levels (the national portal's LoA1…,
// unverified beyond LoA1) compare by number, the lowest requested being
// the minimum; other values must match one requested.
func ACRProblem(acr, requested string) string {
	asked := strings.Fields(requested)
	if len(asked) == 0 {
		return ""
	}
	if acr == "" {
		return fmt.Sprintf("ID token has no acr, want at least %s (acr_values %q)", asked[0], requested)
	}
	minLevel, allLoA := -1, true
	for _, a := range asked {
		n, ok := loaLevel(a)
		if !ok {
			allLoA = false
			break
		}
		if minLevel < 0 || n < minLevel {
			minLevel = n
		}
	}
	if got, ok := loaLevel(acr); allLoA && ok {
		if got < minLevel {
			return fmt.Sprintf("ID token acr %q is below the level requested (acr_values %q)", acr, requested)
		}
		return ""
	}
	if !slices.Contains(asked, acr) {
		return fmt.Sprintf("ID token acr %q is none of acr_values %q", acr, requested)
	}
	return ""
}

// decodeSegment reads one base64url JSON segment of a JWT (RFC 7515 §2: no
// padding).
func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return fmt.Errorf("not base64url: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return nil
}
