package payment

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
)

// The published dialect, written on the platform's side from the public
// field lists (../shared/protocols-public.md, "National payment
// platform"), not from the harness's client: string values (SoTien
// included), PhienBan "1.0.6", a Bearer access token on every call, no
// callback or return URL in INIT (Partner.CallbackURL/ReturnURL are the
// registration), replies {"error_code":"0","message":"<JSON document as a
// string>"}. Unverified (nothing public shows them): the token endpoint
// (client credentials, HTTP Basic MaDoiTac:secret, tokens valid 1 h), the
// error envelope (error_code = MaLoi, message = its text), the
// confirmation's LoaiBanTin "CONFIRM" and MaLoi "99" when unpaid, the bank
// "NHMOCK" when INIT names none, GET_BILL's reply (the receipt as sent, no
// PDF).
const (
	pubVersion  = "1.0.6"
	pubPayType  = "PAY"
	pubConfirm  = "CONFIRM"
	pubUnpaid   = "99"
	pubMockBank = "NHMOCK"
	tokenPath   = "/oauth/token"
	tokenTTL    = time.Hour
)

type pInit struct {
	LoaiBanTin, PhienBan, MaDoiTac, MaThamChieu, SoTien, LoaiHinhThanhToan, MaKenhThanhToan, MaThietBi string
	NgonNgu, MaTienTe, MaNganHang, ThongTinGiaoDich, ThoiGianGD, Ip                                    string
	ThongTinBienLai                                                                                    pReceipt
	MaXacThuc                                                                                          string
}

// pReceipt is ThongTinBienLai as the published INIT sends it; MaHoSo,
// MaDonVi and HoTenNguoiNop are not in the public list (unverified).
type pReceipt struct {
	MaDichVu, MaDVC, TenDVC, TenTTHC, TenDonVi, MaDonVi, MaHoSo, HoTenNguoiNop string
	SoCMNDNguoiNop, DiaChiNguoiNop                                             string
	SoTaiKhoanThuHuong, TenTaiKhoanThuHuong, NganHangThuHuong                  string
	PhiLePhi                                                                   []struct{ LoaiPhiLePhi, MaPhiLePhi, TenPhiLePhi, SoTien string }
	DSKhoanNop                                                                 []struct{ NoiDung, SoTien string }
}

type pQuery struct{ LoaiBanTin, PhienBan, MaDoiTac, MaThamChieu, ThoiGianGD, MaXacThuc string }

// publishedExtra is what a published INIT carries beyond the transaction:
// repeated in the confirmation and the bill.
type publishedExtra struct {
	bank, info string
	receipt    pReceipt
}

var errToken = &apiError{http.StatusUnauthorized, "401", "Thiếu hoặc sai access token"}

// handleToken is POST /oauth/token: client credentials of a partner.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	code, secret, ok := r.BasicAuth()
	p, known := s.partners[code]
	if !ok || !known || !same(secret, p.Secret) {
		w.Header().Set("WWW-Authenticate", `Basic realm="payment"`)
		httpx.JSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "Sai thông tin đối tác"})
		return
	}
	if r.PostFormValue("grant_type") != "client_credentials" {
		httpx.JSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	httpx.JSON(w, http.StatusOK, map[string]any{"access_token": s.issueToken(code, time.Now().Add(tokenTTL)),
		"token_type": "Bearer", "expires_in": int(tokenTTL.Seconds())})
}

// issueToken is stateless, "partner.expiry.HMAC", so tokens cost no memory.
func (s *Server) issueToken(partner string, exp time.Time) string {
	body := base64.RawURLEncoding.EncodeToString([]byte(partner)) + "." + strconv.FormatInt(exp.Unix(), 10)
	m := hmac.New(sha256.New, s.tokenKey)
	m.Write([]byte(body))
	return body + "." + hex.EncodeToString(m.Sum(nil))
}

