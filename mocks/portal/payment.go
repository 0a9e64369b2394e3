package portal

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

const paymentTimeout = 10 * time.Second

// defectCallbackRecordedTwice (mocks/defects registry): a replayed payment
// callback is recorded again. Declared here, not in defects.go, because only
// the callback handler reads it.
const defectCallbackRecordedTwice = "payment-callback-recorded-twice"

// paymentReply is the payment protocol's answer to a callback (not the
// portal's usual error JSON: the platform reads MaLoi).
type paymentReply struct {
	MaLoi   string `json:"MaLoi"`
	MoTaLoi string `json:"MoTaLoi"`
}

// handleStartPayment opens a payment of the dossier's whole fee.
func (s *Server) handleStartPayment(w http.ResponseWriter, r *http.Request, c citizen) {
	start, e := s.startPayment(r.Context(), c, r.PathValue("id"))
	if e != nil {
		writeAPIError(w, e)
		return
	}
	httpx.JSON(w, http.StatusOK, start)
}

// startPayment sends INIT for the citizen's dossier; the reference
// (MaThamChieu) is the dossier code, so asking again returns the
// platform's same transaction. The API and the web's pay button both
// start payments here.
func (s *Server) startPayment(ctx context.Context, c citizen, id string) (api.PaymentStart, *api.APIError) {
	s.mu.Lock()
	d := s.owned(id, c)
	if d == nil {
		s.mu.Unlock()
		return api.PaymentStart{}, dossierNotFound()
	}
	if d.fee == 0 || d.paid {
		s.mu.Unlock()
		return api.PaymentStart{}, &api.APIError{Status: http.StatusConflict, Code: api.CodeNothingToPay,
			Message: "this dossier has nothing to pay", MessageVI: "Hồ sơ không có khoản phí, lệ phí cần thanh toán"}
	}
	req := PaymentRequest{
		Reference: d.code, Amount: d.fee, DossierCode: d.code, ProcedureCode: d.procedureCode,
		AgencyID: s.opts.Province.AgencyID, PayerName: s.payerName(d.serviceID, d.owner.Name),
		Lines:       []PaymentLine{{Description: d.nameVI, Amount: d.fee}},
		CallbackURL: s.opts.BaseURL + "/api/v1/payment/callback",
		ReturnURL:   s.opts.BaseURL + "/payment/return",
	}
	s.mu.Unlock()
	if s.opts.Payments == nil {
		return api.PaymentStart{}, &api.APIError{Status: http.StatusBadGateway, Code: api.CodeUpstream,
			Message: "no payment platform is configured", MessageVI: "Chưa kết nối nền tảng thanh toán"}
	}
	ctx, cancel := context.WithTimeout(ctx, paymentTimeout)
	defer cancel()
	payURL, _, err := s.opts.Payments.Init(ctx, req)
	if err != nil {
		return api.PaymentStart{}, &api.APIError{Status: http.StatusBadGateway, Code: api.CodeUpstream,
			Message: "payment platform: " + err.Error(), MessageVI: "Không kết nối được nền tảng thanh toán, vui lòng thử lại sau"}
	}
	return api.PaymentStart{PayURL: payURL, Reference: req.Reference, AmountVND: req.Amount}, nil
}

// handlePaymentCallback records the platform's signed confirmation. Only a
// successful transaction for the full fee pays the dossier; a repeated one
// is acknowledged and changes nothing.
func (s *Server) handlePaymentCallback(w http.ResponseWriter, r *http.Request) {
	reply := func(status int, code, msg string) { httpx.JSON(w, status, paymentReply{code, msg}) }
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil || s.opts.Payments == nil {
		reply(http.StatusBadRequest, "01", "Dữ liệu không hợp lệ")
		return
	}
	cb, ok, err := s.opts.Payments.VerifyCallback(body)
	if err != nil {
		reply(http.StatusBadRequest, "01", "Dữ liệu không hợp lệ")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.byCode[cb.Reference]
	if d != nil {
		s.touch(d)
	}
	if !ok {
		// Seeded defect payment-callback-unsigned-accepted: a bad MaXacThuc
		// is let through for the dossier's service; the amount and status
		// checks below still apply.
		accept := false
		if d != nil {
			_, accept = s.defect(defectCallbackUnsigned, d.serviceID)
		}
		if !accept {
			reply(http.StatusBadRequest, "07", "Sai mã xác thực")
			return
		}
	}
	switch {
	case d == nil:
		reply(http.StatusNotFound, "04", "Không tìm thấy mã tham chiếu")
	case d.paid:
		// Seeded defect payment-callback-recorded-twice: the replay adds the
		// amount again and restarts the officers' work.
		if _, on := s.defect(defectCallbackRecordedTwice, d.serviceID); on && cb.Status == PaymentSucceeded {
			d.paidAmount += cb.Amount
			s.startOfficers(d, d.now())
		}
		reply(http.StatusOK, "00", "Thành công") // already recorded
	case cb.Status != PaymentSucceeded:
		reply(http.StatusOK, "00", "Đã ghi nhận giao dịch không thành công") // the citizen may pay again
	case cb.Amount != d.fee:
		reply(http.StatusBadRequest, "09", "Số tiền không khớp với khoản phải nộp")
	default:
		// Seeded defect payment-not-recorded: the callback is acknowledged
		// but the dossier stays unpaid, waiting for payment.
		if _, on := s.defect(defectPaymentNotRecorded, d.serviceID); !on {
			d.paid, d.paidAmount, d.txnID = true, cb.Amount, cb.TransactionID
			// Seeded defect payment-transaction-id-own: the portal records
			// its own reference, not the platform's transaction id.
			if _, on := s.defect(defectTransactionIDOwn, d.serviceID); on {
				d.txnID = d.code
			}
			s.startOfficers(d, d.now())
		}
		reply(http.StatusOK, "00", "Thành công")
	}
}
