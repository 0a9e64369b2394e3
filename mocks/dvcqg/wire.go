package dvcqg

import (
	"strconv"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

// The national portal's own wire types and rules, written from the protocol
// (docs/contracts.md "National portal DVCQG"; /work/shared/protocols-public.md
// for the field names seen in OpenCPS), not taken from the harness's client
// (api/dvcqg): the harness reads these answers with its own reference, so a
// mistake here shows up as a failing spec instead of agreeing with itself.

// HoSo is a dossier as the national portal stores and answers it.
type HoSo struct {
	MaHoSo                      string
	MaTTHC                      string
	TenTTHC                     string
	MaLinhVuc                   string
	SoBienNhan                  string
	ChuHoSo                     string
	LoaiDoiTuong                string
	MaDoiTuong                  string
	TrichYeuHoSo                string
	NgayTiepNhan                string
	NgayHenTra                  string
	TrangThaiHoSo               string
	NgayTra                     string
	DonViXuLy                   string
	KenhThucHien                string
	DinhDanhCHS                 []DinhDanh
	TaiLieuNop                  []TaiLieu
	DanhSachLePhi               []LePhi
	DanhSachGiayToKetQua        []GiayTo
	TaiKhoanDuocXacThucVoiVNeID string
	DuocThanhToanTrucTuyen      string
	QuaTrinhXuLy                []TienDo `json:",omitempty"` // answered by TraCuuHoSo only
}

// TienDo is one progress entry (CapNhatTienDoHoSoMC).
type TienDo struct {
	MaHoSo                 string
	NguoiXuLy              string
	ChucDanh               string
	ThoiDiemXuLy           string
	PhongBanXuLy           string
	NoiDungXuLy            string
	TrangThai              string
	NgayBatDau             string
	NgayKetThucTheoQuyDinh string
}

// DinhDanh identifies the applicant (DinhDanhCHS).
type DinhDanh struct{ LoaiDinhDanh, SoDinhDanh string }

// TaiLieu is a submitted file (TaiLieuNop).
type TaiLieu struct{ TenTepDinhKem, DuongDanTaiTepTin string }

// LePhi is a fee line (DanhSachLePhi).
type LePhi struct {
	TenPhiLePhi string
	Gia         int64
}

// GiayTo is a result document (DanhSachGiayToKetQua).
type GiayTo struct{ TenGiayTo, MaGiayTo string }

// ThuTuc is a procedure of LayDanhSachTTHC and LayThuTuc; each dialect
// writes it in its own shape (dialect.go), the envelope without the field.
type ThuTuc struct{ MaTTHC, TenTTHC, MaLinhVuc, TenLinhVuc string }

// Code is error_code; the mock always answers it as a JSON number.
type Code int

// error_code values and messages of the protocol (OpenCPS compares "0" for
// success and 3 for a duplicate).
const (
	codeOK        Code = 0
	codeFailed    Code = -1
	codeDuplicate Code = 3

	messageOK             = "Thành công"
	messageInvalidSession = "Phiên làm việc không hợp lệ"
	messageNotFound       = "Không tìm thấy hồ sơ"
	messageDuplicate      = "Hồ sơ đã tồn tại"
	messageReadOnly       = "Tài khoản chỉ có quyền tra cứu"
)

// The service names of POST /api/service.
const (
	serviceSync       = "DongBoHoSoMC"
	serviceProgress   = "CapNhatTienDoHoSoMC"
	serviceLookup     = "TraCuuHoSo"
	serviceProcedures = "LayDanhSachTTHC"
	serviceProcedure  = "LayThuTuc" // opencps and rest only
)

// wallClock is yyyyMMddHHmmss in Vietnam time, the protocol's date layout.
const wallClock = "20060102150405"

// parseWallClock reads a yyyyMMddHHmmss date: exactly 14 digits.
func parseWallClock(s string) (time.Time, error) {
	if len(s) != 14 || strings.Trim(s, "0123456789") != "" {
		return time.Time{}, &time.ParseError{Layout: wallClock, Value: s, Message: ": want 14 digits yyyyMMddHHmmss"}
	}
	return time.ParseInLocation(wallClock, s, vocab.Vietnam)
}

// splitDossierCode splits MaHoSo "{madonvi}-{yyMMdd}-{NNNN}" into its agency,
// date and number; ok is false unless the agency is non-empty (letters,
// digits, '.', '_'), the date a real yyMMdd day and the number four digits.
func splitDossierCode(code string) (agency string, ok bool) {
	last := strings.LastIndexByte(code, '-')
	if last < 0 {
		return "", false
	}
	seq := code[last+1:]
	rest := code[:last]
	mid := strings.LastIndexByte(rest, '-')
	if mid < 0 {
		return "", false
	}
	agency, day := rest[:mid], rest[mid+1:]
	if agency == "" || len(seq) != 4 || !allDigits(seq) || len(day) != 6 || !allDigits(day) {
		return "", false
	}
	for _, r := range agency {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '_') {
			return "", false
		}
	}
	month, _ := strconv.Atoi(day[2:4])
	dom, _ := strconv.Atoi(day[4:6])
	year := 2000 + int(day[0]-'0')*10 + int(day[1]-'0')
	if month < 1 || month > 12 || dom < 1 || dom > time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return "", false
	}
	return agency, true
}

func allDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func validDossierCode(code string) bool { _, ok := splitDossierCode(code); return ok }
