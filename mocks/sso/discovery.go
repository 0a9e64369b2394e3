package sso

import (
	"math/big"
	"net/http"

	apisso "github.com/dvcqa/dvcqa/api/sso"
)

// Scopes the provider knows; others are ignored (RFC 6749 §3.3 lets the
// server grant less than asked).
var supportedScopes = []string{"openid", "profile"}

func (s *Server) discovery(w http.ResponseWriter, _ *http.Request) {
	d := apisso.Discovery{
		Issuer:                            s.issuer,
		AuthorizationEndpoint:             s.issuer + "/authorize",
		TokenEndpoint:                     s.issuer + "/token",
		UserinfoEndpoint:                  s.issuer + "/userinfo",
		JWKSURI:                           s.issuer + "/jwks",
		EndSessionEndpoint:                s.issuer + "/logout",
		ResponseTypesSupported:            []string{"code"},
		GrantTypesSupported:               []string{"authorization_code", "refresh_token"},
		CodeChallengeMethodsSupported:     []string{"S256"},
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		SubjectTypesSupported:             []string{"public"},
		ScopesSupported:                   supportedScopes,
		TokenEndpointAuthMethodsSupported: []string{"none", "client_secret_basic", "client_secret_post"},
		ClaimsSupported:                   append([]string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce"}, userinfoClaims...),
	}
	if s.defect(defectDiscoveryIncomplete) {
		// Seeded defect: PKCE and refresh work, but the document no longer
		// says so (both fields are omitempty).
		d.CodeChallengeMethodsSupported, d.GrantTypesSupported = nil, nil
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) jwks(w http.ResponseWriter, _ *http.Request) {
	pub := &s.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA",
		"use": "sig",
		"alg": "RS256",
		"kid": s.kid,
		"n":   b64.EncodeToString(pub.N.Bytes()),
		"e":   b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}
