package framework

import (
	"context"
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework/browser"
	"github.com/dvcqa/dvcqa/vocab"
)

// NewPortalPage opens a fresh browser tab (own cookies) for the spec, with
// evidence captured on failure before the tab closes, and returns the
// portal's page object. Chromium starts on the first call in the process.
func (f *Framework) NewPortalPage(ctx context.Context) *browser.Portal {
	ginkgo.GinkgoHelper()
	tab := f.newTab(ctx)
	browser.AttachOnFailure(tab, RunConfig().RunDir)
	profile, err := f.portalProfile()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "load the portal's selectors profile")
	return &browser.Portal{Tab: tab, Base: f.Target.URLs.Portal, P: profile}
}

// newTab opens a tab of the process's browser, closed when the spec ends.
func (f *Framework) newTab(ctx context.Context) *browser.Tab {
	ginkgo.GinkgoHelper()
	// A remote Chromium named for the run (DVCQA_BROWSER_URL of `dvcqa run`)
	// overrides the target profile's.
	remote := RunConfig().BrowserURL
	if remote == "" {
		remote = f.Target.Browser.RemoteURL
	}
	pins, err := BrowserSPKIPins(f.Target) // a custom CA (tls.go)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "make the browser trust the target's TLS servers")
	b, err := browser.ForProcess(browser.Options{RemoteURL: remote, TrustSPKI: pins})
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "start the browser")
	tab, err := b.NewTab(ctx)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "open a browser tab")
	ginkgo.DeferCleanup(tab.Close)
	return tab
}

func (f *Framework) portalProfile() (*fixtures.PortalProfile, error) {
	if f.Target.Browser.Portal != "" {
		return fixtures.LoadPortalProfile(f.Target.Browser.Portal)
	}
	return fixtures.DefaultPortalProfile()
}

// AxeScript returns axe-core's source for accessibility checks, installed
// by scripts/setup.sh under tools/a11y; ok is false when it is missing.
func AxeScript() (src string, ok bool) {
	paths := []string{os.Getenv(vocab.EnvAxePath)}
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			paths = append(paths, filepath.Join(dir, "tools", "a11y", "node_modules", "axe-core", "axe.min.js"))
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	for _, p := range paths {
		if p == "" {
			continue
		}
		if data, err := os.ReadFile(p); err == nil {
			return string(data), true
		}
	}
	return "", false
}
