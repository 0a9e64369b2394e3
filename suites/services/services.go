// Package services holds the specs of the 25 essential online public
// services (dịch vụ công thiết yếu). Specs are generated from the catalog:
// one end-to-end spec and four negative specs per service.
package services

import (
	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/suites/framework"
)

var _ = ginkgo.Describe("Essential online public services (dịch vụ công thiết yếu)", framework.LayerAPI, func() {
	f := framework.NewDefaultFramework("services")
	timeout := ginkgo.SpecTimeout(framework.SpecTimeouts().Spec)

	for i, svc := range framework.Catalog().Services {
		ginkgo.Describe(svc.ID+" "+svc.NameVI, framework.ServiceLabels(svc), func() {
			ginkgo.It("is processed end to end: SSO, prefill, submit, pay, process, result, national-portal sync", framework.KindE2E, timeout,
				func(ctx ginkgo.SpecContext) {
					endToEnd(ctx, f, svc, f.Citizen(framework.RoleEndToEnd, i))
				})
			ginkgo.It("rejects a submission missing a required field with 422 naming it", framework.KindNegative, timeout,
				func(ctx ginkgo.SpecContext) {
					missingRequiredField(ctx, f, svc, f.Citizen(framework.RoleNegative, i))
				})
			ginkgo.It("rejects a malformed personal ID with 422 naming SoDinhDanh", framework.KindNegative, timeout,
				func(ctx ginkgo.SpecContext) {
					malformedPersonalID(ctx, f, svc, f.Citizen(framework.RoleNegative, i))
				})
			ginkgo.It("rejects unauthenticated calls with 401", framework.KindNegative, timeout,
				func(ctx ginkgo.SpecContext) {
					unauthenticated(ctx, f, svc)
				})
			ginkgo.It("creates exactly one dossier when a submit is retried with the same idempotency key", framework.KindNegative, timeout,
				func(ctx ginkgo.SpecContext) {
					retriedSubmit(ctx, f, svc, f.Citizen(framework.RoleNegative, i))
				})
		})
	}
})
