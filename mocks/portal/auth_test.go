package portal

import (
	"context"
	"net/http"
	"testing"
	"time"

	api "github.com/dvcqa/dvcqa/api/portal"
)

func TestAuthFailuresHaveReasons(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name   string
		token  string
		reason string
	}{
		{"missing", "", api.ReasonMissingToken},
		{"not a JWT", "abc", api.ReasonMalformed},
		{"signed by another key", token(otherKey, an, nil), api.ReasonBadSignature},
		{"expired", token(ssoKey, an, func(c map[string]any) {
			c["exp"] = time.Now().Add(-time.Minute).Unix()
		}), api.ReasonTokenExpired},
		{"wrong audience", token(ssoKey, an, func(c map[string]any) { c["aud"] = "some-other-app" }), api.ReasonWrongAudience},
		{"wrong issuer", token(ssoKey, an, func(c map[string]any) { c["iss"] = "http://evil.test" }), api.ReasonWrongIssuer},
		{"no personal ID", token(ssoKey, an, func(c map[string]any) {
			delete(c, "SoDinhDanh")
			c["sub"] = "abc"
		}), api.ReasonNoSubject},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := e.anon().WithToken(tc.token)
			_, err := c.Dossiers(context.Background())
			ae := apiErr(t, err, http.StatusUnauthorized)
			if ae.Code != api.CodeUnauthenticated || ae.Reason != tc.reason {
				t.Fatalf("got code %q reason %q, want unauthenticated/%s", ae.Code, ae.Reason, tc.reason)
			}
		})
	}
}

func TestAuthAcceptsShortLivedClientAndSubFallback(t *testing.T) {
	e := newEnv(t)
	tok := token(ssoKey, an, func(c map[string]any) {
		c["aud"] = []string{"dvcqa-portal-short"}
		delete(c, "SoDinhDanh")
	})
	ds, err := e.anon().WithToken(tok).Dossiers(context.Background())
	if err != nil {
		t.Fatalf("token of the short-lived client refused: %v", err)
	}
	if len(ds) != 0 {
		t.Fatalf("new citizen has %d dossiers", len(ds))
	}
}

func TestPublicEndpointsNeedNoToken(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	h, err := e.anon().Health(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if *h != (api.Health{Status: "ok", System: "portal", Province: "01", Version: Version}) {
		t.Fatalf("health = %+v", h)
	}
	now, err := e.anon().Time(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if now.Before(worldStart) {
		t.Fatalf("world time %v before the world started %v", now, worldStart)
	}
	if _, off := now.Zone(); off != 7*3600 {
		t.Fatalf("world time %v is not in Vietnam time", now)
	}
	ca, err := e.anon().CA(ctx)
	if err != nil || string(ca) != string(e.caPEM) {
		t.Fatalf("ca.pem = %q, %v; want the CA certificate", ca, err)
	}
}
