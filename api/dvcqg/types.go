package dvcqg

// HoSo is a dossier (hồ sơ) as the national portal stores it. Dates are
// TimeLayout strings in Vietnam time; codes are strings on the wire.
type HoSo struct {
	MaHoSo                      string // dossier code {madonvi}-{yyMMdd}-{NNNN}
	MaTTHC                      string // procedure code
	TenTTHC                     string
	MaLinhVuc                   string // field (domain) of the procedure
	SoBienNhan                  string // receipt number
	ChuHoSo                     string // applicant's name
	LoaiDoiTuong                string // "1" citizen, "2" business
	MaDoiTuong                  string // applicant's account id
	TrichYeuHoSo                string // summary, at most 1000 characters
	NgayTiepNhan                string // received
	NgayHenTra                  string // appointment for the result
	TrangThaiHoSo               string // status "1".."10", see Status
	NgayTra                     string // result delivered
	DonViXuLy                   string // handling unit
	KenhThucHien                string // channel: "1" in person, "2" online, "3" postal
	DinhDanhCHS                 []DinhDanh
	TaiLieuNop                  []TaiLieu
	DanhSachLePhi               []LePhi
	DanhSachGiayToKetQua        []GiayTo
	TaiKhoanDuocXacThucVoiVNeID string // "1" when the applicant logged in with VNeID
	DuocThanhToanTrucTuyen      string // "1" paid online, "0" not
	// QuaTrinhXuLy (processing history) is filled by TraCuuHoSo only; it is
	// written through CapNhatTienDoHoSoMC, never by a sync.
	QuaTrinhXuLy []TienDo `json:",omitempty"`
}

// TienDo is one progress entry (tiến độ) of a dossier.
type TienDo struct {
	MaHoSo                 string
	NguoiXuLy              string // officer, at most 50 characters
	ChucDanh               string // officer's title
	ThoiDiemXuLy           string // when
	PhongBanXuLy           string // department
	NoiDungXuLy            string // what was done
	TrangThai              string // dossier status "1".."10" after this step
	NgayBatDau             string // step started
	NgayKetThucTheoQuyDinh string // statutory end of the step
}

// DinhDanh identifies the applicant: LoaiDinhDanh "1" is a 12-digit personal ID.
type DinhDanh struct {
	LoaiDinhDanh string
	SoDinhDanh   string
}

// TaiLieu is a submitted attachment.
type TaiLieu struct {
	TenTepDinhKem     string // file name
	DuongDanTaiTepTin string // download URL
}

// LePhi is a fee line, in VND.
type LePhi struct {
	TenPhiLePhi string
	Gia         int64
}

// GiayTo is a result document.
type GiayTo struct {
	TenGiayTo string
	MaGiayTo  string
}

// ThuTuc is an administrative procedure (thủ tục hành chính, TTHC).
type ThuTuc struct {
	MaTTHC  string
	TenTTHC string
	// The procedure's field (lĩnh vực), answered by LayThuTuc (opencps:
	// LINHVUCTHUCHIEN[0]); empty in the envelope dialect.
	MaLinhVuc  string `json:",omitempty"`
	TenLinhVuc string `json:",omitempty"`
}
