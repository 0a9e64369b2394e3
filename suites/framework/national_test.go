package framework

import (
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/vocab"
)

// A delivered, paid dossier and the record and history a correct national
// portal holds of it.
func nationalFixture() (NationalRef, *dvcqg.HoSo) {
	at := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 30, 0, 0, vocab.Vietnam) }
	d := &portal.Dossier{Code: "000.00.00.H01-260304-0001", StatusCode: 10,
		SubmittedAt: at(4, 9), AcceptedAt: at(4, 10), AppointmentAt: time.Date(2026, 3, 11, 17, 0, 0, 0, vocab.Vietnam), DeliveredAt: at(6, 9),
		Fee: portal.Fee{AmountVND: 50000, Paid: true, PaidAmountVND: 50000},
		History: []portal.HistoryEntry{
			{Status: "submitted", StatusCode: 1, At: at(4, 9), Officer: "Nguyễn Văn An", Title: "Công chức tiếp nhận", Unit: "Bộ phận Một cửa", Note: "Tiếp nhận"},
			{Status: "accepted", StatusCode: 2, At: at(4, 10), Officer: "Trần Thị Bình", Title: "Công chức một cửa", Unit: "Bộ phận Một cửa", Note: "Hẹn trả"},
			{Status: "delivered", StatusCode: 10, At: at(6, 9), Officer: "Lê Hữu Chi", Title: "Công chức một cửa", Unit: "Bộ phận Một cửa", Note: "Trả kết quả"},
		}}
	ref := NationalRef{Dossier: d, ProcedureCode: "1.004222", ProcedureName: "Đăng ký thường trú", FieldCode: "CA-CUTRU",
		Result: fixtures.ResultDoc{Type: "xac_nhan", NameVI: "Xác nhận"}, FeeVND: 50000,
		PersonalID: "001099000145", Name: "Nguyễn Văn A", Account: "001099000145",
		Files:     []UploadedFile{{ID: "att-1", Name: "tep-dinh-kem.pdf"}},
		PortalURL: "http://127.0.0.1:1/portal/01", ProvinceName: "Hà Nội"}
	hs := &dvcqg.HoSo{MaHoSo: d.Code, MaTTHC: "1.004222", TenTTHC: "Đăng ký thường trú", MaLinhVuc: "CA-CUTRU", SoBienNhan: d.Code,
		ChuHoSo: "Nguyễn Văn A", LoaiDoiTuong: "1", MaDoiTuong: "001099000145", TrichYeuHoSo: "Đăng ký thường trú - Nguyễn Văn A",
		NgayTiepNhan: "20260304093000", NgayHenTra: "20260311170000", TrangThaiHoSo: "10", NgayTra: "20260306093000",
		DonViXuLy: "Trung tâm Phục vụ hành chính công Hà Nội", KenhThucHien: "2",
		DinhDanhCHS:                 []dvcqg.DinhDanh{{LoaiDinhDanh: "1", SoDinhDanh: "001099000145"}},
		TaiLieuNop:                  []dvcqg.TaiLieu{{TenTepDinhKem: "tep-dinh-kem.pdf", DuongDanTaiTepTin: "http://127.0.0.1:1/portal/01/api/v1/attachments/att-1"}},
		DanhSachLePhi:               []dvcqg.LePhi{{TenPhiLePhi: "Lệ phí", Gia: 50000}},
		DanhSachGiayToKetQua:        []dvcqg.GiayTo{{TenGiayTo: "Xác nhận", MaGiayTo: "xac_nhan"}},
		TaiKhoanDuocXacThucVoiVNeID: "1", DuocThanhToanTrucTuyen: "1",
		QuaTrinhXuLy: []dvcqg.TienDo{
			{MaHoSo: d.Code, NguoiXuLy: "Nguyễn Văn An", ChucDanh: "Công chức tiếp nhận", ThoiDiemXuLy: "20260304093000", PhongBanXuLy: "Bộ phận Một cửa", NoiDungXuLy: "Tiếp nhận", TrangThai: "1", NgayBatDau: "20260304093000", NgayKetThucTheoQuyDinh: "20260313093000"},
			{MaHoSo: d.Code, NguoiXuLy: "Trần Thị Bình", ChucDanh: "Công chức một cửa", ThoiDiemXuLy: "20260304103000", PhongBanXuLy: "Bộ phận Một cửa", NoiDungXuLy: "Hẹn trả", TrangThai: "2", NgayBatDau: "20260304093000", NgayKetThucTheoQuyDinh: "20260311170000"},
			{MaHoSo: d.Code, NguoiXuLy: "Lê Hữu Chi", ChucDanh: "Công chức một cửa", ThoiDiemXuLy: "20260306093000", PhongBanXuLy: "Bộ phận Một cửa", NoiDungXuLy: "Trả kết quả", TrangThai: "10", NgayBatDau: "20260304103000", NgayKetThucTheoQuyDinh: "20260311170000"},
		}}
	return ref, hs
}

