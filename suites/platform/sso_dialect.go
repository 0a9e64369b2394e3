package platform

import (
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// The SSO specs run in every dialect (docs/dialects-sso.md); where a rule
// does not apply to one they skip, naming the dialect, and never pass.

// wso2IssuerPath ends a WSO2-style issuer (its token endpoint).
const wso2IssuerPath = "/oauth2/token"

// ssoDiscoveryRules is what the client's dialect wants of the discovery
// document: oidc, endpoints under the issuer and PKCE S256 for the public
// client; wso2, endpoints under the host's base (the issuer is
// …/oauth2/token) and no PKCE required of a confidential client.
func ssoDiscoveryRules(c *sso.Client) discoveryRules {
	r := discoveryRules{base: c.Issuer, pkce: true, clientAuth: c.AuthMethod()}
	if c.DialectName() == sso.DialectWSO2 {
		r.base = strings.TrimSuffix(c.Issuer, wso2IssuerPath)
		r.pkce = !c.Confidential()
	}
	return r
}

// needPassword skips a spec that types a password at the SSO's login form
// when the target's citizens log in otherwise (sso.login).
func needPassword(f *framework.Framework) {
	if !f.PasswordLogin() {
		ginkgo.Skip("sso.login " + f.Target.SSO.Login + ": this spec types a password at the SSO's login form, which this target's login kind does not")
	}
}
