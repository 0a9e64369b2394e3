package services

import (
	"context"
	"fmt"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/suites/framework/refs"
)

// endToEnd is the "toàn trình" (fully online, end to end) check of one
// service, each step holding what the target answered, whole, to the
// references (expect.go).
func endToEnd(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen) {
	f.MustAllow(framework.ActSubmit)

	framework.Step(framework.CheckLogin, "logging in through SSO and opening the prefilled form")
	s := f.NewSubmission(ctx, svc, c)
	claims, err := sso.Claims(s.IDToken)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the claims of the ID token")
	gomega.Expect(claims["SoDinhDanh"]).To(gomega.Equal(c.PersonalID), "ID token names another citizen than the one who logged in")

	framework.Step(framework.CheckCatalog, "reading the service from the portal's catalog")
	checkCatalogEntry(ctx, svc, s.Portal)

	framework.Step(framework.CheckPrefill, "checking the whole form, every prefilled field against the national databases")
	checkPrefill(ctx, f, svc, s.Form, c)

	framework.Step(framework.CheckSubmit, "submitting the dossier with its attachments")
	cal, err := refs.NewWorkingCalendar(f.Catalog.Calendar.Holidays)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the holiday calendar")
	pop := f.Record(ctx, "population", c.PersonalID)
	r := dossierRefs{Service: svc, Province: f.Target.Province, AgencyID: f.Target.DVCQG.AgencyID,
		Applicant: portal.Applicant{SoDinhDanh: c.PersonalID, HoVaTen: pop["HoVaTen"]},
		Request:   s.Request, Calendar: cal, From: time.Now()}
	d, replayed, err := s.Portal.Submit(ctx, framework.NewKey(), s.Request)
	r.To = time.Now()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "submit a dossier for %s", svc.ID)
	gomega.Expect(replayed).To(gomega.BeFalse(), "a first submit was answered as a replay")
	ginkgo.AddReportEntry("dossier", d.Code)
	checkSubmitted(ctx, s, &r, d)

	if svc.FeeVND > 0 {
		r.Paid = pay(ctx, f, svc, s.Portal, d, pop["HoVaTen"])
	}

	var o framework.Officer // the harness's officer, with officers.mode manual
	if f.Target.ManualOfficers() {
		framework.Step(framework.CheckProcessing, "processing the dossier as the test officer (officers.mode manual): receive, assign, approve, sign, return")
		o = f.Officer(ctx)
		r.ActedBy = processMine(ctx, f, s.Portal, o, svc.ID, svc.ProcedureCode, r.Applicant, d, "dossier "+d.Code+" of "+svc.ID)
	} else {
		framework.Step(framework.CheckProcessing, "waiting for the officers to process the dossier until its result is delivered")
	}
	d = waitForStatus(ctx, f, s.Portal, d, portal.StatusDelivered)
	if o != nil {
		checkOfficerView(ctx, o, d, "dossier "+d.Code)
	}

	framework.Step(framework.CheckHistory, "checking the delivered dossier whole: history, officers, appointment date (working days), payment")
	checkHistory(r, d)

	framework.Step(framework.CheckResult, "verifying the signed result document")
	checkResult(ctx, f, svc, s.Portal, d)

	framework.Step(framework.CheckSync, "checking the national portal shows the same dossier, status and history")
	checkNationalPortal(ctx, f, svc, d)

	if len(svc.Chain) > 0 {
		framework.Step(framework.CheckChain, "checking the follow-on dossiers of the liên thông (inter-linked) chain")
		checkChain(ctx, f, svc, s.Portal, d, o)
	}
}

// checkCatalogEntry holds the portal's catalog entry of the service, and
// the same entry in the service list, whole to the fixture catalog.
func checkCatalogEntry(ctx context.Context, svc fixtures.Service, p *portal.Client) {
	ginkgo.GinkgoHelper()
	entry, err := p.Service(ctx, svc.ID)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read %s from the portal catalog", svc.ID)
	list, err := p.Services(ctx)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "list the portal catalog")
	want := expectedEntry(svc)
	var d framework.Diffs
	d.Compare(ansService, want, *entry, equateEmpty)
	listedDiffs(&d, want, list)
	d.Expect("portal catalog entry of " + svc.ID + " ≠ catalog")
}

