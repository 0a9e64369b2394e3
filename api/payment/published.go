package payment

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/internal/netreason"
	"github.com/dvcqa/dvcqa/vocab"
)

// The published dialect (vocab.DialectPaymentPublished): the national
// payment platform's INIT/QUERY/GET_BILL fields and MaXacThuc strings as
// public material shows them (../shared/protocols-public.md, "National
// payment platform"). Every string value, SoTien included; a Bearer access
// token on each call; no callback or return URL in INIT (the platform
// keeps them per partner); replies wrapped as
// {"error_code":"0","message":"<JSON document as a string>"}.
//
// Unverified against a real platform (nothing public shows them): the
// token endpoint and its credentials, the path of the API, the values of
// MaKenhThanhToan/MaThietBi/LoaiPhiLePhi, the receipt's MaHoSo, MaDonVi and
// HoTenNguoiNop, the error envelope (error_code = MaLoi, message = its
// text), the callback's LoaiBanTin "CONFIRM", its MaLoi "99" for a failed
// payment, and GET_BILL's reply (the receipt's data, no PDF).
const (
	PublishedVersion  = "1.0.6" // PhienBan
	PublishedPayType  = "PAY"   // LoaiHinhThanhToan
	PublishedChannel  = "WEB"   // MaKenhThanhToan, unverified
	PublishedDevice   = "PC"    // MaThietBi, unverified
	PublishedLanguage = "vi-VN" // NgonNgu
	PublishedIP       = "127.0.0.1"
	// MsgConfirm is LoaiBanTin of the platform's confirmation (unverified).
	MsgConfirm = "CONFIRM"
	// CodeUnpaid is MaLoi of a confirmation of a failed or cancelled
	// payment (unverified; "00" is a paid one).
	CodeUnpaid = "99"
	// FeeKindLePhi is LoaiPhiLePhi of a fee line (lệ phí, a state fee; unverified).
	FeeKindLePhi = "1"
	// TokenPath is the token endpoint under BaseURL: OAuth 2.0 client
	// credentials, HTTP Basic MaDoiTac:TokenSecret (unverified).
	TokenPath = "/oauth/token"
)

// DialectError is an answer in another dialect than the profile's: one
// error naming the system and both dialects instead of a cascade of
// decoding failures.
type DialectError struct {
	Want   string // the profile's payment.dialect
	Got    string // what the platform seems to speak, "" when unknown
	Detail string
}

func (e *DialectError) Error() string {
	got := "another dialect"
	if e.Got != "" {
		got = "dialect " + strconv.Quote(e.Got)
	}
	return fmt.Sprintf("payment: dialect mismatch: the target profile says payment.dialect %q, but the payment platform answers in %s (%s)", e.Want, got, e.Detail)
}

// dialect is the client's dialect; a nil Client (an Env built without a
// payment client, in tests) encodes callbacks in the default one.
func (c *Client) dialect() string {
	if c == nil {
		return vocab.DialectOr(vocab.SystemPayment, "")
	}
	return vocab.DialectOr(vocab.SystemPayment, c.Dialect)
}

func (c *Client) published() bool { return c.dialect() == vocab.DialectPaymentPublished }

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// pubInit is the published INIT.
type pubInit struct {
	LoaiBanTin        string
	PhienBan          string
	MaDoiTac          string
	MaThamChieu       string
	SoTien            string
	LoaiHinhThanhToan string
	MaKenhThanhToan   string
	MaThietBi         string
	NgonNgu           string
	MaTienTe          string
	MaNganHang        string
	ThongTinGiaoDich  string
	ThoiGianGD        string
	Ip                string
	ThongTinBienLai   pubReceipt
	MaXacThuc         string
}

