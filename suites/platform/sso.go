// Package platform holds the specs of the shared platforms every service
// depends on: single sign-on, the payment platform and the national portal
// sync.
package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"golang.org/x/oauth2"

	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// SSO is national (one VNeID-like provider for every province): a run over
// several provinces checks it once, through its first province, so this is
// ginkgo.Describe rather than framework.Describe.
var _ = ginkgo.Describe("Single sign-on (VNeID-like OpenID Connect)", framework.LayerAPI, framework.KindPlatform, framework.SystemSSO, func() {
	f := framework.NewDefaultFramework("sso")
	timeout := ginkgo.SpecTimeout(framework.SpecTimeouts().Spec)
	anyService := func() string { return framework.Catalog().Services[0].ID }

	ginkgo.It("publishes a discovery document and RS256 signing keys", timeout, func(ctx ginkgo.SpecContext) {
		issuer := f.SSO.Issuer
		d, err := f.SSO.Discover(ctx)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "OIDC discovery of %s", issuer)
		gomega.Expect(discoveryProblemsFor(d, issuer, ssoDiscoveryRules(f.SSO))).To(gomega.BeEmpty(), "discovery document of %s (dialect %s)", issuer, f.SSO.DialectName())
		keys, err := fetchJWKS(ctx, f.HTTP, d.JWKSURI)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "signing keys of %s", issuer)
		toks := f.Login(ctx, f.Citizen(framework.RolePlatform, 0))
		gomega.Expect(jwksProblems(keys, toks.IDToken)).To(gomega.BeEmpty(), "signing keys %s against a fresh ID token", d.JWKSURI)
	})

	ginkgo.It("logs a test citizen in and issues an ID token that verifies and names the citizen", timeout, func(ctx ginkgo.SpecContext) {
		c := f.Citizen(framework.RolePlatform, 0)
		toks := f.Login(ctx, c)
		v, err := f.SSO.Verifier(ctx)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		_, err = v.Verify(ctx, toks.IDToken)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "ID token does not verify against the provider's keys")
		claims, err := sso.Claims(toks.IDToken)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		// The reference for the citizen's identity is the population
		// database, read through the gateway, not the SSO's own data.
		pop := f.Record(ctx, "population", c.PersonalID)
		gomega.Expect(idTokenProblems(claims, f.SSO.Issuer, f.SSO.ClientID, c.PersonalID, pop, time.Now())).To(gomega.BeEmpty(),
			"ID token of test citizen %s", redact.ID(c.PersonalID))
		info, err := f.SSO.UserInfo(ctx, toks.AccessToken)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "userinfo with the access token")
		gomega.Expect(userinfoProblems(info, c.PersonalID, pop)).To(gomega.BeEmpty(), "userinfo of test citizen %s", redact.ID(c.PersonalID))
	})

	ginkgo.It("refuses a wrong password", timeout, func(ctx ginkgo.SpecContext) {
		needPassword(f)
		c := f.Citizen(framework.RolePlatform, 0)
		_, err := f.SSO.Login(ctx, c.PersonalID, "sai-mat-khau-"+framework.NewKey()[:6])
		gomega.Expect(credentialsRefused(err)).To(gomega.Succeed(), "SSO login of %s with a wrong password", redact.ID(c.PersonalID))
	})

	ginkgo.It("has its tokens refused by the portal when the signature is forged", timeout, func(ctx ginkgo.SpecContext) {
		toks := f.Login(ctx, f.Citizen(framework.RolePlatform, 0))
		_, err := f.Portal(toks.IDToken).Form(ctx, anyService())
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "portal refused a genuine ID token")
		_, err = f.Portal(forgeSignature(toks.IDToken)).Form(ctx, anyService())
		expectUnauthenticated(err, portal.ReasonBadSignature, "portal call with an ID token whose signature was altered")
	})

	ginkgo.It("issues tokens that expire, which the portal then refuses", timeout, func(ctx ginkgo.SpecContext) {
		if f.ShortSSO == nil {
			ginkgo.Skip("target profile names no sso.short_lived_client")
		}
		needPassword(f)
		toks, err := f.ShortSSO.Login(ctx, f.Citizen(framework.RolePlatform, 1).PersonalID, f.Citizen(framework.RolePlatform, 1).Password)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "log in with the short-lived client")
		p := f.Portal(toks.IDToken)
		_, err = p.Form(ctx, anyService())
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "portal refused a fresh short-lived token")
		gomega.Eventually(ctx, func() error {
			_, err := p.Form(ctx, anyService())
			return err
		}).WithTimeout(f.Target.Timeouts.Sync).WithPolling(framework.PollInterval).Should(gomega.HaveOccurred(), "portal kept accepting an ID token past its expiry")
		_, err = p.Form(ctx, anyService())
		expectUnauthenticated(err, portal.ReasonTokenExpired, "portal call with an expired ID token")
	})

	ginkgo.It("refreshes tokens with the refresh token", timeout, func(ctx ginkgo.SpecContext) {
		c := f.Citizen(framework.RolePlatform, 0)
		toks := f.Login(ctx, c)
		gomega.Expect(toks.RefreshToken).NotTo(gomega.BeEmpty(), "SSO issued no refresh token")
		fresh, err := f.SSO.Refresh(ctx, toks.RefreshToken)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "refresh-token grant")
		gomega.Expect(fresh.IDToken).NotTo(gomega.BeEmpty(), "refresh returned no ID token")
		login, err := sso.Claims(toks.IDToken)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		claims, err := sso.Claims(fresh.IDToken)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		gomega.Expect(refreshedIDTokenProblems(login, claims)).To(gomega.BeEmpty(), "refreshed ID token of test citizen %s", redact.ID(c.PersonalID))
		_, err = f.Portal(fresh.IDToken).Form(ctx, anyService())
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "portal refused a refreshed ID token")
		// A public client's refresh tokens must rotate and a used one be
		// refused (RFC 9700 §4.14.2); a confidential client's (dialect
		// wso2) may stay valid, bound to the client's secret.
		if f.SSO.Confidential() && fresh.RefreshToken == toks.RefreshToken {
			ginkgo.AddReportEntry("refresh token not rotated", "allowed for the confidential client of dialect "+f.SSO.DialectName()+" (RFC 9700 §4.14.2)")
			return
		}
		gomega.Expect(refreshRotated(toks.RefreshToken, fresh.RefreshToken)).To(gomega.Succeed())
		_, err = f.SSO.Refresh(ctx, toks.RefreshToken)
		gomega.Expect(refreshRefused(err)).To(gomega.Succeed(), "refresh with a refresh token already used")
	})
})

