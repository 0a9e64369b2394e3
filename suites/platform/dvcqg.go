package platform

import (
	"strconv"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/suites/framework"
)

var _ = ginkgo.Describe("National Public Service Portal sync (DVCQG)", framework.LayerAPI, framework.KindPlatform, framework.SystemDVCQG, func() {
	f := framework.NewDefaultFramework("dvcqg")
	timeout := ginkgo.SpecTimeout(framework.SpecTimeouts().Spec)

	ginkgo.It("refuses a session with a wrong password", timeout, func(ctx ginkgo.SpecContext) {
		d := f.DVCQG
		bad := &dvcqg.Client{BaseURL: d.BaseURL, Username: d.Username, Password: "sai-mat-khau-" + framework.NewKey()[:6],
			DstCode: d.DstCode, AgencyID: d.AgencyID, HTTP: f.HTTP}
		gomega.Expect(bad.Login(ctx)).NotTo(gomega.Succeed(), "national portal opened a session with a wrong password")
	})

	ginkgo.It("answers not-found for an unknown dossier code", timeout, func(ctx ginkgo.SpecContext) {
		_, err := f.DVCQG.Lookup(ctx, f.Target.DVCQG.AgencyID+"-200101-9999")
		gomega.Expect(dvcqg.IsNotFound(err)).To(gomega.BeTrue(), "TraCuuHoSo of an unknown code: want not found, got %v", err)
	})

	ginkgo.It("learns of a newly submitted dossier with the portal's status", timeout, func(ctx ginkgo.SpecContext) {
		if !f.Target.Allow.Submit {
			ginkgo.Skip("target profile does not allow submitting dossiers (allow.submit: false)")
		}
		svc := framework.Catalog().Services[0]
		s := f.NewSubmission(ctx, svc, f.Citizen(framework.RolePlatform, 4))
		d, _, err := s.Portal.Submit(ctx, framework.NewKey(), s.Request)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "submit a dossier of %s", svc.ID)
		gomega.Eventually(ctx, func(g gomega.Gomega) {
			cur, err := s.Portal.Dossier(ctx, d.ID)
			g.Expect(err).NotTo(gomega.HaveOccurred())
			hs, err := f.DVCQG.Lookup(ctx, d.Code)
			g.Expect(err).NotTo(gomega.HaveOccurred(), "national portal never learned of dossier %s", d.Code)
			g.Expect(hs.TrangThaiHoSo).To(gomega.Equal(strconv.Itoa(cur.StatusCode)),
				"national portal status %q ≠ portal status %q for dossier %s", hs.TrangThaiHoSo, cur.Status, d.Code)
			g.Expect(hs.MaHoSo).To(gomega.Equal(d.Code))
		}).WithTimeout(f.Target.Timeouts.Sync).WithPolling(framework.PollInterval).Should(gomega.Succeed())
	})
})
