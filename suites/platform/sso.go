// Package platform holds the specs of the shared platforms every service
// depends on: single sign-on, the payment platform and the national portal
// sync.
package platform

import (
	"net/http"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/suites/framework"
)

var _ = ginkgo.Describe("Single sign-on (VNeID-like OpenID Connect)", framework.LayerAPI, framework.KindPlatform, framework.SystemSSO, func() {
	f := framework.NewDefaultFramework("sso")
	timeout := ginkgo.SpecTimeout(framework.SpecTimeouts().Spec)
	anyService := func() string { return framework.Catalog().Services[0].ID }

	ginkgo.It("publishes a discovery document and RS256 signing keys", timeout, func(ctx ginkgo.SpecContext) {
		d, err := f.SSO.Discover(ctx)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "OIDC discovery")
		gomega.Expect(d.Issuer).To(gomega.Equal(strings.TrimRight(f.Target.URLs.SSO, "/")), "discovery issuer ≠ configured issuer")
		gomega.Expect(d.AuthorizationEndpoint).NotTo(gomega.BeEmpty())
		gomega.Expect(d.TokenEndpoint).NotTo(gomega.BeEmpty())
		gomega.Expect(d.JWKSURI).NotTo(gomega.BeEmpty())
		_, err = f.SSO.Verifier(ctx)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "build an ID-token verifier from the provider's keys")
	})

	ginkgo.It("logs a test citizen in and issues an ID token that verifies and names the citizen", timeout, func(ctx ginkgo.SpecContext) {
		c := f.Citizen(framework.RolePlatform, 0)
		toks := f.Login(ctx, c)
		v, err := f.SSO.Verifier(ctx)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		tok, err := v.Verify(ctx, toks.IDToken)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "ID token does not verify against the provider's keys")
		var claims struct{ SoDinhDanh string }
		gomega.Expect(tok.Claims(&claims)).To(gomega.Succeed())
		gomega.Expect(claims.SoDinhDanh).To(gomega.Equal(c.PersonalID), "ID token names another citizen")
		info, err := f.SSO.UserInfo(ctx, toks.AccessToken)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "userinfo with the access token")
		gomega.Expect(info).To(gomega.HaveKeyWithValue("SoDinhDanh", c.PersonalID), "userinfo names another citizen")
	})

	ginkgo.It("refuses a wrong password", timeout, func(ctx ginkgo.SpecContext) {
		c := f.Citizen(framework.RolePlatform, 0)
		_, err := f.SSO.Login(ctx, c.PersonalID, "sai-mat-khau-"+framework.NewKey()[:6])
		gomega.Expect(err).To(gomega.HaveOccurred(), "SSO accepted a wrong password")
	})

	ginkgo.It("has its tokens refused by the portal when the signature is forged", timeout, func(ctx ginkgo.SpecContext) {
		toks := f.Login(ctx, f.Citizen(framework.RolePlatform, 0))
		_, err := f.Portal(toks.IDToken).Form(ctx, anyService())
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "portal refused a genuine ID token")
		_, err = f.Portal(forgeSignature(toks.IDToken)).Form(ctx, anyService())
		expectStatus(err, http.StatusUnauthorized, "portal call with an ID token whose signature was altered")
	})

	ginkgo.It("issues tokens that expire, which the portal then refuses", timeout, func(ctx ginkgo.SpecContext) {
		if f.ShortSSO == nil {
			ginkgo.Skip("target profile names no sso.short_lived_client")
		}
		toks, err := f.ShortSSO.Login(ctx, f.Citizen(framework.RolePlatform, 1).PersonalID, f.Citizen(framework.RolePlatform, 1).Password)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "log in with the short-lived client")
		p := f.Portal(toks.IDToken)
		_, err = p.Form(ctx, anyService())
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "portal refused a fresh short-lived token")
		gomega.Eventually(ctx, func() error {
			_, err := p.Form(ctx, anyService())
			return err
		}).WithTimeout(f.Target.Timeouts.Sync).WithPolling(100*time.Millisecond).Should(gomega.HaveOccurred(), "portal kept accepting an ID token past its expiry")
		_, err = p.Form(ctx, anyService())
		expectStatus(err, http.StatusUnauthorized, "portal call with an expired ID token")
	})

	ginkgo.It("refreshes tokens with the refresh token", timeout, func(ctx ginkgo.SpecContext) {
		c := f.Citizen(framework.RolePlatform, 0)
		toks := f.Login(ctx, c)
		gomega.Expect(toks.RefreshToken).NotTo(gomega.BeEmpty(), "SSO issued no refresh token")
		fresh, err := f.SSO.Refresh(ctx, toks.RefreshToken)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "refresh-token grant")
		gomega.Expect(fresh.IDToken).NotTo(gomega.BeEmpty(), "refresh returned no ID token")
		claims, err := sso.Claims(fresh.IDToken)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		gomega.Expect(claims["SoDinhDanh"]).To(gomega.Equal(c.PersonalID), "refreshed ID token names another citizen")
		_, err = f.Portal(fresh.IDToken).Form(ctx, anyService())
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "portal refused a refreshed ID token")
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
