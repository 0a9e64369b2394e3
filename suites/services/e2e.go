package services

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"

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
// service, each step asserting on what the target answered.
func endToEnd(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen) {
	if !f.Target.Allow.Submit {
		ginkgo.Skip("target profile does not allow submitting dossiers (allow.submit: false)")
	}

	framework.Step(framework.CheckLogin, "logging in through SSO and opening the prefilled form")
	s := f.NewSubmission(ctx, svc, c)
	claims, err := sso.Claims(s.IDToken)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the claims of the ID token")
	gomega.Expect(claims["SoDinhDanh"]).To(gomega.Equal(c.PersonalID), "ID token names another citizen than the one who logged in")

	framework.Step(framework.CheckCatalog, "reading the service from the portal's catalog")
	checkCatalogEntry(ctx, svc, s.Portal)

	framework.Step(framework.CheckPrefill, "checking every prefilled field against the national databases")
	checkPrefill(ctx, f, svc, s.Form, c)

	framework.Step(framework.CheckSubmit, "submitting the dossier with its attachments")
	d, replayed, err := s.Portal.Submit(ctx, framework.NewKey(), s.Request)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "submit a dossier for %s", svc.ID)
	gomega.Expect(replayed).To(gomega.BeFalse(), "a first submit was answered as a replay")
	gomega.Expect(dvcqg.ValidDossierCode(d.Code)).To(gomega.BeTrue(), "dossier code %q is not {agency}-{yyMMdd}-{NNNN}", d.Code)
	gomega.Expect(d.Applicant.SoDinhDanh).To(gomega.Equal(c.PersonalID), "dossier %s names another applicant", d.Code)
	ginkgo.AddReportEntry("dossier", d.Code)
	checkSubmitted(ctx, f, svc, s, d)

	if svc.FeeVND > 0 {
		pay(ctx, f, svc, s.Portal, d)
	} else {
		gomega.Expect(d.Fee.AmountVND).To(gomega.BeZero(), "free service %s asks a fee for dossier %s", svc.ID, d.Code)
	}

	framework.Step(framework.CheckProcessing, "waiting for the officers to process the dossier until its result is delivered")
	d = waitForStatus(ctx, f, s.Portal, d, portal.StatusDelivered)

	framework.Step(framework.CheckHistory, "checking the workflow history and the appointment date (working days)")
	checkHistory(f, svc, d)

	framework.Step(framework.CheckResult, "verifying the signed result document")
	checkResult(ctx, f, svc, s.Portal, d, c)

	framework.Step(framework.CheckSync, "checking the national portal shows the same dossier, status and history")
	checkNationalPortal(ctx, f, svc, d)

	if len(svc.Chain) > 0 {
		framework.Step(framework.CheckChain, "checking the follow-on dossiers of the liên thông (inter-linked) chain")
		checkChain(ctx, f, svc, s.Portal, d)
	}
}

// checkCatalogEntry holds the portal's catalog entry of the service to the
// fixture catalog.
func checkCatalogEntry(ctx context.Context, svc fixtures.Service, p *portal.Client) {
	ginkgo.GinkgoHelper()
	entry, err := p.Service(ctx, svc.ID)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read %s from the portal catalog", svc.ID)
	var m mismatches
	m.check("id", entry.ID, svc.ID)
	m.check("procedure code", entry.ProcedureCode, svc.ProcedureCode)
	m.check("name", entry.NameVI, svc.NameVI)
	m.check("fee", entry.FeeVND, svc.FeeVND)
	m.check("processing time (working days)", entry.ProcessingDays, svc.ProcessingDays)
	m.check("workflow", entry.Workflow, svc.Workflow)
	gomega.Expect(m).To(gomega.BeEmpty(), "portal catalog entry of %s ≠ catalog", svc.ID)
}

