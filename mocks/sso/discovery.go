package sso

import (
	"math/big"
	"net/http"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	"github.com/dvcqa/dvcqa/vocab"
)

// discoveryDoc is the OpenID Provider Metadata (OpenID Connect Discovery
// 1.0 §3) the mock publishes; the omitempty members may be left out.
type discoveryDoc struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	EndSessionEndpoint                string   `json:"end_session_endpoint,omitempty"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported,omitempty"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported,omitempty"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	ScopesSupported                   []string `json:"scopes_supported,omitempty"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	ClaimsSupported                   []string `json:"claims_supported,omitempty"`
	ACRValuesSupported                []string `json:"acr_values_supported,omitempty"`
}

func (s *Server) discovery(w http.ResponseWriter, _ *http.Request) {
	d := discoveryDoc{
		Issuer:                            s.issuer,
		AuthorizationEndpoint:             s.base + "/authorize",
		TokenEndpoint:                     s.base + "/token",
		UserinfoEndpoint:                  s.base + "/userinfo",
		JWKSURI:                           s.base + "/jwks",
		EndSessionEndpoint:                s.base + "/logout",
		ResponseTypesSupported:            []string{"code"},
		GrantTypesSupported:               []string{"authorization_code", "refresh_token"},
		CodeChallengeMethodsSupported:     []string{"S256"},
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		SubjectTypesSupported:             []string{"public"},
		ScopesSupported:                   supportedScopes,
		TokenEndpointAuthMethodsSupported: []string{"none", "client_secret_basic", "client_secret_post"},
		ClaimsSupported:                   append([]string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce"}, userinfoClaims...),
	}
	if s.dialect == vocab.DialectSSOWSO2 {
		s.wso2Discovery(&d)
	}
	if s.defect(defectDiscoveryIncomplete) {
		// Seeded defect: PKCE and refresh work, but the document no longer
		// says so (both fields are omitempty).
		d.CodeChallengeMethodsSupported, d.GrantTypesSupported = nil, nil
	}
	httpx.JSON(w, http.StatusOK, d)
}

func (s *Server) jwks(w http.ResponseWriter, _ *http.Request) {
	pub := &s.key.PublicKey
	key := map[string]string{
		"kty": "RSA",
		"use": "sig", // RFC 7517 §4.2: the key verifies signatures
		"alg": "RS256",
		"kid": s.kid,
		"n":   b64.EncodeToString(pub.N.Bytes()),
		"e":   b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}
	if s.defect(defectJWKSUseMissing) {
		delete(key, "use") // seeded defect: the key's use is not said
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{key}})
}