// pubReceipt is the published ThongTinBienLai. MaHoSo, MaDonVi and
// HoTenNguoiNop are not in the public field list (unverified) but the
// contract's receipt needs them.
type pubReceipt struct {
	MaDichVu            string
	MaDVC               string // the procedure code (mã dịch vụ công)
	TenDVC              string
	TenTTHC             string
	TenDonVi            string
	MaDonVi             string
	MaHoSo              string
	HoTenNguoiNop       string
	SoCMNDNguoiNop      string
	DiaChiNguoiNop      string
	SoTaiKhoanThuHuong  string // beneficiary account
	TenTaiKhoanThuHuong string
	NganHangThuHuong    string // beneficiary bank
	PhiLePhi            []pubFee
	DSKhoanNop          []pubItem
}

type pubFee struct{ LoaiPhiLePhi, MaPhiLePhi, TenPhiLePhi, SoTien string }

type pubItem struct{ NoiDung, SoTien string }

// pubQuery is the published QUERY or GET_BILL.
type pubQuery struct{ LoaiBanTin, PhienBan, MaDoiTac, MaThamChieu, ThoiGianGD, MaXacThuc string }

// pubAnswer is the document inside a published reply's message.
type pubAnswer struct {
	MaLoi, MoTaLoi, MaDoiTac, MaThamChieu, MaGiaoDich, UrlThanhToan string
	SoTien, MaTienTe, TrangThaiGD, ThoiGianGD                       string
	ThongTinBienLai                                                 *pubReceipt
}

// pubCallback is the platform's published confirmation.
type pubCallback struct {
	LoaiBanTin, PhienBan, MaLoi, MoTaLoi, MaDoiTac, MaThamChieu, SoTien, MaTienTe string
	MaGiaoDich, MaNganHang, ThoiGianGD, ThongTinGiaoDich, TrangThaiGD, MaXacThuc  string
}

func amount(n int64) string { return strconv.FormatInt(n, 10) }

// transactionInfo is ThongTinGiaoDich, the description shown to the payer.
func transactionInfo(r InitRequest) string {
	return "Nộp phí, lệ phí hồ sơ " + cmp.Or(r.ThongTinBienLai.MaHoSo, r.MaThamChieu)
}

// publishedInit maps an INIT to the published message, signed at `at`.
func publishedInit(r InitRequest, at time.Time, secret string) pubInit {
	p := pubInit{
		LoaiBanTin: r.LoaiBanTin, PhienBan: PublishedVersion, MaDoiTac: r.MaDoiTac, MaThamChieu: r.MaThamChieu,
		SoTien: amount(r.SoTien), LoaiHinhThanhToan: PublishedPayType, MaKenhThanhToan: PublishedChannel,
		MaThietBi: PublishedDevice, NgonNgu: PublishedLanguage, MaTienTe: r.MaTienTe,
		ThongTinGiaoDich: transactionInfo(r), ThoiGianGD: at.In(vocab.Vietnam).Format(TimeLayout), Ip: PublishedIP,
		ThongTinBienLai: pubReceipt{MaDVC: r.ThongTinBienLai.MaTTHC, MaDonVi: r.ThongTinBienLai.MaDonVi,
			MaHoSo: r.ThongTinBienLai.MaHoSo, HoTenNguoiNop: r.ThongTinBienLai.HoTenNguoiNop,
			PhiLePhi: []pubFee{}, DSKhoanNop: []pubItem{}},
	}
	for _, l := range r.ThongTinBienLai.ChiTiet {
		p.ThongTinBienLai.PhiLePhi = append(p.ThongTinBienLai.PhiLePhi, pubFee{LoaiPhiLePhi: FeeKindLePhi, TenPhiLePhi: l.NoiDung, SoTien: amount(l.SoTien)})
		p.ThongTinBienLai.DSKhoanNop = append(p.ThongTinBienLai.DSKhoanNop, pubItem{NoiDung: l.NoiDung, SoTien: amount(l.SoTien)})
	}
	p.MaXacThuc = p.signature(secret)
	return p
}

