// Package nationaldb holds the connection specs of the national databases
// (CSDL quốc gia), each reached through the data-exchange gateway with the
// province's credentials. Specs are generated from databases.yaml.
package nationaldb

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework"
)

var _ = framework.Describe("National databases through the data-exchange gateway", framework.LayerAPI, framework.KindConnection, framework.SystemGateway, func() {
	f := framework.NewDefaultFramework("nationaldb")
	timeout := ginkgo.SpecTimeout(framework.SpecTimeouts().Spec)
	population, _ := framework.Catalog().Database("population")

	for _, db := range framework.Catalog().Databases {
		ginkgo.Describe(db.ID+" ("+db.NameVI+")", framework.DBLabel(db.ID), func() {
			ginkgo.It("is reachable through the gateway and answers for a known citizen", timeout, func(ctx ginkgo.SpecContext) {
				h, err := f.Gateway.Health(ctx)
				gomega.Expect(err).NotTo(gomega.HaveOccurred(), "gateway health")
				gomega.Expect(h.Databases).To(gomega.HaveKeyWithValue(db.ID, "ok"), "gateway reports database %s as not ok", db.ID)
				c := citizenOf(f, db)
				recs, err := f.Gateway.Lookup(ctx, db.ID, "SoDinhDanh", c.PersonalID, "dvcqa connection check")
				gomega.Expect(err).NotTo(gomega.HaveOccurred(), "look up known test citizen %s in %s", redact.ID(c.PersonalID), db.ID)
				gomega.Expect(answersQuery(recs, "SoDinhDanh", c.PersonalID)).To(gomega.Succeed(), "%s lookup of known test citizen %s", db.ID, redact.ID(c.PersonalID))
			})

			ginkgo.It("enforces authentication: 401 without a token and with a forged one", timeout, func(ctx ginkgo.SpecContext) {
				c := citizenOf(f, db)
				_, err := f.Gateway.LookupWithToken(ctx, "", db.ID, "SoDinhDanh", c.PersonalID)
				gomega.Expect(refusal(err, http.StatusUnauthorized, "unauthenticated", "")).To(gomega.Succeed(), "lookup in %s without a token", db.ID)
				_, err = f.Gateway.LookupWithToken(ctx, "forged-token-0000", db.ID, "SoDinhDanh", c.PersonalID)
				gomega.Expect(refusal(err, http.StatusUnauthorized, "unauthenticated", "")).To(gomega.Succeed(), "lookup in %s with a forged token", db.ID)
				bad := &gateway.Client{BaseURL: f.Gateway.BaseURL, ClientID: f.Gateway.ClientID, ClientSecret: "wrong-secret", HTTP: f.HTTP}
				_, err = bad.Token(ctx)
				gomega.Expect(refusal(err, http.StatusUnauthorized, "invalid_client", "")).To(gomega.Succeed(), "gateway token with a wrong client secret")
			})

			ginkgo.It("returns records consistent with the population database, by every key", timeout, func(ctx ginkgo.SpecContext) {
				c := citizenOf(f, db)
				pop := f.Record(ctx, "population", c.PersonalID)
				rec := f.Record(ctx, db.ID, c.PersonalID)
				gomega.Expect(fieldProblems(db, rec)).To(gomega.BeEmpty(), "%s record of %s against databases.yaml", db.ID, redact.ID(c.PersonalID))
				gomega.Expect(identityProblems(db, population, rec, pop)).To(gomega.BeEmpty(),
					"%s record of %s against the population record", db.ID, redact.ID(c.PersonalID))
				checkOtherKeys(ctx, f, db, rec)
			})

			ginkgo.It("answers 404 not-found for an unknown personal ID", timeout, func(ctx ginkgo.SpecContext) {
				_, err := f.Gateway.Lookup(ctx, db.ID, "SoDinhDanh", f.UnknownPersonalID(), "dvcqa not-found check")
				gomega.Expect(refusal(err, http.StatusNotFound, "not_found", "")).To(gomega.Succeed(), "unknown ID in %s", db.ID)
			})

			ginkgo.It("answers 400 for a malformed personal ID", timeout, func(ctx ginkgo.SpecContext) {
				_, err := f.Gateway.Lookup(ctx, db.ID, "SoDinhDanh", "12AB5", "dvcqa malformed check")
				gomega.Expect(refusal(err, http.StatusBadRequest, "invalid_request", "SoDinhDanh")).To(gomega.Succeed(), "malformed ID in %s", db.ID)
			})

			ginkgo.It("records the lookup in the gateway's audit log", timeout, func(ctx ginkgo.SpecContext) {
				c := citizenOf(f, db)
				purpose := "dvcqa audit check " + db.ID
				requestID := "dvcqa-audit-" + framework.NewKey()[:16]
				start := time.Now()
				_, err := f.Gateway.Lookup(gateway.WithRequestID(ctx, requestID), db.ID, "SoDinhDanh", c.PersonalID, purpose)
				gomega.Expect(err).NotTo(gomega.HaveOccurred())
				end := time.Now()
				entries, err := f.Gateway.Audit(ctx, c.PersonalID)
				gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the audit log")
				got, found := auditEntryOf(entries, requestID, start)
				gomega.Expect(found).To(gomega.BeTrue(), "audit log lacks the lookup of %s in %s by %s (request id %s)",
					redact.ID(c.PersonalID), db.ID, f.Gateway.ClientID, requestID)
				var d framework.Diffs
				checkAuditEntry(&d, got, gateway.AuditEntry{
					ClientID: f.Gateway.ClientID, Database: db.ID, Key: "SoDinhDanh", Value: gateway.MaskID(c.PersonalID),
					Purpose: purpose, RequestID: requestID, Status: http.StatusOK,
				}, start, end)
				d.Expect(fmt.Sprintf("audit entry of the lookup of %s in %s by %s", redact.ID(c.PersonalID), db.ID, f.Gateway.ClientID))
			})
		})
	}
})

