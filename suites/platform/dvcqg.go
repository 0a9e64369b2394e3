package platform

import (
	"fmt"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework"
)

var _ = framework.Describe("National Public Service Portal sync (DVCQG)", framework.LayerAPI, framework.KindPlatform, framework.SystemDVCQG, func() {
	f := framework.NewDefaultFramework("dvcqg")
	timeout := ginkgo.SpecTimeout(framework.SpecTimeouts().Spec)

	ginkgo.It("refuses a session with a wrong password", timeout, func(ctx ginkgo.SpecContext) {
		d := f.DVCQG
		bad := &dvcqg.Client{BaseURL: d.BaseURL, Username: d.Username, Password: "sai-mat-khau-" + framework.NewKey()[:6],
			DstCode: d.DstCode, AgencyID: d.AgencyID, HTTP: f.HTTP, Dialect: d.Dialect}
		gomega.Expect(sessionRefused(bad.Login(ctx))).To(gomega.Succeed(), "national portal login of %s with a wrong password", d.Username)
	})

	ginkgo.It("answers not-found for an unknown dossier code", timeout, func(ctx ginkgo.SpecContext) {
		code := f.Target.DVCQG.AgencyID + "-200101-9999"
		_, err := f.DVCQG.Lookup(ctx, code)
		gomega.Expect(dossierNotFound(err)).To(gomega.Succeed(), "TraCuuHoSo of the unknown code %s", code)
	})

	ginkgo.It("learns of a newly submitted dossier with the portal's status", timeout, func(ctx ginkgo.SpecContext) {
		f.MustAllow(framework.ActSubmit)
		svc := procedureService()
		c := f.Citizen(framework.RolePlatform, 4)
		pop := f.Record(ctx, "population", c.PersonalID)
		s := f.NewSubmission(ctx, svc, c)
		claims, err := sso.Claims(s.IDToken)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the claims of the ID token")
		account, _ := claims["sub"].(string)
		d, _, err := s.Portal.Submit(ctx, framework.NewKey(), s.Request)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "submit a dossier of %s", svc.ID)
		ref := framework.NationalRef{
			ProcedureCode: svc.ProcedureCode, ProcedureName: svc.NameVI, FieldCode: svc.FieldCode,
			Result: svc.Result, FeeVND: svc.FeeVND,
			PersonalID: c.PersonalID, Name: pop["HoVaTen"], Account: account,
			Files:     framework.SubmittedFiles(svc, s.Request),
			PortalURL: f.Target.URLs.Portal, ProvinceName: provinceName(f),
		}
		what := fmt.Sprintf("national portal record of dossier %s of %s", d.Code, redact.ID(c.PersonalID))
		receipt := "" // SoBienNhan as first seen: it must not change
		gomega.Eventually(ctx, func(g gomega.Gomega) {
			cur, err := s.Portal.Dossier(ctx, d.ID)
			g.Expect(err).NotTo(gomega.HaveOccurred())
			hs, err := f.DVCQG.Lookup(ctx, d.Code)
			g.Expect(err).NotTo(gomega.HaveOccurred(), "national portal never learned of dossier %s", d.Code)
			if receipt == "" {
				receipt = hs.SoBienNhan
			}
			ref.Dossier = cur
			var diffs framework.Diffs
			framework.CheckNationalRecord(&diffs, ref, hs)
			diffs.Same(framework.AnswerTraCuuHoSo, "SoBienNhan (stable)", framework.AnswerTraCuuHoSo, receipt, hs.SoBienNhan)
			g.Expect(diffs.Err(what)).To(framework.NoFieldDiffs())
			var hist framework.Diffs
			framework.CheckProgress(&hist, cur, hs.QuaTrinhXuLy)
			g.Expect(hist.Err("national portal history of dossier " + d.Code + " ≠ the portal's history")).To(framework.NoFieldDiffs())
		}).WithTimeout(f.Target.Timeouts.Sync).WithPolling(framework.PollInterval).Should(gomega.Succeed())
	})
})

// provinceName is the target province's name_vi in the catalog.
func provinceName(f *framework.Framework) string {
	if p, ok := f.Catalog.Province(f.Target.Province); ok {
		return p.NameVI
	}
	return ""
}

// procedureService is the first catalog service with a procedure code
// (mã TTHC): the national portal keys its records by it.
func procedureService() fixtures.Service {
	ginkgo.GinkgoHelper()
	for _, s := range framework.Catalog().Services {
		if s.ProcedureCode != "" {
			return s
		}
	}
	ginkgo.Fail("catalog has no service with a procedure code")
	return fixtures.Service{}
}