func nationalLines(ref NationalRef, hs *dvcqg.HoSo) string {
	var d Diffs
	CheckNationalRecord(&d, ref, hs)
	CheckProgress(&d, ref.Dossier, hs.QuaTrinhXuLy)
	if err := d.Err("national record"); err != nil {
		return err.Error()
	}
	return ""
}

func TestNationalRecordOfACorrectPortalHasNoDiff(t *testing.T) {
	resetFields()
	if msg := nationalLines(nationalFixture()); msg != "" {
		t.Errorf("a correct record differs:\n%s", msg)
	}
}

func TestNationalRecordNamesEachWrongField(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*dvcqg.HoSo)
		line   string
	}{
		{"received date", func(h *dvcqg.HoSo) { h.NgayTiepNhan = "20260305093000" }, `dvcqg TraCuuHoSo NgayTiepNhan: want "20260304093000", got "20260305093000"`},
		{"channel", func(h *dvcqg.HoSo) { h.KenhThucHien = "1" }, `KenhThucHien: want "2", got "1"`},
		{"paid marker", func(h *dvcqg.HoSo) { h.DuocThanhToanTrucTuyen = "0" }, `DuocThanhToanTrucTuyen: want "1", got "0"`},
		{"unit", func(h *dvcqg.HoSo) { h.DonViXuLy = "Trung tâm Phục vụ hành chính công Hải Phòng" }, `DonViXuLy: want a handling unit of the province "Hà Nội"`},
		{"fee sum", func(h *dvcqg.HoSo) { h.DanhSachLePhi[0].Gia = 40000 }, `DanhSachLePhi (sum of Gia = catalog fee): want 50000, got 40000`},
		{"download link", func(h *dvcqg.HoSo) { h.TaiLieuNop[0].DuongDanTaiTepTin = "http://elsewhere/att-1" }, `TaiLieuNop[0].DuongDanTaiTepTin: want a download link`},
		{"summary length", func(h *dvcqg.HoSo) { h.TrichYeuHoSo = h.TenTTHC + strings.Repeat("x", 1000) }, `TrichYeuHoSo: want a summary of at most 1000 characters`},
		{"title dropped", func(h *dvcqg.HoSo) { h.QuaTrinhXuLy[1].ChucDanh = "" }, `QuaTrinhXuLy[1].ChucDanh: want "Công chức một cửa", got ""`},
		{"statutory end", func(h *dvcqg.HoSo) { h.QuaTrinhXuLy[2].NgayKetThucTheoQuyDinh = "20260312170000" }, `QuaTrinhXuLy[2].NgayKetThucTheoQuyDinh: want "20260311170000"`},
		{"step start", func(h *dvcqg.HoSo) { h.QuaTrinhXuLy[2].NgayBatDau = "20260306093000" }, `QuaTrinhXuLy[2].NgayBatDau: want "20260304103000"`},
		{"entry before acceptance ends before it starts", func(h *dvcqg.HoSo) { h.QuaTrinhXuLy[0].NgayKetThucTheoQuyDinh = "20260301000000" }, `QuaTrinhXuLy[0].NgayKetThucTheoQuyDinh: want a yyyyMMddHHmmss date not before NgayBatDau`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resetFields()
			ref, hs := nationalFixture()
			tc.mutate(hs)
			msg := nationalLines(ref, hs)
			if !strings.Contains(msg, tc.line) || strings.Count(msg, "\n  ") != 1 {
				t.Errorf("want exactly one line containing %q, got:\n%s", tc.line, msg)
			}
		})
	}
}