// signature is INIT's MaXacThuc in the published dialect:
// LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|SoTien|LoaiHinhThanhToan|
// MaKenhThanhToan|MaThietBi|NgonNgu|MaTienTe|MaNganHang|ThongTinGiaoDich|
// ThoiGianGD|Ip|secret.
func (p pubInit) signature(secret string) string {
	return Sign(secret, p.LoaiBanTin, p.PhienBan, p.MaDoiTac, p.MaThamChieu, p.SoTien, p.LoaiHinhThanhToan,
		p.MaKenhThanhToan, p.MaThietBi, p.NgonNgu, p.MaTienTe, p.MaNganHang, p.ThongTinGiaoDich, p.ThoiGianGD, p.Ip)
}

// PublishedQuerySignature is QUERY's (and GET_BILL's) MaXacThuc:
// LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|ThoiGianGD|secret.
func PublishedQuerySignature(msg, partner, ref, at, secret string) string {
	return Sign(secret, msg, PublishedVersion, partner, ref, at)
}

// publishedCallbackSignature: LoaiBanTin|MaLoi|MaDoiTac|MaThamChieu|SoTien|
// MaTienTe|MaGiaoDich|MaNganHang|ThoiGianGD|ThongTinGiaoDich|secret.
func publishedCallbackSignature(cb pubCallback, secret string) string {
	return Sign(secret, cb.LoaiBanTin, cb.MaLoi, cb.MaDoiTac, cb.MaThamChieu, cb.SoTien, cb.MaTienTe, cb.MaGiaoDich,
		cb.MaNganHang, cb.ThoiGianGD, cb.ThongTinGiaoDich)
}

// publishedCallback is a Callback as the published platform sends it, as
// far as a Callback says: no bank, no description, VND.
func publishedCallback(cb Callback) pubCallback {
	code, text := CodeOK, "Giao dịch thành công"
	if cb.TrangThaiGD != StatusSuccess {
		code, text = CodeUnpaid, "Giao dịch không thành công"
	}
	return pubCallback{LoaiBanTin: MsgConfirm, PhienBan: PublishedVersion, MaLoi: code, MoTaLoi: text,
		MaDoiTac: cb.MaDoiTac, MaThamChieu: cb.MaThamChieu, SoTien: amount(cb.SoTien), MaTienTe: "VND",
		MaGiaoDich: cb.MaGiaoDich, ThoiGianGD: cb.ThoiGianGD, TrangThaiGD: cb.TrangThaiGD}
}

// CallbackBody is the body the platform would POST to the partner for cb,
// in the client's dialect, signed as cb.Sign last signed it (an unsigned
// callback goes with its MaXacThuc as it is). Specs use it to send forged
// and replayed confirmations to a portal.
func (c *Client) CallbackBody(cb Callback) ([]byte, error) {
	if !c.published() {
		return json.Marshal(cb)
	}
	p := publishedCallback(cb)
	p.MaXacThuc = cmp.Or(cb.publishedSig, cb.MaXacThuc)
	return json.Marshal(p)
}

