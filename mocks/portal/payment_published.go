package portal

import (
	"bytes"
	"cmp"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

// The portal as a partner of the payment platform in the published
// dialect (../shared/protocols-public.md, "National payment platform"),
// written on the portal's side: an access token from the platform's token
// endpoint, an INIT of string values signed over LoaiBanTin|PhienBan|
// MaDoiTac|MaThamChieu|SoTien|LoaiHinhThanhToan|MaKenhThanhToan|MaThietBi|
// NgonNgu|MaTienTe|MaNganHang|ThongTinGiaoDich|ThoiGianGD|Ip with no
// callback or return URL (the platform has them on record for the
// partner), the reply's message a JSON document as a string; the
// confirmation signed over LoaiBanTin|MaLoi|MaDoiTac|MaThamChieu|SoTien|
// MaTienTe|MaGiaoDich|MaNganHang|ThoiGianGD|ThongTinGiaoDich. Unverified:
// the token endpoint (/oauth/token, client credentials, HTTP Basic
// MaDoiTac:secret), MaKenhThanhToan "WEB", MaThietBi "PC", LoaiPhiLePhi
// "1", the receipt's MaHoSo/MaDonVi/HoTenNguoiNop, the confirmation's
// LoaiBanTin "CONFIRM" and MaLoi other than "00" for an unpaid one. The
// portal answers the confirmation with {MaLoi, MoTaLoi} in both dialects
// (what the platform expects back is not public).

// paymentNow stamps ThoiGianGD; tests pin it.
var paymentNow = time.Now

func (p PaymentPlatform) published() bool {
	return vocab.DialectOr(vocab.SystemPayment, p.Dialect) == vocab.DialectPaymentPublished
}

// publishedToken asks the platform's token endpoint for an access token.
func (p PaymentPlatform) publishedToken(ctx context.Context) (string, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(p.BaseURL, "/")+"/oauth/token",
		strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	if err != nil {
		return "", fmt.Errorf("payment token: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hreq.SetBasicAuth(p.PartnerCode, p.Secret)
	status, raw, err := exchange(p.HTTP, hreq)
	if err != nil {
		return "", fmt.Errorf("payment token: %w", err)
	}
	var t struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	if err := json.Unmarshal(raw, &t); err != nil || status != http.StatusOK || t.AccessToken == "" {
		return "", &answerError{system: "payment", op: "token (published dialect)", status: status, code: t.Error, message: snippetOf(raw)}
	}
	return t.AccessToken, nil
}

func snippetOf(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// initPublished opens the payment in the published dialect.
func (p PaymentPlatform) initPublished(ctx context.Context, req PaymentRequest) (payURL, txnID string, err error) {
	token, err := p.publishedToken(ctx)
	if err != nil {
		return "", "", fmt.Errorf("payment INIT: %w", err)
	}
	type fee struct{ LoaiPhiLePhi, MaPhiLePhi, TenPhiLePhi, SoTien string }
	type item struct{ NoiDung, SoTien string }
	fees, items := []fee{}, []item{}
	for _, l := range req.Lines {
		n := strconv.FormatInt(l.Amount, 10)
		fees = append(fees, fee{LoaiPhiLePhi: "1", TenPhiLePhi: l.Description, SoTien: n})
		items = append(items, item{NoiDung: l.Description, SoTien: n})
	}
	f := []string{"INIT", "1.0.6", p.PartnerCode, req.Reference, strconv.FormatInt(req.Amount, 10), "PAY", "WEB", "PC", "vi-VN", "VND", "",
		"Nộp phí, lệ phí hồ sơ " + req.DossierCode, paymentNow().In(vocab.Vietnam).Format("20060102150405"), "127.0.0.1"}
	msg := map[string]any{
		"LoaiBanTin": f[0], "PhienBan": f[1], "MaDoiTac": f[2], "MaThamChieu": f[3], "SoTien": f[4], "LoaiHinhThanhToan": f[5],
		"MaKenhThanhToan": f[6], "MaThietBi": f[7], "NgonNgu": f[8], "MaTienTe": f[9], "MaNganHang": f[10],
		"ThongTinGiaoDich": f[11], "ThoiGianGD": f[12], "Ip": f[13],
		"ThongTinBienLai": map[string]any{"MaDichVu": "", "MaDVC": req.ProcedureCode, "TenDVC": "", "TenTTHC": "", "TenDonVi": "",
			"MaDonVi": req.AgencyID, "MaHoSo": req.DossierCode, "HoTenNguoiNop": req.PayerName, "SoCMNDNguoiNop": "", "DiaChiNguoiNop": "",
			"SoTaiKhoanThuHuong": "", "TenTaiKhoanThuHuong": "", "NganHangThuHuong": "", "PhiLePhi": fees, "DSKhoanNop": items},
		"MaXacThuc": partnerSignature(p.Secret, f...),
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return "", "", fmt.Errorf("payment INIT: %w", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(p.BaseURL, "/")+"/api/v1/thanhtoan", bytes.NewReader(b))
	if err != nil {
		return "", "", fmt.Errorf("payment INIT: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Authorization", "Bearer "+token)
	status, raw, err := exchange(p.HTTP, hreq)
	if err != nil {
		return "", "", fmt.Errorf("payment INIT: %w", err)
	}
	var env struct {
		ErrorCode string `json:"error_code"`
		Message   string `json:"message"`
	}
	if err := json.Unmarshal(raw, &env); err != nil || status/100 != 2 || env.ErrorCode != "0" {
		return "", "", &answerError{system: "payment", op: "INIT (published dialect)", status: status, code: env.ErrorCode, message: cmp.Or(env.Message, snippetOf(raw))}
	}
	var ans struct{ MaLoi, MoTaLoi, MaGiaoDich, UrlThanhToan string }
	if err := json.Unmarshal([]byte(env.Message), &ans); err != nil || ans.MaLoi != "00" {
		return "", "", &answerError{system: "payment", op: "INIT (published dialect)", status: status, code: ans.MaLoi, message: cmp.Or(ans.MoTaLoi, env.Message)}
	}
	return ans.UrlThanhToan, ans.MaGiaoDich, nil
}

// verifyPublished checks a published confirmation: addressed to this
// partner, signed, and paid only when both MaLoi and TrangThaiGD say so.
func (p PaymentPlatform) verifyPublished(body []byte) (PaymentCallback, bool, error) {
	var cb struct {
		LoaiBanTin, MaLoi, MaDoiTac, MaThamChieu, SoTien, MaTienTe, MaGiaoDich, MaNganHang string
		ThoiGianGD, ThongTinGiaoDich, TrangThaiGD, MaXacThuc                               string
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		return PaymentCallback{}, false, err
	}
	amount, err := strconv.ParseInt(cb.SoTien, 10, 64)
	if err != nil {
		return PaymentCallback{}, false, fmt.Errorf("SoTien %q: %w", cb.SoTien, err)
	}
	want := partnerSignature(p.Secret, cb.LoaiBanTin, cb.MaLoi, cb.MaDoiTac, cb.MaThamChieu, cb.SoTien, cb.MaTienTe, cb.MaGiaoDich,
		cb.MaNganHang, cb.ThoiGianGD, cb.ThongTinGiaoDich)
	ok := cb.MaDoiTac == p.PartnerCode && subtle.ConstantTimeCompare([]byte(cb.MaXacThuc), []byte(want)) == 1
	status := cb.TrangThaiGD
	if status == PaymentSucceeded && cb.MaLoi != "00" {
		status = "4" // the signed MaLoi says it failed, whatever the unsigned state says
	}
	return PaymentCallback{Reference: cb.MaThamChieu, TransactionID: cb.MaGiaoDich, Amount: amount, Status: status}, ok, nil
}
