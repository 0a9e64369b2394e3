package payment

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"slices"
	"strconv"
)

// The platform's own message shapes and signatures, written from the
// protocol (docs/contracts.md "Payment platform"), not taken from the
// harness's client (api/payment): a partner checks what the platform signs
// with its own code, so a mistake here is caught rather than shared.

// Message types (LoaiBanTin).
const (
	MsgInit    = "INIT"
	MsgQuery   = "QUERY"
	MsgGetBill = "GET_BILL"
)

// Transaction states (TrangThaiGD).
const (
	StatusSuccess = "1"
	StatusPending = "3"
	StatusFailed  = "4"
)

// Answer codes (MaLoi).
const (
	CodeOK             = "00"
	CodeMalformed      = "01"
	CodeNotFound       = "04"
	CodeBadSignature   = "07"
	CodeUnknownPartner = "08"
	CodeConflict       = "09"
)

// TimeLayout is ThoiGianGD's yyyyMMddHHmmss (Vietnam time).
const TimeLayout = "20060102150405"

// Receipt is ThongTinBienLai.
type Receipt struct {
	MaHoSo, MaTTHC, MaDonVi, HoTenNguoiNop string
	ChiTiet                                []ReceiptLine
}

// ReceiptLine is one line of a receipt.
type ReceiptLine struct {
	NoiDung string
	SoTien  int64
}

// InitRequest opens a transaction.
type InitRequest struct {
	LoaiBanTin      string
	MaDoiTac        string
	MaThamChieu     string
	SoTien          int64
	MaTienTe        string
	ThongTinBienLai Receipt
	UrlCallback     string
	UrlTraVe        string
	MaXacThuc       string
}

// InitResponse answers INIT.
type InitResponse struct{ MaLoi, MoTaLoi, MaGiaoDich, UrlThanhToan string }

// QueryRequest is QUERY or GET_BILL.
type QueryRequest struct{ LoaiBanTin, MaDoiTac, MaThamChieu, MaXacThuc string }

// QueryResponse answers QUERY.
type QueryResponse struct {
	MaLoi       string
	MoTaLoi     string
	MaGiaoDich  string
	MaThamChieu string
	SoTien      int64
	TrangThaiGD string
}

// BillResponse answers GET_BILL.
type BillResponse struct {
	QueryResponse
	ThoiGianGD      string
	ThongTinBienLai Receipt
}

// Callback is the platform's signed confirmation to the partner.
type Callback struct {
	MaDoiTac    string
	MaThamChieu string
	MaGiaoDich  string
	SoTien      int64
	TrangThaiGD string
	ThoiGianGD  string
	MaXacThuc   string
}

// signer builds MaXacThuc: lower-case hex SHA-256 of the fields joined by
// '|', then '|' and the partner's secret. reversed is the seeded defect
// payment-signature-field-order: the same fields in the opposite order.
type signer struct{ reversed bool }

func (g signer) sum(secret string, fields ...string) string {
	if g.reversed {
		fields = slices.Clone(fields)
		slices.Reverse(fields)
	}
	var buf []byte
	for _, f := range fields {
		buf = append(buf, f...)
		buf = append(buf, '|')
	}
	d := sha256.Sum256(append(buf, secret...))
	return hex.EncodeToString(d[:])
}

func same(got, want string) bool { return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 }

// initOK checks an INIT's MaXacThuc over
// LoaiBanTin|MaDoiTac|MaThamChieu|SoTien|MaTienTe|UrlCallback|UrlTraVe.
func (g signer) initOK(r InitRequest, secret string) bool {
	return same(r.MaXacThuc, g.sum(secret, r.LoaiBanTin, r.MaDoiTac, r.MaThamChieu, strconv.FormatInt(r.SoTien, 10),
		r.MaTienTe, r.UrlCallback, r.UrlTraVe))
}

// queryOK checks a QUERY's or GET_BILL's MaXacThuc over LoaiBanTin|MaDoiTac|MaThamChieu.
func (g signer) queryOK(r QueryRequest, secret string) bool {
	return same(r.MaXacThuc, g.sum(secret, r.LoaiBanTin, r.MaDoiTac, r.MaThamChieu))
}

// sign sets a callback's MaXacThuc over
// MaDoiTac|MaThamChieu|MaGiaoDich|SoTien|TrangThaiGD|ThoiGianGD.
func (g signer) sign(cb *Callback, secret string) {
	cb.MaXacThuc = g.sum(secret, cb.MaDoiTac, cb.MaThamChieu, cb.MaGiaoDich, strconv.FormatInt(cb.SoTien, 10), cb.TrangThaiGD, cb.ThoiGianGD)
}