// ParseCallback decodes a confirmation the platform sent in the client's
// dialect; ok says its MaXacThuc verifies with the client's secret and it
// is addressed to the client's partner.
func (c *Client) ParseCallback(body []byte) (cb Callback, ok bool, err error) {
	if !c.published() {
		if looksPublished(body) {
			return Callback{}, false, &DialectError{Want: c.dialect(), Got: vocab.DialectPaymentPublished, Detail: "the confirmation has LoaiBanTin and string amounts"}
		}
		if err := json.Unmarshal(body, &cb); err != nil {
			return Callback{}, false, fmt.Errorf("payment callback: %w", err)
		}
		return cb, cb.Verify(c.Secret) && cb.MaDoiTac == c.PartnerCode, nil
	}
	var p pubCallback
	if err := json.Unmarshal(body, &p); err != nil {
		if strings.Contains(err.Error(), "cannot unmarshal number") {
			return Callback{}, false, &DialectError{Want: c.dialect(), Got: vocab.DialectPaymentDvcqa, Detail: "the confirmation's SoTien is a number: " + err.Error()}
		}
		return Callback{}, false, fmt.Errorf("payment callback: %w", err)
	}
	if p.LoaiBanTin == "" {
		return Callback{}, false, &DialectError{Want: c.dialect(), Got: vocab.DialectPaymentDvcqa, Detail: "the confirmation has no LoaiBanTin"}
	}
	n, err := strconv.ParseInt(p.SoTien, 10, 64)
	if err != nil {
		return Callback{}, false, fmt.Errorf("payment callback: SoTien %q: %w", p.SoTien, err)
	}
	cb = Callback{MaDoiTac: p.MaDoiTac, MaThamChieu: p.MaThamChieu, MaGiaoDich: p.MaGiaoDich, SoTien: n,
		TrangThaiGD: p.TrangThaiGD, ThoiGianGD: p.ThoiGianGD, MaXacThuc: p.MaXacThuc}
	ok = verify(p.MaXacThuc, publishedCallbackSignature(p, c.Secret)) && p.MaDoiTac == c.PartnerCode &&
		p.LoaiBanTin == MsgConfirm && (p.MaLoi == CodeOK) == (p.TrangThaiGD == StatusSuccess)
	return cb, ok, nil
}

func (c *Client) initPublished(ctx context.Context, req InitRequest) (*InitResponse, error) {
	msg := publishedInit(req, c.now(), c.Secret)
	var a pubAnswer
	if err := c.sendPublished(ctx, msg.LoaiBanTin, msg, &a); err != nil {
		return nil, err
	}
	return &InitResponse{MaLoi: a.MaLoi, MoTaLoi: a.MoTaLoi, MaGiaoDich: a.MaGiaoDich, UrlThanhToan: a.UrlThanhToan}, nil
}

func (c *Client) queryPublished(ctx context.Context, msg, ref string) (*BillResponse, error) {
	at := c.now().In(vocab.Vietnam).Format(TimeLayout)
	q := pubQuery{LoaiBanTin: msg, PhienBan: PublishedVersion, MaDoiTac: c.PartnerCode, MaThamChieu: ref, ThoiGianGD: at,
		MaXacThuc: PublishedQuerySignature(msg, c.PartnerCode, ref, at, c.Secret)}
	var a pubAnswer
	if err := c.sendPublished(ctx, msg, q, &a); err != nil {
		return nil, err
	}
	n, err := strconv.ParseInt(a.SoTien, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("payment %s: SoTien %q: %w", msg, a.SoTien, err)
	}
	out := &BillResponse{QueryResponse: QueryResponse{MaLoi: a.MaLoi, MoTaLoi: a.MoTaLoi, MaGiaoDich: a.MaGiaoDich,
		MaThamChieu: a.MaThamChieu, SoTien: n, TrangThaiGD: a.TrangThaiGD}, ThoiGianGD: a.ThoiGianGD}
	if r := a.ThongTinBienLai; r != nil {
		out.ThongTinBienLai = Receipt{MaHoSo: r.MaHoSo, MaTTHC: r.MaDVC, MaDonVi: r.MaDonVi, HoTenNguoiNop: r.HoTenNguoiNop}
		for _, l := range r.DSKhoanNop {
			v, err := strconv.ParseInt(l.SoTien, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("payment %s: DSKhoanNop SoTien %q: %w", msg, l.SoTien, err)
			}
			out.ThongTinBienLai.ChiTiet = append(out.ThongTinBienLai.ChiTiet, ReceiptLine{NoiDung: l.NoiDung, SoTien: v})
		}
	}
	return out, nil
}

