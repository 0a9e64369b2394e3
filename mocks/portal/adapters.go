package portal

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/api/payment"
)

// Adapters from the portal's ports to the real api/* clients: the world
// starter wires these; tests use in-memory fakes.

// GatewayData reads national data through the data-exchange gateway.
type GatewayData struct{ Client *gateway.Client }

// Lookup implements NationalData; the gateway's "no record" is an empty result.
func (g GatewayData) Lookup(ctx context.Context, db, key, value, purpose string) ([]map[string]string, error) {
	recs, err := g.Client.Lookup(ctx, db, key, value, purpose)
	if gateway.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]map[string]string, len(recs))
	for i, r := range recs {
		out[i] = r
	}
	return out, nil
}

// DVCQGPortal pushes to the National Public Service Portal.
type DVCQGPortal struct{ Client *dvcqg.Client }

// Sync implements NationalPortal (DongBoHoSoMC).
func (p DVCQGPortal) Sync(ctx context.Context, d NationalDossier, updating bool) error {
	return p.Client.SyncDossier(ctx, updating, toHoSo(d))
}

// Progress implements NationalPortal (CapNhatTienDoHoSoMC).
func (p DVCQGPortal) Progress(ctx context.Context, e ProgressEntry) error {
	return p.Client.UpdateProgress(ctx, dvcqg.TienDo{
		MaHoSo:                 e.MaHoSo,
		NguoiXuLy:              e.NguoiXuLy,
		ChucDanh:               e.ChucDanh,
		ThoiDiemXuLy:           wireTime(e.ThoiDiemXuLy),
		PhongBanXuLy:           e.PhongBanXuLy,
		NoiDungXuLy:            e.NoiDungXuLy,
		TrangThai:              strconv.Itoa(e.TrangThai),
		NgayBatDau:             wireTime(e.NgayBatDau),
		NgayKetThucTheoQuyDinh: wireTime(e.NgayKetThucTheoQuyDinh),
	})
}

func toHoSo(d NationalDossier) dvcqg.HoSo {
	h := dvcqg.HoSo{
		MaHoSo:                      d.MaHoSo,
		MaTTHC:                      d.MaTTHC,
		TenTTHC:                     d.TenTTHC,
		MaLinhVuc:                   d.MaLinhVuc,
		SoBienNhan:                  d.SoBienNhan,
		ChuHoSo:                     d.ChuHoSo,
		LoaiDoiTuong:                d.LoaiDoiTuong,
		MaDoiTuong:                  d.MaDoiTuong,
		TrichYeuHoSo:                d.TrichYeuHoSo,
		NgayTiepNhan:                wireTime(d.NgayTiepNhan),
		NgayHenTra:                  wireTime(d.NgayHenTra),
		TrangThaiHoSo:               strconv.Itoa(d.TrangThaiHoSo),
		NgayTra:                     wireTime(d.NgayTra),
		DonViXuLy:                   d.DonViXuLy,
		KenhThucHien:                d.KenhThucHien,
		DinhDanhCHS:                 []dvcqg.DinhDanh{},
		TaiLieuNop:                  []dvcqg.TaiLieu{},
		DanhSachLePhi:               []dvcqg.LePhi{},
		DanhSachGiayToKetQua:        []dvcqg.GiayTo{},
		TaiKhoanDuocXacThucVoiVNeID: d.TaiKhoanDuocXacThucVoiVNeID,
		DuocThanhToanTrucTuyen:      d.DuocThanhToanTrucTuyen,
	}
	for _, x := range d.DinhDanhCHS {
		h.DinhDanhCHS = append(h.DinhDanhCHS, dvcqg.DinhDanh{LoaiDinhDanh: x.LoaiDinhDanh, SoDinhDanh: x.SoDinhDanh})
	}
	for _, x := range d.TaiLieuNop {
		h.TaiLieuNop = append(h.TaiLieuNop, dvcqg.TaiLieu{TenTepDinhKem: x.TenTepDinhKem, DuongDanTaiTepTin: x.DuongDanTaiTepTin})
	}
	for _, x := range d.DanhSachLePhi {
		h.DanhSachLePhi = append(h.DanhSachLePhi, dvcqg.LePhi{TenPhiLePhi: x.TenPhiLePhi, Gia: x.Gia})
	}
	for _, x := range d.DanhSachGiayToKetQua {
		h.DanhSachGiayToKetQua = append(h.DanhSachGiayToKetQua, dvcqg.GiayTo{TenGiayTo: x.TenGiayTo, MaGiayTo: x.MaGiayTo})
	}
	return h
}

// wireTime is DVCQG's yyyyMMddHHmmss, "" for a time not known yet.
func wireTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return dvcqg.FormatTime(t)
}

// PaymentPlatform is the national payment platform, with the portal as partner.
type PaymentPlatform struct{ Client *payment.Client }

// Init implements Payments (INIT).
func (p PaymentPlatform) Init(ctx context.Context, req PaymentRequest) (payURL, txnID string, err error) {
	lines := make([]payment.ReceiptLine, 0, len(req.Lines))
	for _, l := range req.Lines {
		lines = append(lines, payment.ReceiptLine{NoiDung: l.Description, SoTien: l.Amount})
	}
	resp, err := p.Client.Init(ctx, payment.InitRequest{
		MaThamChieu: req.Reference,
		SoTien:      req.Amount,
		ThongTinBienLai: payment.Receipt{
			MaHoSo: req.DossierCode, MaTTHC: req.ProcedureCode, MaDonVi: req.AgencyID,
			HoTenNguoiNop: req.PayerName, ChiTiet: lines,
		},
		UrlCallback: req.CallbackURL,
		UrlTraVe:    req.ReturnURL,
	})
	if err != nil {
		return "", "", err
	}
	return resp.UrlThanhToan, resp.MaGiaoDich, nil
}

// VerifyCallback implements Payments: the callback must be addressed to
// this partner and signed with its secret.
func (p PaymentPlatform) VerifyCallback(body []byte) (PaymentCallback, bool, error) {
	var cb payment.Callback
	if err := json.Unmarshal(body, &cb); err != nil {
		return PaymentCallback{}, false, err
	}
	ok := cb.MaDoiTac == p.Client.PartnerCode && cb.Verify(p.Client.Secret)
	return PaymentCallback{Reference: cb.MaThamChieu, TransactionID: cb.MaGiaoDich, Amount: cb.SoTien, Status: cb.TrangThaiGD}, ok, nil
}

// The adapters satisfy the ports.
var (
	_ NationalData   = GatewayData{}
	_ NationalPortal = DVCQGPortal{}
	_ Payments       = PaymentPlatform{}
)
