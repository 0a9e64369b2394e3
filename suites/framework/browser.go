package framework

import (
	"context"
	"fmt"
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
// With a list of remote endpoints, a dead one is taken out here, and the
// tab opens on the next.
func (f *Framework) newTab(ctx context.Context) *browser.Tab {
	ginkgo.GinkgoHelper()
	pins, err := BrowserSPKIPins(f.Target) // a custom CA (tls.go)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "make the browser trust the target's TLS servers")
	b, err := browser.ForProcess(browser.Options{RemoteURL: f.browserEndpoints(), TrustSPKI: pins,
		First: ginkgo.GinkgoParallelProcess() - 1, Notify: notifyEndpoint})
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "start the browser")
	tab, err := b.NewTab(ctx)
	for err != nil && b.Lost() {
		if b, err = browser.Shared.Failover(b, err); err != nil {
			break
		}
		tab, err = b.NewTab(ctx)
	}
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "open a browser tab")
	f.tabsOn = append(f.tabsOn, b)
	ginkgo.DeferCleanup(tab.Close)
	return tab
}

// browserEndpoints is the list of remote browsers to use, "" for a local
// one: the run's (DVCQA_BROWSER_URL of `dvcqa run`) override the target
// profile's.
func (f *Framework) browserEndpoints() string {
	if remote := RunConfig().BrowserURL; remote != "" {
		return remote
	}
	return f.Target.Browser.RemoteURL
}

// notifyEndpoint says, once, that an endpoint was taken out: on the
// console and in the spec's report.
func notifyEndpoint(msg string) {
	fmt.Fprintln(os.Stderr, "dvcqa: "+msg)
	fmt.Fprintln(ginkgo.GinkgoWriter, msg)
	ginkgo.AddReportEntry("browser endpoint", msg)
}

// BrowserFlow runs a browser spec's flow. With several remote endpoints,
// a flow whose browser died mid-flow (the endpoint crashed, its websocket
// closed) is started again, once, on fresh tabs of the next endpoint; any
// other failure is the spec's, reported as it was. With one browser the
// flow runs as it is.
func (f *Framework) BrowserFlow(flow func()) {
	ginkgo.GinkgoHelper()
	// From the configuration, not the process's browser: the first spec
	// of a process runs before that browser starts.
	if len(browser.ParseEndpoints(f.browserEndpoints())) < 2 {
		f.tabsOn = nil
		flow()
		return
	}
	f.tabsOn = nil
	err := gomega.InterceptGomegaFailure(flow)
	if err == nil {
		return
	}
	var lost *browser.Browser
	for _, b := range f.tabsOn {
		if b.Lost() {
			lost = b
		}
	}
	if lost == nil {
		ginkgo.Fail(err.Error())
	}
	if _, ferr := browser.Shared.Failover(lost, err); ferr != nil {
		ginkgo.Fail(fmt.Sprintf("the browser endpoint died mid-flow and none is left to retry on: %v", ferr))
	}
	fmt.Fprintf(ginkgo.GinkgoWriter, "retrying the flow on the next browser endpoint after: %v\n", err)
	f.tabsOn = nil
	flow()
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
