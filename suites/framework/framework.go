package framework

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework/browser"
	"github.com/dvcqa/dvcqa/vocab"
)

// PollInterval is how often waits ask the target again. Short, because the
// mock world's clock is compressed; a real target's budget is set by its
// profile's timeouts, not by this.
const PollInterval = 20 * time.Millisecond

// HTTPEntry is the report entry name of the last HTTP exchanges of a failed
// spec.
const HTTPEntry = vocab.EntryHTTP

// Framework is what a spec container gets from NewDefaultFramework: the
// process's Env, filled in before each spec.
type Framework struct {
	Name string
	*Env
	tabsOn []*browser.Browser // the browsers the spec's tabs opened on (BrowserFlow)
}

// NewDefaultFramework registers a BeforeEach that hands the container the
// process's resolved target, in the manner of Kubernetes' e2e framework.
func NewDefaultFramework(name string) *Framework {
	f := &Framework{Name: name}
	ginkgo.BeforeEach(func() {
		e, err := specEnv(ginkgo.CurrentSpecReport().Labels())
		if err != nil {
			ginkgo.Fail("framework " + name + ": " + err.Error())
		}
		f.Env = e
		e.httpLog.reset()
		e.wire.reset()
		e.allow.reset()
		resetFields()
		// Diagnostics first, before any teardown: what the target answered
		// last, and whether a dependency is down (the report says BLOCKED).
		ginkgo.DeferOnFailure(func(ctx ginkgo.SpecContext) {
			ginkgo.AddReportEntry(HTTPEntry, e.httpLog.String(), ginkgo.ReportEntryVisibilityNever)
			if fs := recordedFields(); len(fs) > 0 {
				if b, err := json.Marshal(fs); err == nil {
					ginkgo.AddReportEntry(vocab.EntryFields, string(b), ginkgo.ReportEntryVisibilityNever)
				}
			}
			e.ReportHealth(ctx)
		}, ginkgo.NodeTimeout(2*e.Target.Timeouts.Request))
		// A system this spec needs has stopped answering: the spec ends at
		// once, BLOCKED by it, rather than waiting out its own timeouts.
		if g := e.wire.givenUpAny(specSystems(e.Catalog, ginkgo.CurrentSpecReport().Labels())); g != nil {
			e.wire.note(g.System, "before the spec: "+g.Error())
			ginkgo.Fail("not run: " + g.Error())
		}
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
	// A negative spec is about the portal's refusal, not the login: it may
	// take tokens an earlier spec of this process got for the citizen.
	reuse := vocab.LabelValue(ginkgo.CurrentSpecReport().Labels(), vocab.KeyKind) == vocab.KindNegative
	if reuse {
		if toks := f.logins.get(c.PersonalID, time.Now()); toks != nil {
			return toks
		}
	}
	toks, err := f.login(ctx, c)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "log in through SSO as test citizen %s", redact.ID(c.PersonalID))
	gomega.Expect(toks.IDToken).NotTo(gomega.BeEmpty(), "SSO returned no ID token")
	learnIDToken(toks.IDToken) // accountpii.go
	f.logins.put(c.PersonalID, toks)
	return toks
}

// PortalAPINoneSkip is how a spec that needs the portal's citizen API ends
// when the target's portal has none (portal.api: none): NOT RUN, never a pass.
const PortalAPINoneSkip = "portal.api: none: this check uses dvcqa's citizen API of the portal (fixtures/openapi/portal.yaml), which the target's portal does not have; the browser layer checks the service instead"

// Portal returns a portal client acting with the given ID token ("" =
// none): the one access point of the specs to the portal's citizen API. On
// a target whose portal has no such API (portal.api: none) the spec ends
// here as skipped, so the report shows the check NOT RUN with the reason.
func (f *Framework) Portal(idToken string) *portal.Client {
	ginkgo.GinkgoHelper()
	if f.Target.PortalAPINone() {
		ginkgo.Skip(PortalAPINoneSkip)
	}
	return f.Env.Portal(idToken)
}

// PrefillSource reads the record of the citizen that the service's fields
// prefilled from db are held to. Whether the citizen has a record there is
// decided beforehand, never from a 404: by the citizen's own records when
// the target knows them (the mock world's synthetic citizens), else by the
// catalog — a service that prefills a required field from db can only be
// applied for by a citizen db knows. A citizen who has a record that the
// database does not return is a failure; one without a record (no household
// business, say) has nothing to prefill: the expected values are empty.
func (f *Framework) PrefillSource(ctx context.Context, svc fixtures.Service, db string, c Citizen) map[string]string {
	ginkgo.GinkgoHelper()
	recs, err := f.Gateway.Lookup(ctx, db, "SoDinhDanh", c.PersonalID, "dvcqa verification")
	has, known, why := expectsRecord(svc, db, c)
	if !known {
		// A real target's account, and only optional fields come from db:
		// the one case where the database's answer decides.
		has = !gateway.IsNotFound(err)
	}
	if !has {
		if gateway.IsNotFound(err) {
			return map[string]string{}
		}
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "look up %s in national database %s", redact.ID(c.PersonalID), db)
		gomega.Expect(recs).To(gomega.BeEmpty(), "national database %s answered a record of %s, yet %s", db, redact.ID(c.PersonalID), why)
		return map[string]string{}
	}
	// A 404 is refused like an empty answer: the record must be there.
	if !gateway.IsNotFound(err) {
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "look up test citizen %s in national database %s (%s)", redact.ID(c.PersonalID), db, why)
	}
	gomega.Expect(recs).NotTo(gomega.BeEmpty(), "national database %s answered no record of test citizen %s (%s; answer: %v)", db, redact.ID(c.PersonalID), why, err)
	return recs[0]
}

