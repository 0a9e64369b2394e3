package services

import (
	"context"
	"fmt"
	"strconv"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/suites/framework/browser"
	"github.com/dvcqa/dvcqa/suites/framework/refs"
)

// The browser flow on a portal without dvcqa's citizen API (portal.api:
// none, docs/portal-api-none.md). What the API flow reads from the API —
// the dossier's status, times and appointment, the result document — is
// held here to references on the harness side instead: the catalog, the
// citizen and the population database, the working-day calendar, and the
// national portal's record of the dossier (read through api/dvcqg, which
// needs no portal API).

// browserNationalSync waits until the national portal (TraCuuHoSo) holds
// the browser's dossier, delivered, as the references make it, and returns
// that reference dossier (see nationalDossier): the appointment in it is
// the harness's own, from the acceptance time and the catalog's
// processing_days.
func browserNationalSync(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen, code string) *portal.Dossier {
	ginkgo.GinkgoHelper()
	cal, err := refs.NewWorkingCalendar(f.Catalog.Calendar.Holidays)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the holiday calendar")
	pop := f.Record(ctx, "population", c.PersonalID)
	applicant := portal.Applicant{SoDinhDanh: c.PersonalID, HoVaTen: pop["HoVaTen"]}
	ref := nationalRef(ctx, f, &portal.Dossier{Code: code, Applicant: applicant})
	ref.ProcedureCode, ref.ProcedureName, ref.FieldCode = svc.ProcedureCode, svc.NameVI, svc.FieldCode
	ref.Result, ref.FeeVND = svc.Result, svc.FeeVND
	// The browser's uploads have no ids the harness saw: TaiLieuNop is not
	// compared (ref.Files nil).
	var dos *portal.Dossier
	receipt := ""
	gomega.Eventually(ctx, func(g gomega.Gomega) {
		hs, err := f.DVCQG.Lookup(ctx, code)
		g.Expect(err).NotTo(gomega.HaveOccurred(), "national portal has no dossier %s (the browser's)", code)
		if receipt == "" {
			receipt = hs.SoBienNhan
		}
		var form framework.Diffs
		d := nationalDossier(&form, svc, f.Target.DVCQG.AgencyID, cal, code, applicant, hs)
		g.Expect(form.Err("national portal times of dossier " + code + " ≠ the contract's rules")).To(framework.NoFieldDiffs())
		ref.Dossier = d
		var rec framework.Diffs
		framework.CheckNationalRecord(&rec, ref, hs)
		g.Expect(rec.Err("national portal status and record of dossier " + code + " ≠ the references")).To(framework.NoFieldDiffs())
		var hist framework.Diffs
		framework.CheckProgress(&hist, d, hs.QuaTrinhXuLy)
		g.Expect(hist.Err("national portal history of dossier " + code + " ≠ the catalog workflow")).To(framework.NoFieldDiffs())
		dos = d
	}).WithTimeout(f.Target.Timeouts.Sync).WithPolling(framework.PollInterval).Should(gomega.Succeed())

	hs, err := f.DVCQG.Lookup(ctx, code)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "national portal has no dossier %s", code)
	var diffs framework.Diffs
	diffs.Same(framework.AnswerTraCuuHoSo, "SoBienNhan (stable across lookups)", framework.AnswerTraCuuHoSo, receipt, hs.SoBienNhan)
	diffs.Expect("national portal record of dossier " + code + " on a second lookup")
	return dos
}