// token asks the token endpoint for an access token (client credentials;
// unverified). A platform without one does not speak this dialect.
func (c *Client) token(ctx context.Context) (string, error) {
	u := strings.TrimSuffix(c.BaseURL, "/") + TokenPath
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	if err != nil {
		return "", fmt.Errorf("payment token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(c.PartnerCode, cmp.Or(c.TokenSecret, c.Secret))
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return "", fmt.Errorf("payment token: %w", err)
	}
	defer resp.Body.Close()
	raw, err := netreason.ReadBody(resp.Body, 64<<10)
	if err != nil {
		return "", fmt.Errorf("payment token: read answer: %w", err)
	}
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
		return "", &DialectError{Want: c.dialect(), Got: c.probeDvcqa(ctx), Detail: fmt.Sprintf("no token endpoint: POST %s: HTTP %d", u, resp.StatusCode)}
	}
	var t struct {
		AccessToken      string `json:"access_token"`
		TokenType        string `json:"token_type"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if err := netreason.Decode(raw, &t); err != nil {
		return "", fmt.Errorf("payment token: HTTP %d: answer is not JSON: %w", resp.StatusCode, err)
	}
	if resp.StatusCode/100 != 2 || t.AccessToken == "" || !strings.EqualFold(t.TokenType, "Bearer") {
		return "", fmt.Errorf("payment token: HTTP %d: %s %s", resp.StatusCode, t.Error, t.ErrorDescription)
	}
	return t.AccessToken, nil
}

// probeDvcqa names the dvcqa dialect when the API answers an empty message
// with dvcqa's top-level MaLoi, so that a mismatch names both dialects;
// "" when it cannot tell. The message opens nothing on either dialect.
func (c *Client) probeDvcqa(ctx context.Context) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.BaseURL, "/")+"/api/v1/thanhtoan", strings.NewReader(`{}`))
	if err != nil {
		return ""
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	raw, err := netreason.ReadBody(resp.Body, 64<<10)
	if err != nil || !looksDvcqa(raw) {
		return ""
	}
	return vocab.DialectPaymentDvcqa
}

// sendPublished posts one published message with a fresh access token and
// decodes the document inside the reply's message into out.
func (c *Client) sendPublished(ctx context.Context, msg string, body any, out *pubAnswer) error {
	tok, err := c.token(ctx)
	if err != nil {
		return err
	}
	code, raw, err := c.post(ctx, msg, tok, body)
	if err != nil {
		return err
	}
	var env struct {
		ErrorCode *string `json:"error_code"`
		Message   string  `json:"message"`
	}
	if err := netreason.Decode(raw, &env); err != nil {
		return fmt.Errorf("payment %s: HTTP %d: answer is not the published envelope: %w", msg, code, err)
	}
	if env.ErrorCode == nil {
		if looksDvcqa(raw) {
			return &DialectError{Want: c.dialect(), Got: vocab.DialectPaymentDvcqa, Detail: msg + " answered MaLoi at the top level, no error_code/message envelope"}
		}
		return &Error{Status: code, MoTaLoi: "answer without error_code: " + snippet(raw)}
	}
	if *env.ErrorCode != "0" || code/100 != 2 {
		return &Error{Status: code, MaLoi: *env.ErrorCode, MoTaLoi: env.Message}
	}
	if err := json.Unmarshal([]byte(env.Message), out); err != nil {
		return fmt.Errorf("payment %s: message is not a JSON document: %w", msg, err)
	}
	if out.MaLoi != CodeOK {
		return &Error{Status: code, MaLoi: out.MaLoi, MoTaLoi: out.MoTaLoi}
	}
	return nil
}

// looksPublished: a JSON object with the published envelope's error_code
// (an answer) or a LoaiBanTin with a string SoTien (a confirmation), and no
// top-level MaLoi of the dvcqa dialect's answers.
func looksPublished(raw []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	if _, ok := m["error_code"]; ok {
		_, dvcqa := m["MaLoi"]
		return !dvcqa
	}
	s, ok := m["SoTien"]
	return ok && bytes.HasPrefix(bytes.TrimSpace(s), []byte(`"`)) && m["LoaiBanTin"] != nil
}

// looksDvcqa: a JSON object with the dvcqa dialect's top-level MaLoi.
func looksDvcqa(raw []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	_, ok := m["MaLoi"]
	return ok
}