// checkPrefill holds the whole form to the catalog and every prefilled
// field to the citizen's national record, reporting every field that
// differs.
func checkPrefill(ctx context.Context, f *framework.Framework, svc fixtures.Service, form *portal.Form, c framework.Citizen) {
	ginkgo.GinkgoHelper()
	records := map[string]map[string]string{}
	for _, fd := range svc.Form {
		if db, _, ok := fd.Prefill(); ok && records[db] == nil {
			records[db] = f.PrefillSource(ctx, svc, db, c)
		}
	}
	var d framework.Diffs
	d.Compare(ansForm, expectedForm(svc, records), *form, equateEmpty)
	d.Expect("form of " + svc.ID + " for citizen " + redact.ID(c.PersonalID) + " ≠ the catalog and the national databases")
}

// checkSubmitted holds each upload receipt to the bytes sent, then the new
// dossier — as the submit answered it and as read back — whole to what was
// submitted (expect.go, dossierDiffs): what a citizen submitted survives.
func checkSubmitted(ctx context.Context, s *framework.Submission, r *dossierRefs, d *portal.Dossier) {
	ginkgo.GinkgoHelper()
	var diffs framework.Diffs
	for i, u := range s.Uploads {
		receiptDiffs(&diffs, u, u.Receipt)
		r.Receipts = append(r.Receipts, s.Uploads[i].Receipt)
	}
	dossierDiffs(&diffs, ansSubmit, *r, d)
	back, err := s.Portal.Dossier(ctx, d.ID)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read back dossier %s", d.Code)
	dossierDiffs(&diffs, ansDossier, *r, back)
	diffs.Field(ansDossier, "code (read back)", d.Code, back.Code)
	diffs.Expect("dossier " + d.Code + " of " + r.Service.ID + " ≠ what was submitted")
}

// pay pays the fee on the payment platform and checks every answer whole:
// the portal's payment start, the platform's QUERY and bill, and the fee
// as the portal then records it, with the platform's transaction id. It
// returns the QUERY of the settled payment.
func pay(ctx context.Context, f *framework.Framework, svc fixtures.Service, p *portal.Client, d *portal.Dossier, payer string) *payment.QueryResponse {
	ginkgo.GinkgoHelper()
	framework.Step(framework.CheckPayment, fmt.Sprintf("paying the fee of %d VND on the payment platform", svc.FeeVND))
	f.MustAllow(framework.ActPay)
	from := time.Now()
	start, err := p.StartPayment(ctx, d.ID)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "start payment of %s", d.Code)
	var diffs framework.Diffs
	paymentStartDiffs(&diffs, svc.FeeVND, d.Code, f.Payment.BaseURL, *start)
	diffs.Expect("payment of " + d.Code + " started other than for the catalog fee")

	ret, err := f.Payment.Pay(ctx, start.PayURL, true)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "confirm payment of %s on the pay page", d.Code)
	gomega.Expect(ret).To(gomega.ContainSubstring("TrangThaiGD="+payment.StatusSuccess), "pay page did not return success for %s", d.Code)

	q, err := f.Payment.Query(ctx, start.Reference)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "QUERY payment %s", start.Reference)
	bill, err := f.Payment.Bill(ctx, start.Reference)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "GET_BILL payment %s", start.Reference)
	queryDiffs(&diffs, svc.FeeVND, start.Reference, *q)
	billDiffs(&diffs, *q, d.Code, svc.ProcedureCode, f.Target.DVCQG.AgencyID, payer, svc.FeeVND, from, time.Now(), *bill)
	diffs.Expect("payment platform's record of " + start.Reference + " ≠ the payment made")

	gomega.Eventually(ctx, func(g gomega.Gomega) {
		cur, err := p.Dossier(ctx, d.ID)
		g.Expect(err).NotTo(gomega.HaveOccurred())
		var diffs framework.Diffs
		diffs.CompareField(ansDossier, "fee", portal.Fee{AmountVND: svc.FeeVND, Paid: true, PaidAmountVND: svc.FeeVND}, cur.Fee,
			cmpopts.IgnoreFields(portal.Fee{}, "TransactionID"))
		diffs.Same(ansDossier, "fee.transaction_id", ansQuery, q.MaGiaoDich, cur.Fee.TransactionID)
		g.Expect(diffs.Err("portal's record of the payment of " + d.Code)).To(framework.NoFieldDiffs())
	}).WithTimeout(f.Target.Timeouts.Sync).WithPolling(framework.PollInterval).Should(gomega.Succeed())
	return q
}

