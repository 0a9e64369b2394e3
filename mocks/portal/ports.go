package portal

import (
	"context"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
)

// The portal's three neighbours are reached through these ports, so that the
// portal can be tested with in-memory fakes and wired to the portal's own
// clients of the real systems in neighbours.go.

// NationalData reads national databases through the data-exchange gateway.
// "No record" is an empty result, not an error; an error means the data
// could not be read.
type NationalData interface {
	Lookup(ctx context.Context, db, key, value, purpose string) ([]map[string]string, error)
}

// NationalPortal receives the portal's dossiers and progress (DVCQG).
type NationalPortal interface {
	// Sync sends a dossier (DongBoHoSoMC); updating is false the first time.
	Sync(ctx context.Context, d NationalDossier, updating bool) error
	// Progress sends one progress entry (CapNhatTienDoHoSoMC).
	Progress(ctx context.Context, e ProgressEntry) error
}

// Payments is the national payment platform, seen from the portal.
type Payments interface {
	// Init opens a payment (INIT) and returns where the citizen pays.
	Init(ctx context.Context, req PaymentRequest) (payURL, txnID string, err error)
	// VerifyCallback decodes a callback body; ok reports whether its
	// signature is valid, err that the body is malformed.
	VerifyCallback(body []byte) (cb PaymentCallback, ok bool, err error)
}

// Calendar knows working days; the portal's own officeCalendar (rules.go)
// is the default, tests may pass a simpler one.
type Calendar interface {
	// AddWorkingDays is 17:00 Vietnam time on the n-th working day strictly after from's date.
	AddWorkingDays(from time.Time, n int) time.Time
}

// Defects are seeded defects: named switches read where the behaviour is
// decided. *defects.Set (mocks/defects) implements it; nil = a correct portal.
type Defects = httpx.Defects

// NationalDossier is a dossier as DVCQG stores it (HoSo). Times stay
// time.Time here (zero = not known yet); the adapter formats them.
type NationalDossier struct {
	MaHoSo                      string
	MaTTHC                      string
	TenTTHC                     string
	MaLinhVuc                   string
	SoBienNhan                  string
	ChuHoSo                     string
	LoaiDoiTuong                string
	MaDoiTuong                  string
	TrichYeuHoSo                string
	NgayTiepNhan                time.Time
	NgayHenTra                  time.Time
	TrangThaiHoSo               int
	NgayTra                     time.Time
	DonViXuLy                   string
	KenhThucHien                string
	DinhDanhCHS                 []NationalID
	TaiLieuNop                  []NationalFile
	DanhSachLePhi               []NationalFee
	DanhSachGiayToKetQua        []NationalResult
	TaiKhoanDuocXacThucVoiVNeID string
	DuocThanhToanTrucTuyen      string
}

// NationalID identifies the applicant (DinhDanhCHS).
type NationalID struct{ LoaiDinhDanh, SoDinhDanh string }

// NationalFile is a submitted attachment (TaiLieuNop).
type NationalFile struct{ TenTepDinhKem, DuongDanTaiTepTin string }

// NationalFee is a fee line (DanhSachLePhi).
type NationalFee struct {
	TenPhiLePhi string
	Gia         int64
}

// NationalResult is a result document (DanhSachGiayToKetQua).
type NationalResult struct{ TenGiayTo, MaGiayTo string }

// ProgressEntry is one progress entry (TienDo).
type ProgressEntry struct {
	MaHoSo                 string
	NguoiXuLy              string
	ChucDanh               string
	ThoiDiemXuLy           time.Time
	PhongBanXuLy           string
	NoiDungXuLy            string
	TrangThai              int
	NgayBatDau             time.Time
	NgayKetThucTheoQuyDinh time.Time
}

// PaymentRequest opens a payment for a dossier's fee.
type PaymentRequest struct {
	Reference     string // MaThamChieu: the dossier code
	Amount        int64  // VND
	DossierCode   string
	ProcedureCode string
	AgencyID      string // MaDonVi
	PayerName     string
	Lines         []PaymentLine
	CallbackURL   string
	ReturnURL     string
}

// PaymentLine is one receipt line.
type PaymentLine struct {
	Description string
	Amount      int64
}

// PaymentCallback is the platform's confirmation of a transaction.
type PaymentCallback struct {
	Reference     string // MaThamChieu
	TransactionID string // MaGiaoDich
	Amount        int64
	Status        string // TrangThaiGD: PaymentSucceeded, "3" pending, "4" failed
}

// PaymentSucceeded is TrangThaiGD of a successful transaction.
const PaymentSucceeded = "1"