// checkPrefill holds every prefilled field of the form to the citizen's
// national record, reporting every field that differs.
func checkPrefill(ctx context.Context, f *framework.Framework, svc fixtures.Service, form *portal.Form, c framework.Citizen) {
	ginkgo.GinkgoHelper()
	got := map[string]portal.FormField{}
	for _, ff := range form.Fields {
		got[ff.Name] = ff
	}
	records := map[string]map[string]string{}
	var m mismatches
	for _, fd := range svc.Form {
		if fd.PrefillFrom == "" {
			continue
		}
		db, field, _ := strings.Cut(fd.PrefillFrom, ".")
		if records[db] == nil {
			records[db] = f.PrefillSource(ctx, svc, db, c)
		}
		ff, ok := got[fd.Name]
		if !ok {
			m = append(m, fmt.Sprintf("form of %s lacks field %s", svc.ID, fd.Name))
			continue
		}
		want := records[db][field]
		m.check(fmt.Sprintf("prefilled %s of %s ≠ national database %s", fd.Name, svc.ID, fd.PrefillFrom), ff.Value, want)
		if want == "" {
			// Nothing to prefill (e.g. a licence class that never expires):
			// the citizen may type it, so it need not be read-only.
			continue
		}
		m.check(fmt.Sprintf("field %s of %s shown as prefilled from %s", fd.Name, svc.ID, fd.PrefillFrom), ff.Prefilled, true)
		m.check(fmt.Sprintf("prefilled field %s of %s read-only", fd.Name, svc.ID), ff.ReadOnly, true)
	}
	gomega.Expect(m).To(gomega.BeEmpty(), "form of %s for citizen %s ≠ the national databases", svc.ID, redact.ID(c.PersonalID))
}

// checkSubmitted holds the new dossier to what was sent: the service and
// its procedure, the province, the applicant (named as in the population
// database), every value of the request and the attachments uploaded.
func checkSubmitted(ctx context.Context, f *framework.Framework, svc fixtures.Service, s *framework.Submission, d *portal.Dossier) {
	ginkgo.GinkgoHelper()
	pop := f.Record(ctx, "population", s.Citizen.PersonalID)
	var m mismatches
	m.check("service", d.ServiceID, svc.ID)
	m.check("procedure code", d.ProcedureCode, svc.ProcedureCode)
	m.check("province", d.Province, f.Target.Province)
	m.check("applicant", d.Applicant, portal.Applicant{SoDinhDanh: s.Citizen.PersonalID, HoVaTen: pop["HoVaTen"]})
	m.check("values", d.Fields, s.Request.Fields)
	sent := map[string]string{}
	for _, a := range s.Request.Attachments {
		sent[a.Type] = a.ID
	}
	stored := map[string]string{}
	for _, a := range d.Attachments {
		stored[a.Type] = a.ID
	}
	m.check("attachments (type → id)", stored, sent)
	gomega.Expect(m).To(gomega.BeEmpty(), "dossier %s of %s ≠ what was submitted", d.Code, svc.ID)
}

func pay(ctx context.Context, f *framework.Framework, svc fixtures.Service, p *portal.Client, d *portal.Dossier) {
	ginkgo.GinkgoHelper()
	framework.Step(framework.CheckPayment, fmt.Sprintf("paying the fee of %d VND on the payment platform", svc.FeeVND))
	if !f.Target.Allow.Pay {
		ginkgo.Skip("target profile does not allow paying fees (allow.pay: false)")
	}
	gomega.Expect(d.Status).To(gomega.Equal("payment_required"), "dossier %s of a paid service is not waiting for payment", d.Code)
	gomega.Expect(d.Fee.AmountVND).To(gomega.Equal(svc.FeeVND), "dossier %s asks a fee ≠ catalog fee", d.Code)

	start, err := p.StartPayment(ctx, d.ID)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "start payment of %s", d.Code)
	gomega.Expect(start.AmountVND).To(gomega.Equal(svc.FeeVND), "payment of %s started for the wrong amount", d.Code)

	ret, err := f.Payment.Pay(ctx, start.PayURL, true)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "confirm payment of %s on the pay page", d.Code)
	gomega.Expect(ret).To(gomega.ContainSubstring("TrangThaiGD="+payment.StatusSuccess), "pay page did not return success for %s", d.Code)

	q, err := f.Payment.Query(ctx, start.Reference)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "QUERY payment %s", start.Reference)
	gomega.Expect(q.TrangThaiGD).To(gomega.Equal(payment.StatusSuccess), "payment platform status of %s", start.Reference)
	gomega.Expect(q.SoTien).To(gomega.Equal(svc.FeeVND), "payment platform amount of %s ≠ catalog fee", start.Reference)

	gomega.Eventually(ctx, func(g gomega.Gomega) {
		cur, err := p.Dossier(ctx, d.ID)
		g.Expect(err).NotTo(gomega.HaveOccurred())
		g.Expect(cur.Fee.Paid).To(gomega.BeTrue(), "portal never recorded the payment of dossier %s", d.Code)
		g.Expect(cur.Fee.PaidAmountVND).To(gomega.Equal(svc.FeeVND), "portal recorded a paid amount ≠ fee for %s", d.Code)
	}).WithTimeout(f.Target.Timeouts.Sync).WithPolling(framework.PollInterval).Should(gomega.Succeed())
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