// tokenPartner is the partner of a valid, unexpired Bearer token, or "".
func (s *Server) tokenPartner(header string) string {
	tok, ok := strings.CutPrefix(header, "Bearer ")
	parts := strings.Split(tok, ".")
	if !ok || len(parts) != 3 {
		return ""
	}
	m := hmac.New(sha256.New, s.tokenKey)
	m.Write([]byte(parts[0] + "." + parts[1]))
	if !same(parts[2], hex.EncodeToString(m.Sum(nil))) {
		return ""
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	partner, err2 := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || err2 != nil || time.Now().Unix() > exp {
		return ""
	}
	return string(partner)
}

// handlePublished is POST /api/v1/thanhtoan in the published dialect.
func (s *Server) handlePublished(w http.ResponseWriter, r *http.Request) {
	answer, err := s.published(w, r)
	if err != nil {
		var e *apiError
		if !errors.As(err, &e) {
			e = malformed("%v", err)
		}
		httpx.JSON(w, e.status, map[string]string{"error_code": e.code, "message": e.msg})
		return
	}
	doc, _ := json.Marshal(answer) // strings and receipts cannot fail
	httpx.JSON(w, http.StatusOK, map[string]string{"error_code": "0", "message": string(doc)})
}

func (s *Server) published(w http.ResponseWriter, r *http.Request) (any, error) {
	caller := s.tokenPartner(r.Header.Get("Authorization"))
	if caller == "" {
		return nil, errToken
	}
	raw, kind, err := readMessage(w, r)
	if err != nil {
		return nil, err
	}
	switch kind {
	case MsgInit:
		m, err := decodeMessage[pInit](raw)
		if err != nil {
			return nil, err
		}
		return s.openPublished(caller, m)
	case MsgQuery, MsgGetBill:
		m, err := decodeMessage[pQuery](raw)
		if err != nil {
			return nil, err
		}
		return s.queryPublished(caller, m)
	default:
		return nil, malformed("LoaiBanTin %q không được hỗ trợ", kind)
	}
}

// partnerOf checks that the message's partner is known and the token's.
func (s *Server) partnerOf(caller, code string) (Partner, error) {
	p, known := s.partners[code]
	if !known || code != caller {
		return Partner{}, errUnknownPartner
	}
	return p, nil
}

func (s *Server) openPublished(caller string, m pInit) (any, error) {
	p, err := s.partnerOf(caller, m.MaDoiTac)
	if err != nil {
		return nil, err
	}
	sig := s.signer().sum(p.Secret, m.LoaiBanTin, m.PhienBan, m.MaDoiTac, m.MaThamChieu, m.SoTien, m.LoaiHinhThanhToan,
		m.MaKenhThanhToan, m.MaThietBi, m.NgonNgu, m.MaTienTe, m.MaNganHang, m.ThongTinGiaoDich, m.ThoiGianGD, m.Ip)
	if !s.signed(same(m.MaXacThuc, sig)) {
		return nil, errBadSignature
	}
	switch {
	case m.PhienBan != pubVersion:
		return nil, malformed("PhienBan %q không được hỗ trợ (cần %s)", m.PhienBan, pubVersion)
	case m.LoaiHinhThanhToan != pubPayType:
		return nil, malformed("LoaiHinhThanhToan %q không được hỗ trợ", m.LoaiHinhThanhToan)
	}
	if _, err := time.Parse(TimeLayout, m.ThoiGianGD); err != nil {
		return nil, malformed("ThoiGianGD %q không đúng định dạng yyyyMMddHHmmss", m.ThoiGianGD)
	}
	if p.CallbackURL == "" || p.ReturnURL == "" {
		return nil, malformed("đối tác %s chưa đăng ký địa chỉ nhận kết quả (UrlCallback, UrlTraVe) với nền tảng", p.Code)
	}
	total, err := vnd("SoTien", m.SoTien)
	if err != nil {
		return nil, err
	}
	b := m.ThongTinBienLai
	req := InitRequest{LoaiBanTin: m.LoaiBanTin, MaDoiTac: m.MaDoiTac, MaThamChieu: m.MaThamChieu, SoTien: total, MaTienTe: m.MaTienTe,
		ThongTinBienLai: Receipt{MaHoSo: b.MaHoSo, MaTTHC: b.MaDVC, MaDonVi: b.MaDonVi, HoTenNguoiNop: b.HoTenNguoiNop},
		UrlCallback:     p.CallbackURL, UrlTraVe: p.ReturnURL}
	for _, l := range b.DSKhoanNop {
		n, err := vnd("DSKhoanNop.SoTien", l.SoTien)
		if err != nil {
			return nil, err
		}
		req.ThongTinBienLai.ChiTiet = append(req.ThongTinBienLai.ChiTiet, ReceiptLine{NoiDung: l.NoiDung, SoTien: n})
	}
	t, err := s.record(req, &publishedExtra{bank: m.MaNganHang, info: m.ThongTinGiaoDich, receipt: b})
	if err != nil {
		return nil, err
	}
	return map[string]string{"MaLoi": CodeOK, "MoTaLoi": "Thành công", "MaDoiTac": m.MaDoiTac, "MaThamChieu": m.MaThamChieu,
		"MaGiaoDich": t.MaGiaoDich, "SoTien": m.SoTien, "MaTienTe": m.MaTienTe, "UrlThanhToan": s.payURL(t.MaGiaoDich)}, nil
}

// vnd reads a published amount: decimal digits, no sign, no separators.
func vnd(field, v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || strings.HasPrefix(v, "+") {
		return 0, malformed("%s %q không phải số tiền", field, v)
	}
	return n, nil
}

func (s *Server) queryPublished(caller string, m pQuery) (any, error) {
	p, err := s.partnerOf(caller, m.MaDoiTac)
	if err != nil {
		return nil, err
	}
	if !s.signed(same(m.MaXacThuc, s.signer().sum(p.Secret, m.LoaiBanTin, m.PhienBan, m.MaDoiTac, m.MaThamChieu, m.ThoiGianGD))) {
		return nil, errBadSignature
	}
	c, err := s.lookup(m.MaDoiTac, m.MaThamChieu)
	if err != nil {
		return nil, err
	}
	doc := map[string]any{"MaLoi": CodeOK, "MoTaLoi": "Thành công", "MaDoiTac": m.MaDoiTac, "MaThamChieu": m.MaThamChieu,
		"MaGiaoDich": c.MaGiaoDich, "SoTien": strconv.FormatInt(c.Request.SoTien, 10), "MaTienTe": c.Request.MaTienTe,
		"TrangThaiGD": c.TrangThaiGD, "ThoiGianGD": c.ThoiGianGD}
	if m.LoaiBanTin == MsgGetBill {
		doc["ThongTinBienLai"] = s.publishedReceipt(c)
	}
	return doc, nil
}

// publishedReceipt is the receipt as the partner sent it; a transaction
// opened in dvcqa (none in a published world) gets one built from its own.
func (s *Server) publishedReceipt(c Transaction) pReceipt {
	if c.published != nil {
		return c.published.receipt
	}
	r := c.Request.ThongTinBienLai
	out := pReceipt{MaDVC: r.MaTTHC, MaDonVi: r.MaDonVi, MaHoSo: r.MaHoSo, HoTenNguoiNop: r.HoTenNguoiNop}
	for _, l := range r.ChiTiet {
		out.DSKhoanNop = append(out.DSKhoanNop, struct{ NoiDung, SoTien string }{l.NoiDung, strconv.FormatInt(l.SoTien, 10)})
	}
	return out
}

// publishedCallback is the confirmation of a settled transaction, signed
// over LoaiBanTin|MaLoi|MaDoiTac|MaThamChieu|SoTien|MaTienTe|MaGiaoDich|
// MaNganHang|ThoiGianGD|ThongTinGiaoDich.
func (s *Server) publishedCallback(t Transaction, g signer) []byte {
	code, text := CodeOK, "Giao dịch thành công"
	if t.TrangThaiGD != StatusSuccess {
		code, text = pubUnpaid, "Giao dịch không thành công"
	}
	bank, info := pubMockBank, ""
	if t.published != nil {
		bank, info = cmp.Or(t.published.bank, pubMockBank), t.published.info
	}
	amount := strconv.FormatInt(t.Request.SoTien, 10)
	cb := map[string]string{"LoaiBanTin": pubConfirm, "PhienBan": pubVersion, "MaLoi": code, "MoTaLoi": text,
		"MaDoiTac": t.Request.MaDoiTac, "MaThamChieu": t.Request.MaThamChieu, "SoTien": amount, "MaTienTe": t.Request.MaTienTe,
		"MaGiaoDich": t.MaGiaoDich, "MaNganHang": bank, "ThoiGianGD": t.ThoiGianGD, "ThongTinGiaoDich": info, "TrangThaiGD": t.TrangThaiGD}
	cb["MaXacThuc"] = g.sum(s.partners[t.Request.MaDoiTac].Secret, pubConfirm, code, t.Request.MaDoiTac, t.Request.MaThamChieu,
		amount, t.Request.MaTienTe, t.MaGiaoDich, bank, t.ThoiGianGD, info)
	body, _ := json.Marshal(cb) // strings only
	return body
}
