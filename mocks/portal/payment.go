package portal

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"time"

	api "github.com/dvcqa/dvcqa/api/portal"
)

const paymentTimeout = 10 * time.Second

// paymentReply is the payment protocol's answer to a callback (not the
// portal's usual error JSON: the platform reads MaLoi).
type paymentReply struct {
	MaLoi   string `json:"MaLoi"`
	MoTaLoi string `json:"MoTaLoi"`
}

// handleStartPayment opens a payment of the dossier's whole fee; the
// reference (MaThamChieu) is the dossier code, so asking again returns the
// platform's same transaction.
func (s *Server) handleStartPayment(w http.ResponseWriter, r *http.Request, c citizen) {
	s.mu.Lock()
	d := s.owned(r.PathValue("id"), c)
	if d == nil {
		s.mu.Unlock()
		writeDossierNotFound(w)
		return
	}
	if d.fee == 0 || d.paid {
		s.mu.Unlock()
		writeError(w, http.StatusConflict, api.CodeNothingToPay, "this dossier has nothing to pay", "Hồ sơ không có khoản phí, lệ phí cần thanh toán")
		return
	}
	req := PaymentRequest{
		Reference: d.code, Amount: d.fee, DossierCode: d.code, ProcedureCode: d.procedureCode,
		AgencyID: s.opts.Province.AgencyID, PayerName: d.owner.Name,
		Lines:       []PaymentLine{{Description: d.nameVI, Amount: d.fee}},
		CallbackURL: s.opts.BaseURL + "/api/v1/payment/callback",
		ReturnURL:   s.opts.BaseURL + "/payment/return",
	}
	s.mu.Unlock()
	if s.opts.Payments == nil {
		writeError(w, http.StatusBadGateway, api.CodeUpstream, "no payment platform is configured", "Chưa kết nối nền tảng thanh toán")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), paymentTimeout)
	defer cancel()
	payURL, _, err := s.opts.Payments.Init(ctx, req)
	if err != nil {
		writeError(w, http.StatusBadGateway, api.CodeUpstream, "payment platform: "+err.Error(), "Không kết nối được nền tảng thanh toán, vui lòng thử lại sau")
		return
	}
	writeJSON(w, http.StatusOK, api.PaymentStart{PayURL: payURL, Reference: req.Reference, AmountVND: req.Amount})
}

// handlePaymentCallback records the platform's signed confirmation. Only a
// successful transaction for the full fee pays the dossier; a repeated one
// is acknowledged and changes nothing.
func (s *Server) handlePaymentCallback(w http.ResponseWriter, r *http.Request) {
	reply := func(status int, code, msg string) { writeJSON(w, status, paymentReply{code, msg}) }
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
			s.startOfficers(d, s.now())
		}
		reply(http.StatusOK, "00", "Thành công")
	}
}

var returnPage = template.Must(template.New("return").Parse(`<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{{.Title}} - Cổng dịch vụ công</title></head>
<body><main>
<h1>{{.Title}}</h1>
{{if .Reference}}<p>Mã hồ sơ: <strong id="reference">{{.Reference}}</strong></p>{{end}}
<p>{{.Message}}</p>
</main></body></html>
`))

// handlePaymentReturn is where the pay page sends the citizen back.
func (s *Server) handlePaymentReturn(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := struct{ Title, Reference, Message string }{
		Title: "Thanh toán thành công", Reference: q.Get("MaThamChieu"),
		Message: "Hồ sơ sẽ được chuyển cho cán bộ tiếp nhận xử lý.",
	}
	if q.Get("TrangThaiGD") != PaymentSucceeded {
		page.Title, page.Message = "Thanh toán không thành công", "Giao dịch chưa được thanh toán. Vui lòng thử lại."
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = returnPage.Execute(w, page)
}
