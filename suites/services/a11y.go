package services

import (
	"context"
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/vocab"
)

// axeViolation is the part of an axe-core result a QA engineer acts on.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  int    `json:"nodes"`
}

// axeRun runs WCAG 2 A/AA rules and returns violations with node counts.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}}).then(r =>
  r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help, nodes: v.nodes.length})))`

// accessibility checks the service page with axe-core injected into it.
// The target decides whether violations fail the spec or only warn.
func accessibility(ctx context.Context, f *framework.Framework, svc fixtures.Service) {
	mode := f.Target.Browser.A11yMode()
	if mode == fixtures.A11yOff {
		ginkgo.Skip("target profile turns accessibility checks off (browser.a11y: off)")
	}
	src, ok := framework.AxeScript()
	if !ok {
		ginkgo.Skip("axe-core is not installed (scripts/setup.sh installs it with npm): accessibility not checked")
	}
	p := f.NewPortalPage(ctx)
	gomega.Expect(p.Home()).To(gomega.Succeed(), "open the portal's home page")
	gomega.Expect(p.OpenService(svc.ID)).To(gomega.Succeed(), "open the service page of %s", svc.ID)
	gomega.Expect(p.Tab.Evaluate(src+";true", nil)).To(gomega.Succeed(), "inject axe-core into the page")
	var violations []axeViolation
	gomega.Expect(p.Tab.EvaluatePromise(axeRun, &violations)).To(gomega.Succeed(), "run axe-core")

	var lines []string
	for _, v := range violations {
		lines = append(lines, fmt.Sprintf("%s (%s, %d element(s)): %s", v.ID, v.Impact, v.Nodes, v.Help))
	}
	ginkgo.AddReportEntry("a11y violations", fmt.Sprintf("%d", len(violations)))
	if len(violations) == 0 {
		return
	}
	summary := strings.Join(lines, "; ")
	if mode == fixtures.A11yFail {
		ginkgo.Fail(fmt.Sprintf("accessibility violations on the service page of %s: %s", svc.ID, summary))
	}
	ginkgo.AddReportEntry(vocab.EntryA11yWarn, summary)
}
