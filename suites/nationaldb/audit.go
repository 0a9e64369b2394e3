package nationaldb

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// The gateway's audit of the portal's own lookups: the same fact (whose
// national record the portal read) told by the portal's form and by the
// gateway's audit log must agree.
var _ = framework.Describe("National databases through the data-exchange gateway", framework.LayerAPI, framework.KindConnection, framework.SystemGateway, func() {
	f := framework.NewDefaultFramework("nationaldb-audit")
	timeout := ginkgo.SpecTimeout(framework.SpecTimeouts().Spec)
	population, _ := framework.Catalog().Database("population")

	ginkgo.Describe(population.ID+" ("+population.NameVI+")", framework.DBLabel(population.ID), func() {
		ginkgo.It("names the citizen the portal prefilled the form for as the subject of its prefill lookups", timeout, func(ctx ginkgo.SpecContext) {
			svc := prefillService()
			c := f.Citizen(framework.RoleConnection, 0)
			portalClient := "province-" + f.Target.Province
			if f.Gateway.ClientID != portalClient {
				// The audit answer lists the calling client's entries only.
				ginkgo.Skip(fmt.Sprintf("the harness's gateway client %s is not the portal's (%s): the portal's lookups are not visible in its audit", f.Gateway.ClientID, portalClient))
			}
			start := time.Now()
			toks := f.Login(ctx, c)
			form, err := f.Portal(toks.IDToken).Form(ctx, svc.ID)
			gomega.Expect(err).NotTo(gomega.HaveOccurred(), "open the form of %s as %s (the portal prefills it from %s through the gateway)",
				svc.ID, redact.ID(c.PersonalID), strings.Join(prefillDatabases(svc), ", "))
			end := time.Now()
			entries, err := f.Gateway.Audit(ctx, c.PersonalID)
			gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the audit log")

			purpose := "prefill " + svc.ID
			var d framework.Diffs
			for _, db := range prefillDatabases(svc) {
				// The portal's lookup of this database while it built the
				// form: the newest entry of the window with the contract's purpose.
				i := len(entries) - 1
				for ; i >= 0; i-- {
					if e := entries[i]; e.Database == db && e.Purpose == purpose && inWindow(e.At, start, end) {
						break
					}
				}
				sel := "entries[database=" + db + ", purpose=" + purpose + "]"
				if i < 0 {
					d.Form(auditAnswer, sel, "(absent)", false, "(audit log lacks it) the portal's lookup of "+redact.ID(c.PersonalID)+" in "+db+" while it prefilled the form of "+svc.ID)
					continue
				}
				got := entries[i]
				d.Form(auditAnswer, sel+".request_id", got.RequestID, strings.TrimSpace(got.RequestID) != "", "a request id")
				want := gateway.AuditEntry{At: got.At, ClientID: portalClient, Database: db, Key: "SoDinhDanh",
					Value: gateway.MaskID(c.PersonalID), Purpose: purpose, RequestID: got.RequestID, Status: http.StatusOK}
				d.Compare(framework.Answer{System: auditAnswer.System, Operation: auditAnswer.Operation + " " + sel}, want, got)
			}
			d.Expect(fmt.Sprintf("gateway audit of the portal's prefill lookups for %s (form of %s, %d fields)",
				redact.ID(c.PersonalID), svc.ID, len(form.Fields)))
		})
	})
})

func inWindow(t, start, end time.Time) bool {
	return !t.Before(start.Add(-auditSkew)) && !t.After(end.Add(auditSkew))
}

// prefillService is the first catalog service whose form the portal
// prefills from the population database only.
func prefillService() fixtures.Service {
	ginkgo.GinkgoHelper()
	for _, s := range framework.Catalog().Services {
		if dbs := prefillDatabases(s); slices.Equal(dbs, []string{"population"}) {
			return s
		}
	}
	ginkgo.Fail("catalog has no service prefilled from the population database only")
	return fixtures.Service{}
}

// prefillDatabases are the databases a service's form is prefilled from.
func prefillDatabases(s fixtures.Service) []string {
	var out []string
	for _, fd := range s.Form {
		if db, _, ok := strings.Cut(fd.PrefillFrom, "."); ok && !slices.Contains(out, db) {
			out = append(out, db)
		}
	}
	slices.Sort(out)
	return out
}
