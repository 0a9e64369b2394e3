// Package deps pins the modules the project uses while packages are being
// written in parallel; it is removed once every module has a real importer.
package deps

import (
	_ "github.com/chromedp/chromedp"
	_ "github.com/coreos/go-oidc/v3/oidc"
	_ "github.com/jarcoal/httpmock"
	_ "github.com/onsi/ginkgo/v2"
	_ "github.com/onsi/ginkgo/v2/reporters"
	_ "github.com/onsi/gomega"
	_ "golang.org/x/net/html"
	_ "golang.org/x/oauth2"
	_ "gopkg.in/yaml.v3"
)
