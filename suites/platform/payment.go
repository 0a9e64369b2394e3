package platform

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
)

var _ = framework.Describe("Payment platform", framework.LayerAPI, framework.KindPlatform, framework.SystemPayment, func() {
	f := framework.NewDefaultFramework("payment")
	timeout := ginkgo.SpecTimeout(framework.SpecTimeouts().Spec)

	ginkgo.It("rejects an INIT whose MaXacThuc signature is wrong", timeout, func(ctx ginkgo.SpecContext) {
		// An INIT the platform wrongly accepts opens a transaction.
		f.MustAllow(framework.ActPay)
		ref := "DVCQA-" + framework.NewKey()[:12]
		// The configured client (its dialect, its access to the platform), with another signing secret.
		bad := *f.Payment
		bad.Secret = "sai-khoa-" + framework.NewKey()[:8]
		_, err := bad.Init(ctx, payment.InitRequest{MaThamChieu: ref, SoTien: 10000,
			UrlCallback: f.Target.URLs.Portal + "/api/v1/payment/callback", UrlTraVe: f.Target.URLs.Portal + "/payment/return"})
		gomega.Expect(paymentRefusal(err, http.StatusBadRequest, "07")).To(gomega.Succeed(), "payment platform accepted an INIT signed with the wrong secret")
		// Nothing was created: the properly signed QUERY knows no such reference.
		_, err = f.Payment.Query(ctx, ref)
		gomega.Expect(paymentRefusal(err, http.StatusNotFound, "04")).To(gomega.Succeed(), "QUERY of the refused INIT's reference %s", ref)
	})

	ginkgo.It("has the portal refuse a callback with a bad signature or a wrong amount, leaving the dossier unpaid", timeout, func(ctx ginkgo.SpecContext) {
		svc := feeService()
		p, d, cb := awaitingPayment(ctx, f, svc, f.Citizen(framework.RolePlatform, 2))
		before, err := p.Dossier(ctx, d.ID)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())

		forged := cb
		forged.Sign("sai-khoa-" + framework.NewKey()[:8])
		ans, err := f.PostPaymentCallback(ctx, forged)
		gomega.Expect(callbackAnswer(ans, err, http.StatusBadRequest, "07")).To(gomega.Succeed(), "callback with a bad signature")

		short := cb
		short.SoTien = svc.FeeVND - 1000
		short.Sign(f.Payment.Secret)
		ans, err = f.PostPaymentCallback(ctx, short)
		gomega.Expect(callbackAnswer(ans, err, http.StatusBadRequest, "09")).To(gomega.Succeed(),
			"signed callback paying %d of a %d VND fee", short.SoTien, svc.FeeVND)

		after, err := p.Dossier(ctx, d.ID)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		gomega.Expect(after.Status).To(gomega.Equal(portal.StatusPaymentRequired), "dossier %s left payment_required after refused callbacks", d.Code)
		var diffs framework.Diffs
		diffs.Compare(ansDossier, *before, *after)
		diffs.Expect("dossier " + d.Code + " changed after refused callbacks (want: as before them)")
	})

	ginkgo.It("has the portal record a paid fee once when the callback is replayed", timeout, func(ctx ginkgo.SpecContext) {
		svc := feeService()
		p, d, cb := awaitingPayment(ctx, f, svc, f.Citizen(framework.RolePlatform, 3))
		cb.Sign(f.Payment.Secret)
		for i := 1; i <= 2; i++ {
			ans, err := f.PostPaymentCallback(ctx, cb)
			gomega.Expect(callbackAnswer(ans, err, http.StatusOK, "00")).To(gomega.Succeed(), "valid callback #%d", i)
		}
		cur, err := p.Dossier(ctx, d.ID)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		want := portal.Fee{AmountVND: svc.FeeVND, Paid: true, PaidAmountVND: svc.FeeVND, TransactionID: cb.MaGiaoDich}
		var diffs framework.Diffs
		diffs.CompareField(ansDossier, "fee", want, cur.Fee)
		diffs.Expect("dossier " + d.Code + ": payment recorded other than once for the fee")
		// Once officers have moved past acceptance, a payment recorded twice
		// would show as a second acceptance.
		gomega.Eventually(ctx, func(g gomega.Gomega) {
			cur, err = p.Dossier(ctx, d.ID)
			g.Expect(err).NotTo(gomega.HaveOccurred())
			g.Expect(pastAcceptance(cur.History)).To(gomega.BeTrue(), "dossier %s has not moved past acceptance: %v", d.Code, statuses(cur.History))
		}).WithTimeout(f.Target.Timeouts.Result).WithPolling(framework.PollInterval).Should(gomega.Succeed())
		gomega.Expect(countStatus(cur.History, portal.StatusAccepted)).To(gomega.Equal(1),
			"replayed callback recorded dossier %s's payment more than once: history %v", d.Code, statuses(cur.History))
		diffs.CompareField(ansDossier, "fee", want, cur.Fee)
		diffs.Expect("dossier " + d.Code + ": payment recorded other than once for the fee")
	})
})

var ansDossier = framework.Answer{System: "portal", Operation: "GET /api/v1/dossiers/{id}"}

// pastAcceptance: the history has a step after its first acceptance.
func pastAcceptance(h []portal.HistoryEntry) bool {
	i := slices.IndexFunc(h, func(e portal.HistoryEntry) bool { return e.Status == portal.StatusAccepted })
	return i >= 0 && i < len(h)-1
}

func countStatus(h []portal.HistoryEntry, status string) int {
	n := 0
	for _, e := range h {
		if e.Status == status {
			n++
		}
	}
	return n
}

func statuses(h []portal.HistoryEntry) []string {
	out := make([]string, 0, len(h))
	for _, e := range h {
		out = append(out, e.Status)
	}
	return out
}

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
	f.MustAllow(framework.ActSubmit)
	// It starts a payment, and the specs then tell the portal of one.
	f.MustAllow(framework.ActPay)
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
