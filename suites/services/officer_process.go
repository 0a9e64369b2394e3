package services

import (
	"context"
	"slices"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/officer"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// With officers.mode manual a dossier moves only when an officer acts: the
// end-to-end flows process their own dossiers as the profile's test
// officer (docs/officers.md), each answer held whole to the harness's
// reference table (api/officer: Next, Allowed).

// Answers the officer's side reads.
var (
	ansOfficerAct     = framework.Answer{System: "portal", Operation: "back office: POST /backoffice/api/v1/dossiers/{code}/actions"}
	ansOfficerDossier = framework.Answer{System: "portal", Operation: "back office: GET /backoffice/api/v1/dossiers/{code}"}
	webOfficerDossier = framework.Answer{System: "portal", Operation: "back office web: dossier page"}
)

// actionNotesVI say in each history entry what the officer did (the
// contract's Vietnamese names); officerNote adds the run marker.
var actionNotesVI = map[string]string{
	officer.Receive: "Tiếp nhận hồ sơ", officer.Assign: "Phân công xử lý hồ sơ", officer.Approve: "Phê duyệt kết quả",
	officer.Sign: "Ký số kết quả giải quyết", officer.Return: "Trả kết quả cho công dân",
	officer.RequestDocuments: "Yêu cầu bổ sung hồ sơ", officer.Refuse: "Từ chối hồ sơ",
}

// officerNote is the note sent with an action: what was done, and the run
// marker, so that the history tells the harness's acts apart.
func officerNote(action string) string {
	return actionNotesVI[action] + " (" + framework.RunMarker() + ")"
}

// actedBy is the harness's officer in a dossier's history: who made which
// entries, with what note. The session's officer (full name, title,
// unit) is the back office's word, taken as the reference of who acted
// because the harness logged in as that account; the web driver's pages
// name nobody (Known false), and its entries are held to form only.
type actedBy struct {
	Officer officer.Officer
	Known   bool
	Notes   map[string]string // state → the note of the action that led to it
}

// officerView is what the back office must say of a dossier whatever its
// state.
// The service, procedure and applicant come from the references; the id,
// code, submission time and state are the portal's own (checked apart).
func officerView(d *portal.Dossier, serviceID, procedure string, applicant portal.Applicant) officer.Dossier {
	return officer.Dossier{ID: d.ID, Code: d.Code, ServiceID: serviceID, ProcedureCode: procedure, Status: d.Status,
		Applicant: officer.Applicant{SoDinhDanh: applicant.SoDinhDanh, HoVaTen: applicant.HoVaTen}, SubmittedAt: d.SubmittedAt}
}

// processAsOfficer takes the dossier (view: the references, in its
// current state, not approved) through receive, assign, approve, sign and
// return. The dossier as the officer first sees it, and each action's
// answer, are held whole to the reference: the state Next gives, the
// approval, the actions Allowed in that state, the unchanging fields of
// view, and an appointment set on receipt and kept after.
func processAsOfficer(ctx context.Context, f *framework.Framework, o framework.Officer, view officer.Dossier, what string) *actedBy {
	ginkgo.GinkgoHelper()
	who, known := framework.ActingOfficer(o)
	acted := &actedBy{Officer: who, Known: known, Notes: map[string]string{}}
	_, web := o.(*framework.WebOfficer)
	want := view
	want.Actions = officer.Allowed(want.Status, false, true)
	// A payment reaches the back office through the portal: it may take
	// the portal's sync budget to be receivable.
	gomega.Eventually(ctx, func(g gomega.Gomega) {
		first, err := o.Dossier(ctx, view.Code)
		g.Expect(err).NotTo(gomega.HaveOccurred(), "find %s on the back office", what)
		var before framework.Diffs
		if web {
			before.Compare(webOfficerDossier, webView(want), webView(*first), equateEmpty, sortActions)
		} else {
			before.Compare(ansOfficerDossier, want, *first, equateEmpty, sortActions, cmpopts.IgnoreFields(officer.Dossier{}, "History"))
		}
		g.Expect(before.Err(what + " as the officer first sees it ≠ the citizen's dossier, ready to receive")).To(framework.NoFieldDiffs())
	}).WithTimeout(f.Target.Timeouts.Sync).WithPolling(framework.PollInterval).Should(gomega.Succeed())
	var appointment time.Time
	for _, a := range officer.Processing {
		to, ok := officer.Next(want.Status, a)
		gomega.Expect(ok).To(gomega.BeTrue(), "%s is %s, where the contract allows no %s (do the portal's officers wait for the harness, as officers.mode manual says?)", what, want.Status, a)
		note := officerNote(a)
		state, err := o.Act(ctx, view.Code, a, note)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "officer action %s on %s (in state %s)", a, what, want.Status)
		got, err := framework.ActAnswer(ctx, o, view.Code)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read %s after %s", what, a)
		if to != want.Status {
			acted.Notes[to] = note
		}
		want.Status, want.Approved = to, officer.ApprovedAfter(want.Approved, a)
		want.Actions = officer.Allowed(to, want.Approved, true)

		var d framework.Diffs
		d.Field(ansOfficerAct, a+": state", to, state)
		if web {
			d.Compare(webOfficerDossier, webView(want), webView(*got), equateEmpty, sortActions)
		} else {
			if a == officer.Receive {
				d.Form(ansOfficerAct, "appointment_at", got.AppointmentAt, !got.AppointmentAt.IsZero(), "set on receipt (processing days in working days)")
				appointment = got.AppointmentAt
			}
			want.AppointmentAt = appointment
			d.Compare(ansOfficerAct, want, *got, equateEmpty, sortActions, cmpopts.IgnoreFields(officer.Dossier{}, "History"))
		}
		d.Expect(what + ": the back office's answer to " + a + " ≠ the contract's table (docs/officers.md)")
	}
	return acted
}