// processMine processes the citizen's dossier d as the harness's officer,
// from the state the portal shows it in now (a paid dossier with a fee
// waits in payment_required), and says who made which history entries.
func processMine(ctx context.Context, f *framework.Framework, p *portal.Client, o framework.Officer, serviceID, procedure string,
	applicant portal.Applicant, d *portal.Dossier, what string) *actedBy {
	ginkgo.GinkgoHelper()
	cur, err := p.Dossier(ctx, d.ID)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read %s before the officer acts", what)
	return processAsOfficer(ctx, f, o, officerView(cur, serviceID, procedure, applicant), what)
}

// waitForStatus polls the portal until the dossier reaches the status; the
// failure names the status it was stuck in.
func waitForStatus(ctx context.Context, f *framework.Framework, p *portal.Client, d *portal.Dossier, want string) *portal.Dossier {
	ginkgo.GinkgoHelper()
	last := d
	gomega.Eventually(ctx, func(g gomega.Gomega) string {
		cur, err := p.Dossier(ctx, d.ID)
		g.Expect(err).NotTo(gomega.HaveOccurred(), "read dossier %s", d.Code)
		last = cur
		return cur.Status
	}).WithTimeout(f.Target.Timeouts.Result).WithPolling(framework.PollInterval).Should(gomega.Equal(want),
		"dossier %s did not reach %q within %s", d.Code, want, f.Target.Timeouts.Result)
	return last
}

// checkHistory holds the delivered dossier whole to the references: the
// catalog workflow, named officers, times in order, the appointment by the
// harness's working-day calendar, the payment, the result and the chain;
// and the result delivered by the appointment date.
func checkHistory(r dossierRefs, d *portal.Dossier) {
	ginkgo.GinkgoHelper()
	var diffs framework.Diffs
	dossierDiffs(&diffs, ansDossier, r, d)
	diffs.Form(ansDossier, "delivered_at", d.DeliveredAt, !d.DeliveredAt.After(d.AppointmentAt),
		"by the appointment date "+d.AppointmentAt.Format("2006-01-02 15:04"))
	diffs.Expect("delivered dossier " + d.Code + " of " + r.Service.ID + " ≠ the catalog workflow and what was submitted")
}

// historyStates checks that every history entry of the dossier has its
// state's status code and that time never goes back, and returns the states.
func historyStates(d *portal.Dossier, what string) []string {
	ginkgo.GinkgoHelper()
	var states []string
	for i, h := range d.History {
		states = append(states, h.Status)
		code, known := portal.StatusCode(h.Status)
		gomega.Expect(known).To(gomega.BeTrue(), "history entry %d of %s: status %q is no workflow state of the national portal's table", i, what, h.Status)
		gomega.Expect(h.StatusCode).To(gomega.Equal(code), "history entry %d of %s: status %q has code %d, want %d (%s)", i, what, h.Status, h.StatusCode, code, dvcqg.Status(code).Meaning())
		if i > 0 {
			gomega.Expect(h.At.Before(d.History[i-1].At)).To(gomega.BeFalse(), "history of %s goes back in time at %q", what, h.Status)
		}
	}
	return states
}

// defaultFreeWorkflow is the contract's workflow of a dossier without a fee
// (docs/contracts.md, portal workflow).
var defaultFreeWorkflow = []string{portal.StatusSubmitted, portal.StatusAccepted, portal.StatusProcessing, portal.StatusFinished, portal.StatusDelivered}

// followOn is what a follow-on dossier must say about itself on the portal:
// whose it is and what procedure it runs.
type followOn struct {
	Code          string           `json:"code"`
	ServiceID     string           `json:"service_id"`
	ProcedureCode string           `json:"procedure_code"`
	Applicant     portal.Applicant `json:"applicant"`
}

