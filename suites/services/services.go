// Package services holds the specs of the 25 essential online public
// services (dịch vụ công thiết yếu). Specs are generated from the catalog:
// each spec kind below, once per service.
package services

import (
	"context"

	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// specKind is one It template, generated for every service: its text, its
// kind label and what it runs (i is the service's index in the catalog,
// which picks its test citizen). Kept in a table so that a test can prove
// every kind has a seeded defect (the selftest's spec-kind coverage).
type specKind struct {
	text string
	kind ginkgo.Labels
	run  func(ctx context.Context, f *framework.Framework, svc fixtures.Service, i int)
}

// Containers of the two layers, by their Describe texts.
const (
	apiContainer     = "Essential online public services (dịch vụ công thiết yếu)"
	browserContainer = "Essential online public services in the browser (Chromium)"
)

// apiKinds are the API layer's specs of a service.
var apiKinds = []specKind{
	{"is processed end to end: SSO, prefill, submit, pay, process, result, national-portal sync", framework.KindE2E,
		func(ctx context.Context, f *framework.Framework, svc fixtures.Service, i int) {
			endToEnd(ctx, f, svc, f.Citizen(framework.RoleEndToEnd, i))
		}},
	{"rejects a submission missing a required field with 422 naming it", framework.KindNegative,
		func(ctx context.Context, f *framework.Framework, svc fixtures.Service, i int) {
			missingRequiredField(ctx, f, svc, f.Citizen(framework.RoleNegative, i))
		}},
	{"rejects a malformed personal ID with 422 naming SoDinhDanh", framework.KindNegative,
		func(ctx context.Context, f *framework.Framework, svc fixtures.Service, i int) {
			malformedPersonalID(ctx, f, svc, f.Citizen(framework.RoleNegative, i))
		}},
	{"rejects malformed dates and phone numbers with 422 naming each as a format error", framework.KindNegative,
		func(ctx context.Context, f *framework.Framework, svc fixtures.Service, i int) {
			malformedValues(ctx, f, svc, f.Citizen(framework.RoleNegative, i))
		}},
	{"rejects unauthenticated calls with 401", framework.KindNegative,
		func(ctx context.Context, f *framework.Framework, svc fixtures.Service, _ int) {
			unauthenticated(ctx, f, svc)
		}},
	{"creates exactly one dossier when a submit is retried with the same idempotency key", framework.KindNegative,
		func(ctx context.Context, f *framework.Framework, svc fixtures.Service, i int) {
			retriedSubmit(ctx, f, svc, f.Citizen(framework.RoleNegative, i))
		}},
}

var _ = framework.Describe(apiContainer, framework.LayerAPI, func() {
	describeKinds(framework.NewDefaultFramework("services"), apiKinds)
})

// describeKinds declares every kind for every service of the catalog.
func describeKinds(f *framework.Framework, kinds []specKind) {
	timeout := ginkgo.SpecTimeout(framework.SpecTimeouts().Spec)
	for i, svc := range framework.Catalog().Services {
		ginkgo.Describe(svc.ID+" "+svc.NameVI, framework.ServiceLabels(svc), func() {
			for _, k := range kinds {
				ginkgo.It(k.text, k.kind, timeout, func(ctx ginkgo.SpecContext) {
					k.run(ctx, f, svc, i)
				})
			}
		})
	}
}