func checkHistory(f *framework.Framework, svc fixtures.Service, d *portal.Dossier) {
	ginkgo.GinkgoHelper()
	states := historyStates(d, "dossier "+d.Code)
	gomega.Expect(states).To(gomega.Equal(svc.Workflow), "workflow of dossier %s ≠ catalog workflow of %s", d.Code, svc.ID)
	code, _ := portal.StatusCode(d.Status)
	gomega.Expect(d.StatusCode).To(gomega.Equal(code), "dossier %s: status %q has code %d, want %d (%s)", d.Code, d.Status, d.StatusCode, code, dvcqg.Status(code).Meaning())

	accepted := d.AcceptedAt
	gomega.Expect(accepted.IsZero()).To(gomega.BeFalse(), "dossier %s has no acceptance time", d.Code)
	gomega.Expect(d.AppointmentAt.IsZero()).To(gomega.BeFalse(), "dossier %s has no appointment date", d.Code)
	gomega.Expect(d.DeliveredAt.IsZero()).To(gomega.BeFalse(), "dossier %s has no delivery time", d.Code)
	// The harness's own working-day reference over the catalog's holiday
	// data (fixtures/calendar.yaml): the rule is coded apart from the mock's.
	cal, err := refs.NewWorkingCalendar(f.Catalog.Calendar.Holidays)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the holiday calendar")
	want := cal.Appointment(accepted, svc.ProcessingDays)
	gomega.Expect(d.AppointmentAt.Equal(want)).To(gomega.BeTrue(),
		"appointment date of %s is %s, want %s (%d working days after acceptance on %s)",
		d.Code, d.AppointmentAt.Format("2006-01-02 15:04"), want.Format("2006-01-02 15:04"), svc.ProcessingDays, accepted.Format("2006-01-02 15:04"))
	gomega.Expect(d.DeliveredAt.After(d.AppointmentAt)).To(gomega.BeFalse(),
		"result of %s delivered %s, after its appointment date %s", d.Code, d.DeliveredAt.Format("2006-01-02 15:04"), d.AppointmentAt.Format("2006-01-02 15:04"))
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

func checkResult(ctx context.Context, f *framework.Framework, svc fixtures.Service, p *portal.Client, d *portal.Dossier, c framework.Citizen) {
	ginkgo.GinkgoHelper()
	gomega.Expect(d.ResultAvailable).To(gomega.BeTrue(), "delivered dossier %s has no result", d.Code)
	res, err := p.Result(ctx, d.ID)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "download the result of %s", d.Code)
	ca, err := p.CA(ctx)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "fetch the result-signing CA")
	doc, err := portal.VerifyResult(res, ca)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "signature of the result of %s does not verify", d.Code)
	var m mismatches
	m.check("dossier code", doc.DossierCode, d.Code)
	m.check("service", doc.ServiceID, d.ServiceID)
	m.check("document type (catalog result)", doc.Type, svc.Result.Type)
	m.check("document name (catalog result)", doc.NameVI, svc.Result.NameVI)
	gomega.Expect(m).To(gomega.BeEmpty(), "result document of %s ≠ the dossier and the catalog", d.Code)
	gomega.Expect(doc.Applicant.SoDinhDanh).To(gomega.Equal(c.PersonalID), "result of %s names another applicant than %s", d.Code, redact.ID(c.PersonalID))
	pop := f.Record(ctx, "population", c.PersonalID)
	gomega.Expect(doc.Applicant.HoVaTen).To(gomega.Equal(pop["HoVaTen"]), "result of %s: applicant name ≠ population database", d.Code)
}

