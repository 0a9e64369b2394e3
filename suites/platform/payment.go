package platform

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
)

var _ = ginkgo.Describe("Payment platform", framework.LayerAPI, framework.KindPlatform, framework.SystemPayment, func() {
	f := framework.NewDefaultFramework("payment")
	timeout := ginkgo.SpecTimeout(framework.SpecTimeouts().Spec)

	ginkgo.It("rejects an INIT whose MaXacThuc signature is wrong", timeout, func(ctx ginkgo.SpecContext) {
		bad := &payment.Client{BaseURL: f.Payment.BaseURL, PartnerCode: f.Payment.PartnerCode, Secret: "sai-khoa-" + framework.NewKey()[:8], HTTP: f.HTTP}
		_, err := bad.Init(ctx, payment.InitRequest{MaThamChieu: "DVCQA-" + framework.NewKey()[:12], SoTien: 10000,
			UrlCallback: f.Target.URLs.Portal + "/api/v1/payment/callback", UrlTraVe: f.Target.URLs.Portal + "/payment/return"})
		gomega.Expect(err).To(gomega.HaveOccurred(), "payment platform accepted an INIT signed with the wrong secret")
		var pe *payment.Error
		gomega.Expect(errors.As(err, &pe)).To(gomega.BeTrue(), "want a payment error answer, got %v", err)
		gomega.Expect(pe.MaLoi).To(gomega.Equal("07"), "wrong signature answered MaLoi %s (%s), want 07", pe.MaLoi, pe.MoTaLoi)
	})

	ginkgo.It("has the portal refuse a callback with a bad signature or a wrong amount, leaving the dossier unpaid", timeout, func(ctx ginkgo.SpecContext) {
		svc := feeService()
		p, d, cb := awaitingPayment(ctx, f, svc, f.Citizen(framework.RolePlatform, 2))

		forged := cb
		forged.Sign("sai-khoa-" + framework.NewKey()[:8])
		ans, err := f.PostPaymentCallback(ctx, forged)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		gomega.Expect(ans.Status).To(gomega.Equal(http.StatusBadRequest), "portal answered HTTP %d to a callback with a bad signature", ans.Status)

		short := cb
		short.SoTien = svc.FeeVND - 1000
		short.Sign(f.Payment.Secret)
		ans, err = f.PostPaymentCallback(ctx, short)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		gomega.Expect(ans.Status).To(gomega.Equal(http.StatusBadRequest), "portal answered HTTP %d to a signed callback paying %d of a %d VND fee", ans.Status, short.SoTien, svc.FeeVND)

		cur, err := p.Dossier(ctx, d.ID)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		gomega.Expect(cur.Fee.Paid).To(gomega.BeFalse(), "dossier %s counted as paid after forged callbacks", d.Code)
		gomega.Expect(cur.Status).To(gomega.Equal("payment_required"), "dossier %s left payment_required after forged callbacks", d.Code)
	})

	ginkgo.It("has the portal record a paid fee once when the callback is replayed", timeout, func(ctx ginkgo.SpecContext) {
		svc := feeService()
		p, d, cb := awaitingPayment(ctx, f, svc, f.Citizen(framework.RolePlatform, 3))
		cb.Sign(f.Payment.Secret)
		for i := 0; i < 2; i++ {
			ans, err := f.PostPaymentCallback(ctx, cb)
			gomega.Expect(err).NotTo(gomega.HaveOccurred())
			gomega.Expect(ans.Status).To(gomega.Equal(http.StatusOK), "portal answered HTTP %d to valid callback #%d", ans.Status, i+1)
			gomega.Expect(ans.MaLoi).To(gomega.Equal("00"), "portal answered MaLoi %q to valid callback #%d", ans.MaLoi, i+1)
		}
		cur, err := p.Dossier(ctx, d.ID)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		gomega.Expect(cur.Fee.Paid).To(gomega.BeTrue(), "dossier %s not paid after a valid callback", d.Code)
		gomega.Expect(cur.Fee.PaidAmountVND).To(gomega.Equal(svc.FeeVND), "dossier %s recorded %d VND paid for a %d VND fee", d.Code, cur.Fee.PaidAmountVND, svc.FeeVND)
		paidSteps := 0
		for _, h := range cur.History {
			if h.Status == "accepted" {
				paidSteps++
			}
		}
		gomega.Expect(paidSteps).To(gomega.BeNumerically("<=", 1), "replayed callback moved dossier %s on twice", d.Code)
	})
})

// feeService is the first catalog service with a fee.
func feeService() fixtures.Service {
	ginkgo.GinkgoHelper()
	for _, s := range framework.Catalog().Services {
		if s.FeeVND > 0 {
			return s
		}
	}
	ginkgo.Skip("catalog has no service with a fee")
	return fixtures.Service{}
}

// awaitingPayment submits a dossier of a paid service and starts its
// payment, returning the success callback the platform would send (unsigned).
func awaitingPayment(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen) (*portal.Client, *portal.Dossier, payment.Callback) {
	ginkgo.GinkgoHelper()
	if !f.Target.Allow.Submit {
		ginkgo.Skip("target profile does not allow submitting dossiers (allow.submit: false)")
	}
	s := f.NewSubmission(ctx, svc, c)
	d, _, err := s.Portal.Submit(ctx, framework.NewKey(), s.Request)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "submit a dossier of %s", svc.ID)
	start, err := s.Portal.StartPayment(ctx, d.ID)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "start payment of %s", d.Code)
	q, err := f.Payment.Query(ctx, start.Reference)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "QUERY payment %s", start.Reference)
	gomega.Expect(q.TrangThaiGD).To(gomega.Equal(payment.StatusPending), "unpaid transaction %s is not pending", start.Reference)
	return s.Portal, d, payment.Callback{
		MaDoiTac: f.Payment.PartnerCode, MaThamChieu: start.Reference, MaGiaoDich: q.MaGiaoDich,
		SoTien: svc.FeeVND, TrangThaiGD: payment.StatusSuccess, ThoiGianGD: dvcqg.FormatTime(time.Now()),
	}
}