// expectsRecord says whether the test citizen has a record in db, and why
// the harness thinks so; known is false when neither the citizen's records
// nor the catalog say.
func expectsRecord(svc fixtures.Service, db string, c Citizen) (has, known bool, why string) {
	switch {
	case c.Databases != nil && slices.Contains(c.Databases, db):
		return true, true, "the test citizen's records include " + db
	case c.Databases != nil:
		return false, true, "the test citizen has no record in " + db
	case prefillsRequired(svc, db):
		return true, true, svc.ID + " prefills a required field from " + db
	}
	return false, false, "only optional fields of " + svc.ID + " come from " + db
}

// prefillsRequired reports whether the service prefills a required field
// from the database.
func prefillsRequired(svc fixtures.Service, db string) bool {
	return slices.ContainsFunc(svc.Form, func(fd fixtures.Field) bool {
		d, _, ok := fd.Prefill()
		return ok && d == db && fd.Required
	})
}

// databasesOf lists the national databases a synthetic citizen has a record in.
func databasesOf(c *citizens.Citizen) []string {
	return slices.Sorted(maps.Keys(c.Records))
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

// specSystems are the systems a spec talks to, by its labels and the
// catalog (the same dependencies the report's BLOCKED rests on): a service's
// catalog systems and its portal; a national database's gateway; a
// platform system, the portal and the gateway its flow goes through.
func specSystems(cat *fixtures.Catalog, labels []string) []string {
	var out []string
	add := func(sys ...string) {
		for _, s := range sys {
			if !strings.HasPrefix(s, vocab.Prefix(vocab.KeyDB)) && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	if id := vocab.LabelValue(labels, vocab.KeyService); id != "" && cat != nil {
		if svc, ok := cat.Service(id); ok {
			add(vocab.SystemPortal)
			add(svc.Systems...)
		}
	}
	if vocab.LabelValue(labels, vocab.KeyDB) != "" {
		add(vocab.SystemGateway)
	}
	if sys := vocab.LabelValue(labels, vocab.KeySystem); sys != "" {
		add(sys, vocab.SystemPortal, vocab.SystemGateway)
	}
	return out
}
