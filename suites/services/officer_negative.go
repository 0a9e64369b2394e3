package services

import (
	"context"
	"slices"
	"strings"

	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/officer"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// The back office's refusals (docs/officers.md): an action the dossier's
// state does not allow is a 409 action_not_allowed naming the allowed
// ones, an unknown action a 400 bad_request, and neither changes
// anything; an action retried with its Idempotency-Key answers the first
// result. One spec, on a free service without a chain (its dossier can
// be received at once and refused to close it), through the API driver
// with manual officers; not applicable otherwise.
var _ = framework.Describe(apiContainer, framework.LayerAPI, func() {
	f := framework.NewDefaultFramework("services-officer")
	i, svc, ok := officerNegativeService(framework.Catalog())
	if !ok {
		return
	}
	ginkgo.Describe(svc.ID+" "+svc.NameVI, framework.ServiceLabels(svc), func() {
		ginkgo.It("refuses officer actions its state does not allow with 409 action_not_allowed, changing nothing", framework.KindNegative,
			framework.SystemBackoffice, ginkgo.SpecTimeout(framework.SpecTimeouts().Spec), func(ctx ginkgo.SpecContext) {
				officerRefusals(ctx, f, svc, f.Citizen(framework.RoleNegative, i))
			})
	})
})

// officerNegativeService is the first catalog service without a fee or a
// chain, and its index.
func officerNegativeService(cat *fixtures.Catalog) (int, fixtures.Service, bool) {
	for i, s := range cat.Services {
		if s.FeeVND == 0 && len(s.Chain) == 0 {
			return i, s, true
		}
	}
	return 0, fixtures.Service{}, false
}

func officerRefusals(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen) {
	if !f.Target.ManualOfficers() {
		framework.NotApplicable("officers.mode automatic: the portal's own officers process dossiers, and the harness acts as an officer only with officers.mode manual")
	}
	if d := f.Target.OfficerDriver(); d != fixtures.OfficerDriverAPI {
		framework.NotApplicable("officers.driver " + d + ": the refusals are the back office API's answers (409, 400); the officer pages offer only the allowed actions' buttons")
	}
	f.MustAllow(framework.ActSubmit)
	s := f.NewSubmission(ctx, svc, c)
	d, _, err := s.Portal.Submit(ctx, framework.NewKey(), s.Request)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "submit a dossier for %s", svc.ID)
	ginkgo.AddReportEntry("dossier", d.Code)
	o, ok := f.Officer(ctx).(*framework.APIOfficer)
	gomega.Expect(ok).To(gomega.BeTrue(), "officers.driver api gives the API driver")

	refused := func(state string) {
		ginkgo.GinkgoHelper()
		allowed := officer.Allowed(state, false, true)
		before, err := o.Dossier(ctx, d.Code)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read %s on the back office", d.Code)
		citizen, err := s.Portal.Dossier(ctx, d.ID)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read %s on the portal", d.Code)
		gomega.Expect(before.Status).To(gomega.Equal(state), "dossier %s on the back office", d.Code)
		for _, a := range officer.AllActions {
			if slices.Contains(allowed, a) {
				continue
			}
			_, err := o.Act(ctx, d.Code, a, officerNote(a))
			gomega.Expect(officer.StatusOf(err)).To(gomega.Equal(409), "%s on a dossier in state %s: want 409, got %v", a, state, err)
			gomega.Expect(officer.CodeOf(err)).To(gomega.Equal(officer.CodeActionNotAllowed), "%s in state %s: %v", a, state, err)
			ae, _ := err.(*officer.APIError)
			for _, want := range allowed {
				gomega.Expect(ae.Message).To(gomega.ContainSubstring(want), "the refusal of %s in state %s names the allowed actions (%s)", a, state, strings.Join(allowed, ", "))
			}
		}
		_, err = o.Act(ctx, d.Code, "teleport", "")
		gomega.Expect(officer.StatusOf(err)).To(gomega.Equal(400), "an unknown action: want 400, got %v", err)
		gomega.Expect(officer.CodeOf(err)).To(gomega.Equal(officer.CodeBadRequest), "an unknown action: %v", err)

		after, err := o.Dossier(ctx, d.Code)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read %s on the back office again", d.Code)
		citizenAfter, err := s.Portal.Dossier(ctx, d.ID)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read %s on the portal again", d.Code)
		var diffs framework.Diffs
		diffs.Compare(ansOfficerDossier, *before, *after, equateEmpty)
		diffs.Compare(ansDossier, *citizen, *citizenAfter, equateEmpty)
		diffs.Expect("dossier " + d.Code + " in state " + state + " changed after refused officer actions")
	}

	framework.Step(framework.CheckProcessing, "refused officer actions on a submitted dossier")
	refused(portal.StatusSubmitted)
	key := framework.NewKey()
	first := act(ctx, o, d.Code, officer.Receive, portal.StatusSubmitted, false, key)
	// The same action retried with its key answers the first result: one
	// receipt, not a second action (nor a 409 for a dossier now accepted).
	again, err := o.Client.Act(ctx, d.Code, officer.Receive, officerNote(officer.Receive), key)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "receive %s retried with the same Idempotency-Key", d.Code)
	var diffs framework.Diffs
	diffs.Compare(ansOfficerAct, *first, *again, equateEmpty)
	diffs.Expect("the retried receive of " + d.Code + " (same Idempotency-Key) ≠ the first answer")
	framework.Step(framework.CheckProcessing, "refused officer actions on an accepted dossier")
	refused(portal.StatusAccepted)
	act(ctx, o, d.Code, officer.Refuse, portal.StatusAccepted, false, framework.NewKey()) // closes the test dossier
}

// act takes an allowed action with the idempotency key and holds its
// answer's state, approval and allowed actions to the reference table.
func act(ctx context.Context, o *framework.APIOfficer, code, action, from string, approved bool, key string) *officer.Dossier {
	ginkgo.GinkgoHelper()
	to, ok := officer.Next(from, action)
	gomega.Expect(ok).To(gomega.BeTrue(), "harness: %s is no action of state %s", action, from)
	got, err := o.Client.Act(ctx, code, action, officerNote(action), key)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "officer action %s on %s (%s)", action, code, from)
	approved = officer.ApprovedAfter(approved, action)
	type view struct {
		Status   string
		Approved bool
		Actions  []string
	}
	var diffs framework.Diffs
	diffs.Compare(ansOfficerAct, view{to, approved, officer.Allowed(to, approved, true)}, view{got.Status, got.Approved, got.Actions},
		equateEmpty, cmpopts.SortSlices(func(a, b string) bool { return a < b }))
	diffs.Expect("the back office's answer to " + action + " on " + code + " ≠ the contract's table")
	return got
}
