package services

import (
	"context"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// checkNationalPortal waits until the national portal (TraCuuHoSo) holds the
// delivered dossier as the references make it, every field of the record
// and every progress entry (framework.CheckNationalRecord, CheckProgress),
// then looks it up once more: the receipt number must not have changed.
func checkNationalPortal(ctx context.Context, f *framework.Framework, svc fixtures.Service, d *portal.Dossier) {
	ginkgo.GinkgoHelper()
	ref := nationalRef(ctx, f, d)
	ref.ProcedureCode, ref.ProcedureName, ref.FieldCode = svc.ProcedureCode, svc.NameVI, svc.FieldCode
	ref.Result, ref.FeeVND = svc.Result, svc.FeeVND
	ref.Files = filesOf(svc, d)
	receipt := waitForNational(ctx, f, ref, "dossier "+d.Code)

	hs, err := f.DVCQG.Lookup(ctx, d.Code)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "national portal has no dossier %s", d.Code)
	var diffs framework.Diffs
	diffs.Same(framework.AnswerTraCuuHoSo, "SoBienNhan (stable across lookups)", framework.AnswerTraCuuHoSo, receipt, hs.SoBienNhan)
	diffs.Expect("national portal record of dossier " + d.Code + " on a second lookup")
}

// checkFollowOnSync waits until the national portal holds the follow-on
// dossier as the portal tells it, every progress entry included: its
// catalog facts when the catalog lists the step's service (else the
// contract's rules of form), no fee of its own (the main dossier's covers
// it) and no attachments.
func checkFollowOnSync(ctx context.Context, f *framework.Framework, child *portal.Dossier, what string) {
	ginkgo.GinkgoHelper()
	ref := nationalRef(ctx, f, child)
	if svc, ok := f.Catalog.Service(child.ServiceID); ok {
		ref.ProcedureCode, ref.FieldCode, ref.Result = svc.ProcedureCode, svc.FieldCode, svc.Result
	}
	ref.Files = filesOf(fixtures.Service{}, child)
	waitForNational(ctx, f, ref, what)
}

// nationalRef is what the portal's dossier and the harness's references
// say of every dossier: applicant (as the portal holds them, which the
// suites check against the population database; the SSO names the account
// by the personal ID, docs/contracts.md SSO sub), portal and province.
func nationalRef(ctx context.Context, f *framework.Framework, d *portal.Dossier) framework.NationalRef {
	ginkgo.GinkgoHelper()
	name := d.Applicant.HoVaTen
	if pop := f.Record(ctx, "population", d.Applicant.SoDinhDanh); pop["HoVaTen"] != "" {
		name = pop["HoVaTen"]
	}
	ref := framework.NationalRef{
		Dossier:    d,
		PersonalID: d.Applicant.SoDinhDanh, Name: name, Account: d.Applicant.SoDinhDanh,
		PortalURL: f.Target.URLs.Portal,
	}
	if p, ok := f.Catalog.Province(f.Target.Province); ok {
		ref.ProvinceName = p.NameVI
	}
	return ref
}

// filesOf names the dossier's attachments as the harness uploaded them:
// the sample file of the attachment type's MIME type (the ids were held to
// what was sent by checkSubmitted).
func filesOf(svc fixtures.Service, d *portal.Dossier) []framework.UploadedFile {
	out := []framework.UploadedFile{}
	for _, a := range d.Attachments {
		for _, ca := range svc.Attachments {
			if ca.Type == a.Type {
				name, _ := framework.SampleFile(ca.MimeTypes[0])
				out = append(out, framework.UploadedFile{ID: a.ID, Name: name})
			}
		}
	}
	return out
}

// waitForNational polls TraCuuHoSo until the record and the history match
// the references, and returns the receipt number (SoBienNhan) first seen.
func waitForNational(ctx context.Context, f *framework.Framework, ref framework.NationalRef, what string) string {
	ginkgo.GinkgoHelper()
	code := ref.Dossier.Code
	receipt := ""
	gomega.Eventually(ctx, func(g gomega.Gomega) {
		hs, err := f.DVCQG.Lookup(ctx, code)
		g.Expect(err).NotTo(gomega.HaveOccurred(), "national portal has no %s", what)
		if receipt == "" {
			receipt = hs.SoBienNhan
		}
		var rec framework.Diffs
		framework.CheckNationalRecord(&rec, ref, hs)
		g.Expect(rec.Err("national portal status and record of " + what + " ≠ the references")).To(framework.NoFieldDiffs())
		var hist framework.Diffs
		framework.CheckProgress(&hist, ref.Dossier, hs.QuaTrinhXuLy)
		g.Expect(hist.Err("national portal history of " + what + " ≠ the portal's history")).To(framework.NoFieldDiffs())
	}).WithTimeout(f.Target.Timeouts.Sync).WithPolling(framework.PollInterval).Should(gomega.Succeed())
	return receipt
}