// defaultFreeWorkflow is the contract's workflow of a dossier without a fee
// (docs/contracts.md, portal workflow).
var defaultFreeWorkflow = []string{portal.StatusSubmitted, portal.StatusAccepted, portal.StatusProcessing, portal.StatusFinished, portal.StatusDelivered}

// followOn is what a follow-on dossier must say about itself on the portal:
// whose it is and what procedure it runs.
type followOn struct {
	Code, ServiceID, ProcedureCode string
	Applicant                      portal.Applicant
}

// checkChain checks each follow-on dossier of a liên thông chain: created
// for the step the catalog lists, the applicant's own dossier of the step's
// service, processed to its result with the workflow of that service (no
// payment: the main dossier's fee covers it), and known to the national
// portal with the same applicant, procedure, status and history.
func checkChain(ctx context.Context, f *framework.Framework, svc fixtures.Service, p *portal.Client, d *portal.Dossier) {
	ginkgo.GinkgoHelper()
	gomega.Expect(d.Chain).To(gomega.HaveLen(len(svc.Chain)), "dossier %s has %d follow-on dossiers, the chain of %s has %d steps", d.Code, len(d.Chain), svc.ID, len(svc.Chain))
	for i, step := range svc.Chain {
		link := d.Chain[i]
		gomega.Expect(link.Step).To(gomega.Equal(step.Step), "follow-on %d of %s", i, d.Code)
		gomega.Expect(dvcqg.ValidDossierCode(link.Code)).To(gomega.BeTrue(), "follow-on %q of %s has no valid dossier code", step.Step, d.Code)
		what := fmt.Sprintf("follow-on dossier %s (%s) of %s", link.Code, step.Step, d.Code)

		// The national portal's view first: it does not depend on the
		// portal listing the dossier as the applicant's.
		gomega.Eventually(ctx, func(g gomega.Gomega) {
			hs, err := f.DVCQG.Lookup(ctx, link.Code)
			g.Expect(err).NotTo(gomega.HaveOccurred(), "national portal has no %s", what)
			var ids []string
			for _, id := range hs.DinhDanhCHS {
				ids = append(ids, id.SoDinhDanh)
			}
			var m mismatches
			m.check("national portal applicant IDs (the main dossier's applicant)", ids, []string{d.Applicant.SoDinhDanh})
			m.check("national portal applicant name (the main dossier's applicant)", hs.ChuHoSo, d.Applicant.HoVaTen)
			m.check("national portal procedure name (the catalog's chain step)", hs.TenTTHC, step.NameVI)
			g.Expect(m).To(gomega.BeEmpty(), "national portal view of the applicant of %s", what)
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
		gomega.Expect(link.ServiceID).To(gomega.Equal(step.Service), "%s: service ≠ the catalog's chain step", what)
		child := findDossier(ctx, p, link.Code)
		gomega.Expect(child).NotTo(gomega.BeNil(), "%s is not among the applicant's dossiers on the portal", what)
		gomega.Expect(followOn{child.Code, child.ServiceID, child.ProcedureCode, child.Applicant}).To(gomega.Equal(want), "%s on the portal ≠ the catalog's chain step for the applicant", what)

		child = waitForStatus(ctx, f, p, child, portal.StatusDelivered)
		states := historyStates(child, what)
		gomega.Expect(states).To(gomega.Equal(steps), "workflow of %s ≠ the catalog workflow of its service, without payment", what)
		checkFollowOnSync(ctx, f, child, what)
	}
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

// mismatches collects what differs between an answer and its expectation,
// one line per field, so that a failure reports every differing field at
// once instead of the first.
type mismatches []string

func (m *mismatches) check(what string, got, want any) {
	if reflect.DeepEqual(got, want) {
		return
	}
	q := func(v any) string {
		if s, ok := v.(string); ok {
			return strconv.Quote(s)
		}
		return fmt.Sprintf("%v", v)
	}
	*m = append(*m, fmt.Sprintf("%s: got %s, want %s", what, q(got), q(want)))
}
