package services

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// apiError asserts err is the portal's JSON error with the given status.
func apiError(err error, status int, what string) *portal.APIError {
	ginkgo.GinkgoHelper()
	gomega.Expect(err).To(gomega.HaveOccurred(), "%s was accepted; want HTTP %d", what, status)
	var ae *portal.APIError
	gomega.Expect(errors.As(err, &ae)).To(gomega.BeTrue(), "%s: want a JSON error answer with HTTP %d, got: %v", what, status, err)
	gomega.Expect(ae.Status).To(gomega.Equal(status), "%s answered HTTP %d (%s), want %d", what, ae.Status, firstLine(ae.Message), status)
	texts := []string{ae.Message, ae.MessageVI}
	for _, fe := range ae.Fields {
		texts = append(texts, fe.Message, fe.MessageVI)
	}
	for _, t := range texts {
		gomega.Expect(t).NotTo(gomega.MatchRegexp(internalDetails), "%s: error answer leaks internal details (stack trace or source paths)", what)
	}
	return ae
}

// internalDetails are what a citizen must never see in an error: Go stack
// traces, panics, source file paths.
const internalDetails = `goroutine \d+|panic:|\.go:\d+|runtime\.|/src/|/build/`

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// expectFieldError asserts the 422 names the field in English and Vietnamese.
func expectFieldError(ae *portal.APIError, field, what string) {
	ginkgo.GinkgoHelper()
	for _, fe := range ae.Fields {
		if fe.Field == field {
			gomega.Expect(fe.Message).NotTo(gomega.BeEmpty(), "%s: error for %s has no English message", what, field)
			gomega.Expect(fe.MessageVI).NotTo(gomega.BeEmpty(), "%s: error for %s has no Vietnamese message", what, field)
			return
		}
	}
	ginkgo.Fail(what + ": validation error does not name field " + field)
}

func missingRequiredField(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen) {
	s := f.NewSubmission(ctx, svc, c)
	field := framework.FirstTypedRequired(svc)
	req := s.Request
	req.Fields = framework.CloneFields(s.Request.Fields)
	delete(req.Fields, field.Name)

	_, _, err := s.Portal.Submit(ctx, framework.NewKey(), req)
	what := "submit of " + svc.ID + " without required field " + field.Name
	ae := apiError(err, http.StatusUnprocessableEntity, what)
	expectFieldError(ae, field.Name, what)
}

func malformedPersonalID(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen) {
	s := f.NewSubmission(ctx, svc, c)
	req := s.Request
	req.Fields = framework.CloneFields(s.Request.Fields)
	req.Fields["SoDinhDanh"] = "12345678"

	_, _, err := s.Portal.Submit(ctx, framework.NewKey(), req)
	what := "submit of " + svc.ID + " with malformed personal ID 12345678"
	ae := apiError(err, http.StatusUnprocessableEntity, what)
	expectFieldError(ae, "SoDinhDanh", what)
}

func unauthenticated(ctx context.Context, f *framework.Framework, svc fixtures.Service) {
	anon := f.Portal("")
	noToken := framework.DeliberatelyInvalid(ctx, framework.InvalidAuth) // the contract requires a bearer token
	_, err := anon.Form(noToken, svc.ID)
	apiError(err, http.StatusUnauthorized, "form of "+svc.ID+" without a token")

	_, _, err = anon.Submit(noToken, framework.NewKey(), portal.SubmitRequest{ServiceID: svc.ID, Fields: map[string]string{"HoVaTen": "Nguyễn Văn A"}})
	apiError(err, http.StatusUnauthorized, "submit of "+svc.ID+" without a token")

	_, _, err = f.Portal("not-a-jwt").Submit(ctx, framework.NewKey(), portal.SubmitRequest{ServiceID: svc.ID})
	apiError(err, http.StatusUnauthorized, "submit of "+svc.ID+" with a garbage token")
}

func retriedSubmit(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen) {
	if !f.Target.Allow.Submit {
		ginkgo.Skip("target profile does not allow submitting dossiers (allow.submit: false)")
	}
	s := f.NewSubmission(ctx, svc, c)
	before := countDossiers(ctx, s.Portal, svc.ID)

	key := framework.NewKey()
	first, replayed, err := s.Portal.Submit(ctx, key, s.Request)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "first submit of %s", svc.ID)
	gomega.Expect(replayed).To(gomega.BeFalse(), "first submit of %s answered as a replay", svc.ID)

	again, replayed, err := s.Portal.Submit(ctx, key, s.Request)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "retried submit of %s with the same idempotency key", svc.ID)
	gomega.Expect(replayed).To(gomega.BeTrue(), "retried submit of %s not marked Idempotency-Replayed", svc.ID)
	gomega.Expect(again.ID).To(gomega.Equal(first.ID), "retried submit of %s created dossier %s besides %s", svc.ID, again.Code, first.Code)

	other := s.Request
	other.Fields = framework.CloneFields(s.Request.Fields)
	field := framework.FirstTypedRequired(svc)
	// The portal must compare bodies before validating: any change is a conflict.
	other.Fields[field.Name] = field.Example + " (sửa)"
	_, _, err = s.Portal.Submit(ctx, key, other)
	apiError(err, http.StatusConflict, "reuse of an idempotency key with another body for "+svc.ID)

	gomega.Expect(countDossiers(ctx, s.Portal, svc.ID)).To(gomega.Equal(before+1),
		"retried submits of %s must leave exactly one new dossier", svc.ID)
	_, err = s.Portal.Dossier(ctx, first.ID)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "dossier %s of a retried submit is lost", first.Code)
}

func countDossiers(ctx context.Context, p *portal.Client, serviceID string) int {
	ginkgo.GinkgoHelper()
	all, err := p.Dossiers(ctx)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "list my dossiers")
	n := 0
	for _, d := range all {
		if d.ServiceID == serviceID {
			n++
		}
	}
	return n
}