// checkChain checks each follow-on dossier of a liên thông chain: created
// for the step the catalog lists, the applicant's own dossier of the step's
// service, processed to its result with the workflow of that service (no
// payment: the main dossier's fee covers it), and known to the national
// portal with the same applicant, procedure, status and history. With
// manual officers (o not nil) the harness's officer processes each one
// before it is waited for, and the entries it made name it.
func checkChain(ctx context.Context, f *framework.Framework, svc fixtures.Service, p *portal.Client, d *portal.Dossier, o framework.Officer) {
	ginkgo.GinkgoHelper()
	// The links themselves (step, name, service, code) were held to the
	// catalog's chain with the delivered dossier (dossierDiffs).
	gomega.Expect(d.Chain).To(gomega.HaveLen(len(svc.Chain)), "dossier %s has %d follow-on dossiers, the chain of %s has %d steps", d.Code, len(d.Chain), svc.ID, len(svc.Chain))
	for i, step := range svc.Chain {
		link := d.Chain[i]
		what := fmt.Sprintf("follow-on dossier %s (%s) of %s", link.Code, step.Step, d.Code)

		// The national portal's view first: it does not depend on the
		// portal listing the dossier as the applicant's.
		gomega.Eventually(ctx, func(g gomega.Gomega) {
			hs, err := f.DVCQG.Lookup(ctx, link.Code)
			g.Expect(err).NotTo(gomega.HaveOccurred(), "national portal has no %s", what)
			var diffs framework.Diffs
			diffs.Compare(ansDVCQGLook, followOnNational{
				DinhDanhCHS: []dvcqg.DinhDanh{{LoaiDinhDanh: "1", SoDinhDanh: d.Applicant.SoDinhDanh}},
				ChuHoSo:     d.Applicant.HoVaTen, TenTTHC: step.NameVI,
			}, followOnNational{hs.DinhDanhCHS, hs.ChuHoSo, hs.TenTTHC}, equateEmpty)
			g.Expect(diffs.Err("national portal view of the applicant of " + what)).To(framework.NoFieldDiffs())
		}).WithTimeout(f.Target.Timeouts.Sync).WithPolling(framework.PollInterval).Should(gomega.Succeed())

		want := followOn{Code: link.Code, ServiceID: step.Service, Applicant: d.Applicant}
		// The workflow of the step's service without payment; a step outside
		// the catalog runs the contract's free workflow.
		steps := defaultFreeWorkflow
		if stepSvc, ok := f.Catalog.Service(step.Service); ok {
			want.ProcedureCode = stepSvc.ProcedureCode
			steps = nil
			for _, st := range stepSvc.Workflow {
				if st != portal.StatusPaymentRequired {
					steps = append(steps, st)
				}
			}
		}
		child := findDossier(ctx, p, link.Code)
		gomega.Expect(child).NotTo(gomega.BeNil(), "%s is not among the applicant's dossiers on the portal", what)
		var diffs framework.Diffs
		diffs.Compare(ansDossiers, want, followOn{child.Code, child.ServiceID, child.ProcedureCode, child.Applicant})
		diffs.Expect(what + " on the portal ≠ the catalog's chain step for the applicant")

		var acted *actedBy
		if o != nil {
			acted = processMine(ctx, f, p, o, want.ServiceID, want.ProcedureCode, d.Applicant, child, what)
		}
		child = waitForStatus(ctx, f, p, child, portal.StatusDelivered)
		states := historyStates(child, what)
		diffs.Field(ansDossier, "history (states)", steps, states)
		for _, h := range child.History {
			if w, by := actedDiffs(&diffs, ansDossier, "history["+h.Status+"]", h.Status, h, acted); by {
				diffs.Compare(ansDossier, w, h)
			}
		}
		diffs.Expect("workflow of " + what + " ≠ the catalog workflow of its service, without payment")
		checkFollowOnSync(ctx, f, child, what)
	}
}

// followOnNational is what the national portal must say of a follow-on
// dossier's applicant and procedure.
type followOnNational struct {
	DinhDanhCHS []dvcqg.DinhDanh
	ChuHoSo     string
	TenTTHC     string
}

// findDossier is the citizen's dossier with the code, nil when the portal
// does not list it.
func findDossier(ctx context.Context, p *portal.Client, code string) *portal.Dossier {
	ginkgo.GinkgoHelper()
	all, err := p.Dossiers(ctx)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "list my dossiers")
	for i := range all {
		if all[i].Code == code {
			return &all[i]
		}
	}
	return nil
}