// sortActions: the contract lists the allowed actions, in no set order.
var sortActions = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// webOfficerView is what the officer pages show of a dossier (webView).
type webOfficerView struct {
	Code, Status string
	Actions      []string
}

func webView(d officer.Dossier) webOfficerView {
	return webOfficerView{Code: d.Code, Status: d.Status, Actions: d.Actions}
}

// checkOfficerView holds the back office's dossier, once delivered, to the
// citizen's: the same history, entry by entry, and the same appointment
// (the date alone on the officer pages).
func checkOfficerView(ctx context.Context, o framework.Officer, d *portal.Dossier, what string) {
	ginkgo.GinkgoHelper()
	got, err := o.Dossier(ctx, d.Code)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read %s on the back office", what)
	var diffs framework.Diffs
	if _, web := o.(*framework.WebOfficer); web {
		diffs.Same(webOfficerDossier, "appointment (date)", ansDossier, framework.DisplayDate(d.AppointmentAt), framework.DisplayDate(got.AppointmentAt))
	} else {
		diffs.Same(ansOfficerDossier, "appointment_at", ansDossier, d.AppointmentAt, got.AppointmentAt)
		diffs.Same(ansOfficerDossier, "history", ansDossier, d.History, got.History)
	}
	diffs.Expect(what + " on the back office ≠ the citizen's view of it")
}

// actedDiffs holds a history entry the harness's officer made to who it
// logged in as and the note it sent; ok is false for an entry it did not
// make, which the caller judges as any other.
func actedDiffs(d *framework.Diffs, a framework.Answer, field, state string, h portal.HistoryEntry, by *actedBy) (want portal.HistoryEntry, ok bool) {
	if by == nil {
		return h, false
	}
	note, ok := by.Notes[state]
	if !ok {
		return h, false
	}
	want = h
	want.Note = note
	if by.Known {
		want.Officer, want.Title, want.Unit = by.Officer.FullName, by.Officer.Title, by.Officer.Unit
	} else {
		officerDiffs(d, a, field, h)
	}
	return want, true
}

// processSeenFromBackOffice processes the citizen's dossier with the code
// when the harness has no portal dossier to take the references from (the
// browser flow): the service, procedure and applicant from the catalog
// and the population database, the first state from the catalog workflow
// (a dossier with a fee, paid, waits in payment_required), and the id and
// submission time as the back office first tells them.
func processSeenFromBackOffice(ctx context.Context, f *framework.Framework, o framework.Officer, svc fixtures.Service, applicant portal.Applicant, code, what string) *actedBy {
	ginkgo.GinkgoHelper()
	seen, err := o.Dossier(ctx, code)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "find %s on the back office", what)
	start := portal.StatusSubmitted
	if svc.FeeVND > 0 && slices.Contains(svc.Workflow, portal.StatusPaymentRequired) {
		start = portal.StatusPaymentRequired
	}
	view := officerView(&portal.Dossier{ID: seen.ID, Code: code, Status: start, SubmittedAt: seen.SubmittedAt}, svc.ID, svc.ProcedureCode, applicant)
	return processAsOfficer(ctx, f, o, view, what)
}