// citizenOf picks a test citizen who has a record in db.
func citizenOf(f *framework.Framework, db fixtures.Database) framework.Citizen {
	ginkgo.GinkgoHelper()
	if db.ID == "business_registration" {
		c, ok := f.BusinessCitizen()
		if !ok {
			ginkgo.Skip("no test citizen with a business-registration record on this target")
		}
		return c
	}
	return f.Citizen(framework.RoleConnection, 0)
}

// checkOtherKeys looks the record up again by each of the database's other
// keys (parcel, plate, tax code...) and expects the same record back.
func checkOtherKeys(ctx context.Context, f *framework.Framework, db fixtures.Database, rec map[string]string) {
	ginkgo.GinkgoHelper()
	for _, key := range db.Keys[1:] {
		if rec[key] == "" {
			continue // the citizen has none (no old ID card, say): nothing to look up by
		}
		recs, err := f.Gateway.Lookup(ctx, db.ID, key, rec[key], "dvcqa key check")
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "look up %s by %s", db.ID, key)
		gomega.Expect(answersQuery(recs, key, rec[key])).To(gomega.Succeed(), "%s lookup by %s", db.ID, key)
		gomega.Expect(slices.ContainsFunc(recs, func(r gateway.Record) bool { return equalRecords(r, rec) })).To(gomega.BeTrue(),
			"%s by %s returns another record than by SoDinhDanh", db.ID, key)
	}
}

// auditAnswer is the answer the audit checks read.
var auditAnswer = framework.Answer{System: "gateway", Operation: "GET /api/v1/audit"}

// auditSkew is how far the gateway's clock may be from the harness's when
// it stamps an audit entry (docs/contracts.md, gateway audit rules).
const auditSkew = 2 * time.Second

// auditEntryOf is the audit entry of the lookup the harness made: the one
// with the request id it sent; failing that (a gateway that does not keep
// the caller's id), the newest entry stamped since the lookup began, which
// the whole-entry comparison then holds to the reference.
func auditEntryOf(entries []gateway.AuditEntry, requestID string, start time.Time) (gateway.AuditEntry, bool) {
	for _, e := range entries {
		if e.RequestID == requestID {
			return e, true
		}
	}
	for i := len(entries) - 1; i >= 0; i-- {
		if !entries[i].At.Before(start.Add(-auditSkew)) {
			return entries[i], true
		}
	}
	return gateway.AuditEntry{}, false
}

// checkAuditEntry compares an audit entry whole with the lookup the harness
// made (want: every field but the time); the time is checked to lie in the
// spec's window, start to end, give or take auditSkew.
func checkAuditEntry(d *framework.Diffs, got, want gateway.AuditEntry, start, end time.Time) {
	d.Form(auditAnswer, "at", got.At, !got.At.Before(start.Add(-auditSkew)) && !got.At.After(end.Add(auditSkew)),
		fmt.Sprintf("a time between %s and %s (the lookup, ± %s)", start.Format(time.RFC3339), end.Format(time.RFC3339), auditSkew))
	want.At = got.At
	d.Compare(auditAnswer, want, got)
}
