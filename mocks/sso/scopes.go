package sso

import (
	"slices"
	"strings"
)

// Scopes the provider knows; others are ignored (RFC 6749 §3.3 lets the
// server grant less than asked). Besides openid they are OIDC Core §5.4's
// standard scopes, each releasing the contract's Vietnamese counterparts
// of its claims (docs/contracts.md, SSO).
var supportedScopes = []string{"openid", "profile", "address", "phone", "email"}

// scopeClaims is OIDC Core §5.4 mapped onto the contract's claims: name,
// birthdate and gender are profile, the permanent address is address, the
// phone number phone and the e-mail address email.
var scopeClaims = map[string][]string{
	"profile": {"HoVaTen", "NgayThangNamSinh", "GioiTinh"},
	"address": {"ThuongTru"},
	"phone":   {"SoDienThoai"},
	"email":   {"ThuDienTu"},
}

// grantedScopes keeps the supported scopes asked for, in the provider's
// order.
func grantedScopes(asked []string) string {
	var granted []string
	for _, sc := range supportedScopes {
		if slices.Contains(asked, sc) {
			granted = append(granted, sc)
		}
	}
	return strings.Join(granted, " ")
}

// releasedClaim reports whether a scope string releases the identity claim
// k. sub, SoDinhDanh and LoaiTaiKhoan are always released: they identify
// the account, which is what openid asks for.
func (s *Server) releasedClaim(scope, k string) bool {
	if s.defect(defectClaimsBeyondScope) {
		return true // seeded defect: every claim, whatever the scope
	}
	for _, sc := range strings.Fields(scope) {
		if slices.Contains(scopeClaims[sc], k) {
			return true
		}
	}
	return false
}

// subsetScope: every scope in asked is in granted (RFC 6749 §6).
func subsetScope(asked, granted string) bool {
	g := strings.Fields(granted)
	for _, sc := range strings.Fields(asked) {
		if !slices.Contains(g, sc) {
			return false
		}
	}
	return true
}
