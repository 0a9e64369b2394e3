package payment

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
	StatusFailed  = "4" // failed or cancelled by the citizen
)

// Error codes (MaLoi).
const (
	CodeOK             = "00"
	CodeMalformed      = "01" // HTTP 400
	CodeNotFound       = "04" // unknown reference or transaction, HTTP 404
	CodeBadSignature   = "07" // HTTP 400
	CodeUnknownPartner = "08" // HTTP 401
	CodeConflict       = "09" // same reference, different amount, HTTP 409
)

// TimeLayout is ThoiGianGD's format, yyyyMMddHHmmss in Vietnam time.
const TimeLayout = "20060102150405"

// Receipt (thông tin biên lai) describes what is paid for.
type Receipt struct {
	MaHoSo        string // dossier code
	MaTTHC        string // procedure code
	MaDonVi       string // agency code
	HoTenNguoiNop string // payer's full name
	ChiTiet       []ReceiptLine
}

// ReceiptLine is one fee line; the lines add up to the amount.
type ReceiptLine struct {
	NoiDung string // description
	SoTien  int64  // VND
}

// InitRequest opens a transaction (LoaiBanTin INIT).
type InitRequest struct {
	LoaiBanTin      string
	MaDoiTac        string // partner code
	MaThamChieu     string // partner's reference, unique per partner
	SoTien          int64  // VND, > 0
	MaTienTe        string // "VND"
	ThongTinBienLai Receipt
	UrlCallback     string // where the platform POSTs the Callback (dvcqa; published: registered on the platform, not sent)
	UrlTraVe        string // where the citizen is sent back (likewise)
	MaXacThuc       string
}

// InitResponse answers INIT; UrlThanhToan is the pay page for the citizen.
type InitResponse struct {
	MaLoi        string
	MoTaLoi      string
	MaGiaoDich   string // transaction id
	UrlThanhToan string
}

// QueryRequest is a QUERY or GET_BILL for a reference.
type QueryRequest struct {
	LoaiBanTin  string
	MaDoiTac    string
	MaThamChieu string
	MaXacThuc   string
}

// QueryResponse answers QUERY.
type QueryResponse struct {
	MaLoi       string
	MoTaLoi     string
	MaGiaoDich  string
	MaThamChieu string
	SoTien      int64
	TrangThaiGD string
}

// BillResponse answers GET_BILL: the state and the receipt.
type BillResponse struct {
	QueryResponse
	ThoiGianGD      string // when it was settled, "" while pending
	ThongTinBienLai Receipt
}

// Callback is the platform's signed notice to UrlCallback once the citizen
// paid or cancelled.
type Callback struct {
	MaDoiTac    string
	MaThamChieu string
	MaGiaoDich  string
	SoTien      int64
	TrangThaiGD string
	ThoiGianGD  string // TimeLayout
	MaXacThuc   string
	// publishedSig is the published dialect's MaXacThuc, set by Sign with
	// MaXacThuc so that a callback signed once can be sent in either
	// dialect (Client.CallbackBody); never encoded itself.
	publishedSig string
}
