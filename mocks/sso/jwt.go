package sso

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// JWT "typ" headers: access tokens use RFC 9068's at+jwt so that an ID token
// is never accepted where an access token is expected.
const (
	typIDToken     = "JWT"
	typAccessToken = "at+jwt"
)

type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid"`
}

var b64 = base64.RawURLEncoding

// keyID is the RFC 7638 JWK thumbprint of the public key, so the kid is
// stable for a given key.
func keyID(pub *rsa.PublicKey) string {
	jwk := fmt.Sprintf(`{"e":%q,"kty":"RSA","n":%q}`, b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()), b64.EncodeToString(pub.N.Bytes()))
	sum := sha256.Sum256([]byte(jwk))
	return b64.EncodeToString(sum[:])
}

// sign makes a compact RS256 JWS of the claims.
func (s *Server) sign(typ string, claims map[string]any) (string, error) {
	header, err := json.Marshal(jwtHeader{Alg: "RS256", Typ: typ, Kid: s.kid})
	if err != nil {
		return "", fmt.Errorf("encode header: %w", err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	input := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// parse verifies a JWT this server signed, of the given typ, and returns its
// claims (numbers as json.Number). Time and audience checks are the caller's.
func (s *Server) parse(token, typ string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("malformed token")
	}
	raw, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, errors.New("malformed token header")
	}
	var h jwtHeader
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, errors.New("malformed token header")
	}
	if h.Alg != "RS256" || h.Kid != s.kid {
		return nil, errors.New("token not signed by this provider")
	}
	if h.Typ != typ {
		return nil, fmt.Errorf("token type %q, want %q", h.Typ, typ)
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("malformed token signature")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return nil, errors.New("bad token signature")
	}
	payload, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, errors.New("malformed token payload")
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil || claims == nil {
		return nil, errors.New("malformed token payload")
	}
	return claims, nil
}
