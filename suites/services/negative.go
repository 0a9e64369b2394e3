package services

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/suites/framework/refs"
)

// apiError asserts err is the portal's JSON error with the given status and
// error code, and that no message leaks internal details.
func apiError(err error, status int, code, what string) *portal.APIError {
	ginkgo.GinkgoHelper()
	gomega.Expect(err).To(gomega.HaveOccurred(), "%s was accepted; want HTTP %d %s", what, status, code)
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
	gomega.Expect(ae.Code).To(gomega.Equal(code), "%s: HTTP %d with error code %q, want %q", what, status, ae.Code, code)
	gomega.Expect(ae.Message).NotTo(gomega.BeEmpty(), "%s: error answer has no English message", what)
	gomega.Expect(ae.MessageVI).NotTo(gomega.BeEmpty(), "%s: error answer has no Vietnamese message", what)
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

// fieldVerdict is what a 422 says about one field, apart from its wording.
type fieldVerdict struct {
	Field string
	Code  string // portal.Field*
}

// expectFieldErrors asserts the 422 lists exactly the given fields, each
// with its field-error code and a message in English and Vietnamese. The
// rest of the request was valid, so any other field listed is a mistake too.
func expectFieldErrors(ae *portal.APIError, want []fieldVerdict, what string) {
	ginkgo.GinkgoHelper()
	got := verdicts(ae)
	gomega.Expect(got).To(gomega.Equal(want), "%s: the 422 names %v, want exactly %v", what, got, want)
	for _, fe := range ae.Fields {
		gomega.Expect(fe.Message).NotTo(gomega.BeEmpty(), "%s: error for %s has no English message", what, fe.Field)
		gomega.Expect(fe.MessageVI).NotTo(gomega.BeEmpty(), "%s: error for %s has no Vietnamese message", what, fe.Field)
	}
}

func verdicts(ae *portal.APIError) []fieldVerdict {
	var out []fieldVerdict
	for _, fe := range ae.Fields {
		out = append(out, fieldVerdict{fe.Field, fe.Code})
	}
	return out
}

func missingRequiredField(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen) {
	// A submission meant to be refused is still one: a portal that wrongly
	// accepts it creates a dossier.
	f.MustAllow(framework.ActSubmit)
	s := f.NewSubmission(ctx, svc, c)
	field := framework.FirstTypedRequired(svc)
	req := s.Request
	req.Fields = framework.CloneFields(s.Request.Fields)
	delete(req.Fields, field.Name)

	_, _, err := s.Portal.Submit(ctx, framework.NewKey(), req)
	what := "submit of " + svc.ID + " without required field " + field.Name
	ae := apiError(err, http.StatusUnprocessableEntity, portal.CodeValidationFailed, what)
	expectFieldErrors(ae, []fieldVerdict{{field.Name, portal.FieldRequired}}, what)
}

// malformedPersonalID sends a personal ID that is not 12 digits in place of
// the citizen's prefilled one: ID-format validation must refuse it as
// malformed (invalid_format), which is a different answer from the one a
// well-formed ID of somebody else gets (national_data_mismatch) — the
// citizen must be told to fix the number, not that it is someone else's.
func malformedPersonalID(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen) {
	f.MustAllow(framework.ActSubmit)
	s := f.NewSubmission(ctx, svc, c)
	submitWithID := func(id, what string) *portal.APIError {
		req := s.Request
		req.Fields = framework.CloneFields(s.Request.Fields)
		req.Fields["SoDinhDanh"] = id
		_, _, err := s.Portal.Submit(ctx, framework.NewKey(), req)
		return apiError(err, http.StatusUnprocessableEntity, portal.CodeValidationFailed, what)
	}

	const malformed = "12345678"
	// The harness's reference (suites/framework/refs) says which answer each
	// ID must get: malformed → invalid_format, well-formed → mismatch.
	gomega.Expect(refs.PersonalIDWellFormed(malformed)).To(gomega.BeFalse(), "harness: %q is meant to be a malformed personal ID", malformed)
	what := "submit of " + svc.ID + " with malformed personal ID " + malformed + " (8 digits)"
	ae := submitWithID(malformed, what)
	gomega.Expect(verdicts(ae)).To(gomega.ContainElement(fieldVerdict{"SoDinhDanh", portal.FieldInvalidFormat}),
		"%s: SoDinhDanh not refused as an ID-format error (%s); the 422 names %v", what, portal.FieldInvalidFormat, verdicts(ae))
	expectFieldErrors(ae, []fieldVerdict{{"SoDinhDanh", portal.FieldInvalidFormat}}, what)

	// The control: a well-formed ID that is not the citizen's is a mismatch
	// with national data, not a format error.
	unknown := f.UnknownPersonalID()
	gomega.Expect(refs.PersonalIDWellFormed(unknown)).To(gomega.BeTrue(), "harness: the unknown personal ID %s is not well-formed", redact.ID(unknown))
	what = "submit of " + svc.ID + " with well-formed personal ID " + redact.ID(unknown) + " of nobody"
	expectFieldErrors(submitWithID(unknown, what), []fieldVerdict{{"SoDinhDanh", portal.FieldNationalMismatch}}, what)
}

// malformedValues: every date and phone field of the form, sent with a value
// its type forbids, is refused as a format error naming exactly that field
// — prefilled ones included: a malformed value is a different mistake from
// somebody else's valid one.
func malformedValues(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen) {
	bad := map[string]string{"date": "2026-02-30", "phone": "091234567"}
	// The harness's references (suites/framework/refs) hold them malformed.
	gomega.Expect(refs.DateWellFormed(bad["date"])).To(gomega.BeFalse(), "harness: %q is meant to be a malformed date", bad["date"])
	gomega.Expect(refs.PhoneWellFormed(bad["phone"])).To(gomega.BeFalse(), "harness: %q is meant to be a malformed phone number", bad["phone"])
	var fields []fixtures.Field
	for _, fd := range svc.Form {
		if _, ok := bad[fd.Type]; ok {
			fields = append(fields, fd)
		}
	}
	if len(fields) == 0 {
		ginkgo.Skip(svc.ID + "'s form has no date or phone field")
	}
	f.MustAllow(framework.ActSubmit)
	s := f.NewSubmission(ctx, svc, c)
	for _, fd := range fields {
		req := s.Request
		req.Fields = framework.CloneFields(s.Request.Fields)
		req.Fields[fd.Name] = bad[fd.Type]
		what := fmt.Sprintf("submit of %s with malformed %s %s %q", svc.ID, fd.Type, fd.Name, bad[fd.Type])
		_, _, err := s.Portal.Submit(ctx, framework.NewKey(), req)
		expectFieldErrors(apiError(err, http.StatusUnprocessableEntity, portal.CodeValidationFailed, what),
			[]fieldVerdict{{fd.Name, portal.FieldInvalidFormat}}, what)
	}
}

// authAnswer is what a refused unauthenticated call must say: status, error
// code, the 401's reason and its WWW-Authenticate challenge (RFC 6750).
type authAnswer struct {
	Status    int
	Code      string
	Reason    string
	Scheme    string // of the challenge
	TokenHint string // the challenge's error parameter; none is asked for when no token was sent
}

// expectUnauthenticated asserts a 401 in the portal's error shape with the
// reason and a Bearer challenge; a presented but bad token must be
// challenged with error="invalid_token".
func expectUnauthenticated(err error, reason, what string) {
	ginkgo.GinkgoHelper()
	ae := apiError(err, http.StatusUnauthorized, portal.CodeUnauthenticated, what)
	scheme, params, _ := strings.Cut(strings.TrimSpace(ae.Authenticate), " ")
	got := authAnswer{Status: ae.Status, Code: ae.Code, Reason: ae.Reason, Scheme: scheme}
	want := authAnswer{Status: http.StatusUnauthorized, Code: portal.CodeUnauthenticated, Reason: reason, Scheme: "Bearer"}
	if reason != portal.ReasonMissingToken {
		got.TokenHint = challengeParam(params, "error")
		want.TokenHint = "invalid_token"
	}
	gomega.Expect(got).To(gomega.Equal(want), "%s: 401 answer (WWW-Authenticate %q) ≠ the contract's", what, ae.Authenticate)
}

// challengeParam reads one auth-param of a WWW-Authenticate challenge.
func challengeParam(params, name string) string {
	for p := range strings.SplitSeq(params, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(k, name) {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

func unauthenticated(ctx context.Context, f *framework.Framework, svc fixtures.Service) {
	anon := f.Portal("")
	noToken := framework.DeliberatelyInvalid(ctx, framework.InvalidAuth) // the contract requires a bearer token
	_, err := anon.Form(noToken, svc.ID)
	expectUnauthenticated(err, portal.ReasonMissingToken, "form of "+svc.ID+" without a token")

	// The form's refusal is checked above; the submits below would create a
	// dossier on a portal that wrongly took them.
	f.MustAllow(framework.ActSubmit)
	req := portal.SubmitRequest{ServiceID: svc.ID, Fields: map[string]string{"HoVaTen": "Nguyễn Văn A"}, Attachments: []portal.AttachmentRef{}, Note: framework.RunMarker()}
	_, _, err = anon.Submit(noToken, framework.NewKey(), req)
	expectUnauthenticated(err, portal.ReasonMissingToken, "submit of "+svc.ID+" without a token")

	_, _, err = f.Portal("not-a-jwt").Submit(ctx, framework.NewKey(), req)
	expectUnauthenticated(err, portal.ReasonMalformed, "submit of "+svc.ID+" with a garbage token")
}

// dossierIdentity is what a replayed submit must answer the same as the
// first: the dossier, not its progress (officers may act in between).
type dossierIdentity struct {
	ID        string            `json:"id"`
	Code      string            `json:"code"`
	ServiceID string            `json:"service_id"`
	Applicant portal.Applicant  `json:"applicant"`
	Fields    map[string]string `json:"fields"`
}

func identity(d *portal.Dossier) dossierIdentity {
	return dossierIdentity{d.ID, d.Code, d.ServiceID, d.Applicant, d.Fields}
}

func retriedSubmit(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen) {
	f.MustAllow(framework.ActSubmit)
	s := f.NewSubmission(ctx, svc, c)
	before := dossierIDs(ctx, s.Portal, svc.ID)

	key := framework.NewKey()
	first, replayed, err := s.Portal.Submit(ctx, key, s.Request)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "first submit of %s", svc.ID)
	gomega.Expect(replayed).To(gomega.BeFalse(), "first submit of %s answered as a replay", svc.ID)

	again, replayed, err := s.Portal.Submit(ctx, key, s.Request)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "retried submit of %s with the same idempotency key", svc.ID)
	gomega.Expect(replayed).To(gomega.BeTrue(), "retried submit of %s not marked Idempotency-Replayed", svc.ID)
	var same framework.Diffs
	same.Compare(ansSubmit, identity(first), identity(again), equateEmpty)
	same.Expect("retried submit of " + svc.ID + " answered another dossier than the first one " + first.Code)

	other := s.Request
	other.Fields = framework.CloneFields(s.Request.Fields)
	field := framework.FirstTypedRequired(svc)
	// The portal must compare bodies before validating: any change is a conflict.
	other.Fields[field.Name] = field.Example + " (sửa)"
	_, _, err = s.Portal.Submit(ctx, key, other)
	apiError(err, http.StatusConflict, portal.CodeIdempotencyReused, "reuse of an idempotency key with another body for "+svc.ID)

	// Exactly one new dossier, and it is the first one: neither a second
	// dossier nor a lost one.
	var created []string
	for _, id := range dossierIDs(ctx, s.Portal, svc.ID) {
		if !slices.Contains(before, id) {
			created = append(created, id)
		}
	}
	gomega.Expect(created).To(gomega.Equal([]string{first.ID}),
		"retried submits of %s must leave exactly one new dossier, %s (%s)", svc.ID, first.ID, first.Code)
	cur, err := s.Portal.Dossier(ctx, first.ID)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "dossier %s of a retried submit is lost", first.Code)
	var d framework.Diffs
	d.Compare(ansDossier, identity(first), identity(cur), equateEmpty)
	d.Expect("dossier " + first.Code + " of a retried submit changed from the first submit's answer")
}

// dossierIDs lists the ids of the citizen's dossiers of the service.
func dossierIDs(ctx context.Context, p *portal.Client, serviceID string) []string {
	ginkgo.GinkgoHelper()
	all, err := p.Dossiers(ctx)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "list my dossiers")
	var out []string
	for _, d := range all {
		if d.ServiceID == serviceID {
			out = append(out, d.ID)
		}
	}
	return out
}
