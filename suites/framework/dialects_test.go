package framework

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
)

// TestCheckDialects: a national portal that does not serve the profile's
// dialect is one setup error naming it; a system that is merely down is
// left to the health probes.
func TestCheckDialects(t *testing.T) {
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	// A WSO2-style provider with no public clients, for an oidc profile.
	var wso2 *httptest.Server
	wso2 = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":"%[1]s/sso","authorization_endpoint":"%[1]s/oauth2/authorize","token_endpoint":"%[1]s/oauth2/token",`+
			`"jwks_uri":"%[1]s/oauth2/jwks","userinfo_endpoint":"%[1]s/oauth2/userinfo","response_types_supported":["code"],`+
			`"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"],"token_endpoint_auth_methods_supported":["client_secret_basic"]}`, wso2.URL)
	}))
	defer wso2.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String()
	l.Close()

	hc := &http.Client{Timeout: 5 * time.Second}
	e := &Env{Target: &fixtures.Target{Name: "t", DVCQG: fixtures.DVCQGCreds{Dialect: "opencps"}},
		DVCQG:     &dvcqg.Client{BaseURL: notFound.URL, Username: "u", Password: "p", Dialect: "opencps", HTTP: hc},
		Payment:   &payment.Client{BaseURL: down, PartnerCode: "P", Secret: "s", HTTP: hc},
		Gateway:   &gateway.Client{BaseURL: down, ClientID: "c", ClientSecret: "s", HTTP: hc},
		SSO:       &sso.Client{Issuer: wso2.URL + "/sso", ClientID: "c", RedirectURI: "http://portal.test/cb", HTTP: hc},
		unknownID: "001099000000"}
	err = e.CheckDialects(context.Background())
	if err == nil {
		t.Fatal("a national portal without the opencps URLs passed the dialect check")
	}
	first := strings.SplitN(err.Error(), "\n", 2)[0]
	if !strings.Contains(first, "dialect mismatch (dvcqg is not opencps, sso is not oidc)") {
		t.Errorf("first line %q should name dvcqg and its dialect", first)
	}
	for _, sys := range []string{"payment (", "gateway ("} {
		if strings.Contains(err.Error(), sys) {
			t.Errorf("a system that is down was blamed for its dialect: %v", err)
		}
	}

	e.DVCQG = &dvcqg.Client{BaseURL: down, Username: "u", Password: "p", HTTP: hc}
	e.SSO = &sso.Client{Issuer: down + "/sso", ClientID: "c", RedirectURI: "http://portal.test/cb", HTTP: hc}
	if err := e.CheckDialects(context.Background()); err != nil {
		t.Errorf("systems that are down are not a dialect mismatch: %v", err)
	}
}
