package framework

import (
	"context"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/internal/redact"
)

// PollInterval is how often waits ask the target again. Short, because the
// mock world's clock is compressed; a real target's budget is set by its
// profile's timeouts, not by this.
const PollInterval = 20 * time.Millisecond

// HTTPEntry is the report entry name of the last HTTP exchanges of a failed
// spec.
const HTTPEntry = "dvcqa.http"

// Framework is what a spec container gets from NewDefaultFramework: the
// process's Env, filled in before each spec.
type Framework struct {
	Name string
	*Env
}

// NewDefaultFramework registers a BeforeEach that hands the container the
// process's resolved target, in the manner of Kubernetes' e2e framework.
func NewDefaultFramework(name string) *Framework {
	f := &Framework{Name: name}
	ginkgo.BeforeEach(func() {
		e := Active()
		if e == nil {
			ginkgo.Fail("framework " + name + ": target not set up; the suite's SynchronizedBeforeSuite must call framework.Setup")
		}
		f.Env = e
		e.httpLog.reset()
		e.wire.reset()
		// Diagnostics first, before any teardown: what the target answered
		// last, and whether a dependency is down (the report says BLOCKED).
		ginkgo.DeferOnFailure(func(ctx ginkgo.SpecContext) {
			ginkgo.AddReportEntry(HTTPEntry, e.httpLog.String(), ginkgo.ReportEntryVisibilityNever)
			e.ReportHealth(ctx)
		}, ginkgo.NodeTimeout(2*e.Target.Timeouts.Request))
		if e.contract != nil {
			// Cleanups run last-in-first-out, so this one runs after those
			// the spec registers itself: every exchange of the spec is judged.
			e.contract.reset()
			ginkgo.DeferCleanup(e.contract.verify)
		}
	})
	return f
}

// Login logs the citizen in through the target's SSO, as the portal's client.
func (f *Framework) Login(ctx context.Context, c Citizen) *sso.Tokens {
	ginkgo.GinkgoHelper()
	toks, err := f.SSO.Login(ctx, c.PersonalID, c.Password)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "log in through SSO as test citizen %s", redact.ID(c.PersonalID))
	gomega.Expect(toks.IDToken).NotTo(gomega.BeEmpty(), "SSO returned no ID token")
	return toks
}

// PrefillSource reads the record a prefilled field is held to. A citizen
// may have no record in a database (no household business, say): then there
// is nothing to prefill and the expected values are empty.
func (f *Framework) PrefillSource(ctx context.Context, db, personalID string) map[string]string {
	ginkgo.GinkgoHelper()
	recs, err := f.Gateway.Lookup(ctx, db, "SoDinhDanh", personalID, "dvcqa verification")
	if gateway.IsNotFound(err) {
		return map[string]string{}
	}
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "look up %s in national database %s", redact.ID(personalID), db)
	gomega.Expect(recs).NotTo(gomega.BeEmpty(), "national database %s answered no record of %s", db, redact.ID(personalID))
	return recs[0]
}

// Record reads the citizen's record in one national database through the
// gateway: the reference every prefilled or cross-checked value is held to.
func (f *Framework) Record(ctx context.Context, db, personalID string) map[string]string {
	ginkgo.GinkgoHelper()
	recs, err := f.Gateway.Lookup(ctx, db, "SoDinhDanh", personalID, "dvcqa verification")
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "look up %s in national database %s", redact.ID(personalID), db)
	gomega.Expect(recs).NotTo(gomega.BeEmpty(), "national database %s has no record of %s", db, redact.ID(personalID))
	return recs[0]
}