// forgeSignature alters the JWT's signature part, keeping header and claims.
func forgeSignature(jwt string) string {
	i := strings.LastIndexByte(jwt, '.')
	if i < 0 || i+5 > len(jwt) {
		return jwt + "x"
	}
	sig := []byte(jwt[i+1:])
	for k := 0; k < 4; k++ {
		if sig[k] == 'A' {
			sig[k] = 'B'
		} else {
			sig[k] = 'A'
		}
	}
	return jwt[:i+1] + string(sig)
}

// fetchJWKS reads the provider's signing keys.
func fetchJWKS(ctx context.Context, hc *http.Client, url string) ([]jwk, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("jwks %s: %w", url, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("jwks %s: read: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jwks %s: HTTP %d", url, resp.StatusCode)
	}
	var doc struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("jwks %s: decode: %w", url, err)
	}
	return doc.Keys, nil
}

// refreshRotated: a refresh answered a new refresh token.
func refreshRotated(old, next string) error {
	switch {
	case next == "":
		return errors.New("refresh answered no refresh token, want a rotated one")
	case next == old:
		return errors.New("refresh answered the same refresh token again, want a rotated one (RFC 9700 §4.14.2)")
	}
	return nil
}

// refreshRefused: the token endpoint refused the grant with RFC 6749
// §5.2's invalid_grant, not a transport failure or a server error.
func refreshRefused(err error) error {
	if err == nil {
		return errors.New("SSO accepted a refresh token that was already used")
	}
	re, ok := errors.AsType[*oauth2.RetrieveError](err)
	if !ok {
		return fmt.Errorf("want the token endpoint's invalid_grant, got no answer of it: %w", err)
	}
	if re.Response == nil || re.Response.StatusCode != http.StatusBadRequest || re.ErrorCode != "invalid_grant" {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		return fmt.Errorf("token endpoint answered HTTP %d %q, want HTTP 400 invalid_grant", status, re.ErrorCode)
	}
	return nil
}