// nationalDossier is the delivered dossier the references make of the
// browser's dossier, as a portal.Dossier for framework.CheckNationalRecord
// and CheckProgress: code, service, procedure, applicant, fee (paid when
// the catalog charges one: the flow paid it), status delivered, and a
// history of the catalog workflow's states in order. What no reference
// predicts — when each step happened and by whom — is taken from the
// national record's progress entries (QuaTrinhXuLy), after d checked the
// submission date against the dossier code's yyMMdd; those checks of
// order, officers and step dates are CheckProgress's. The appointment is
// the harness's: processing_days working days after the acceptance entry
// (refs.WorkingCalendar), as dossierDiffs holds the API's appointment_at.
func nationalDossier(d *framework.Diffs, svc fixtures.Service, agency string, cal *refs.WorkingCalendar, code string, applicant portal.Applicant, got *dvcqg.HoSo) *portal.Dossier {
	a := framework.AnswerTraCuuHoSo
	dos := &portal.Dossier{Code: code, ServiceID: svc.ID, ProcedureCode: svc.ProcedureCode, Applicant: applicant,
		Status: portal.StatusDelivered, Fee: portal.Fee{AmountVND: svc.FeeVND}}
	dos.StatusCode, _ = portal.StatusCode(portal.StatusDelivered)
	if svc.FeeVND > 0 {
		dos.Fee.Paid, dos.Fee.PaidAmountVND = true, svc.FeeVND
	}
	for i, state := range svc.Workflow {
		sc, _ := portal.StatusCode(state)
		h := portal.HistoryEntry{Status: state, StatusCode: sc}
		if i < len(got.QuaTrinhXuLy) {
			e := got.QuaTrinhXuLy[i]
			h.Officer, h.Title, h.Unit, h.Note = e.NguoiXuLy, e.ChucDanh, e.PhongBanXuLy, e.NoiDungXuLy
			at, err := dvcqg.ParseTime(e.ThoiDiemXuLy)
			field := "QuaTrinhXuLy[" + strconv.Itoa(i) + "].ThoiDiemXuLy"
			d.Form(a, field, e.ThoiDiemXuLy, err == nil, "a yyyyMMddHHmmss time")
			h.At = at
		}
		switch {
		case i == 0:
			dos.SubmittedAt = h.At
			d.Form(a, "QuaTrinhXuLy[0].ThoiDiemXuLy (submission)", dvcqg.FormatTime(h.At), !h.At.IsZero() && codeOK(code, agency, h.At),
				"the submission time, on the date of the dossier code "+code+" (Vietnam time)")
		case state == portal.StatusAccepted && !h.At.IsZero():
			dos.AcceptedAt = h.At
			dos.AppointmentAt = cal.Appointment(h.At, svc.ProcessingDays)
		case state == portal.StatusDelivered && !h.At.IsZero():
			dos.DeliveredAt = h.At
			dos.ResultAvailable = true
		}
		dos.History = append(dos.History, h)
	}
	if dos.AcceptedAt.IsZero() {
		d.Form(a, "QuaTrinhXuLy (acceptance)", len(got.QuaTrinhXuLy), false, "an entry of status "+portal.StatusAccepted+": the appointment counts from it")
	}
	return dos
}

// checkDossierPageRefs: without the portal's API, the dossier page's
// status label is the one of delivered (the flow waited for that status)
// by the harness's own mapping, and its appointment date the harness's,
// from the reference dossier nationalDossier made.
func checkDossierPageRefs(p *browser.Portal, svc fixtures.Service, code string, want *portal.Dossier) {
	ginkgo.GinkgoHelper()
	label, err := p.StatusLabel()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the status label of %s", code)
	shown, err := p.AppointmentText()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the appointment date of %s", code)
	wantLabel, _ := framework.DisplayStatus(portal.StatusDelivered)
	var m framework.Diffs
	m.Field(webDossier, "status label (status "+portal.StatusDelivered+", which the page's data-status showed)", wantLabel, label)
	m.Field(webDossier, fmt.Sprintf("appointment date (shown %q; %d working days after acceptance at %s, the harness's calendar)",
		shown, svc.ProcessingDays, dvcqg.FormatTime(want.AcceptedAt)), framework.DisplayDate(want.AppointmentAt), appointmentDateRE.FindString(shown))
	m.Expect("the dossier page of " + code + " in the browser ≠ the harness's references")
}

// checkResultPageRefs: without the portal's API, the result page's
// applicant is held to the citizen and the population database only.
func checkResultPageRefs(ctx context.Context, f *framework.Framework, p *browser.Portal, c framework.Citizen, code string) {
	ginkgo.GinkgoHelper()
	id, name, err := p.ResultApplicant()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the result page")
	pop := f.Record(ctx, "population", c.PersonalID)
	var m framework.Diffs
	m.Field(webResult, "applicant ID (the citizen who applied)", c.PersonalID, id)
	m.Field(webResult, "applicant name (population database HoVaTen)", pop["HoVaTen"], name)
	m.Expect("the result page of " + code + " names another applicant than the citizen and the population database")
}
