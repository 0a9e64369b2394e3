package portal

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

// The portal's own clients of its three neighbours, written from the
// protocols (docs/contracts.md: gateway, DVCQG, payment). They are the
// provincial system's integration code, not the harness's: the harness
// checks what they did with clients of its own (api/*), so a mistake here
// is a failing spec rather than two sides agreeing on it.

var defaultNeighbourHTTP = &http.Client{Timeout: 10 * time.Second}

func orDefault(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return defaultNeighbourHTTP
}

// answerError is a neighbour's non-success answer.
type answerError struct {
	system, op string
	status     int
	code       string // the protocol's error code ("not_found", MaLoi, error_code)
	message    string
}

func (e *answerError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d %s: %s", e.system, e.op, e.status, e.code, e.message)
}

// exchange sends req and reads at most 16 MiB of the answer.
func exchange(hc *http.Client, req *http.Request) (int, []byte, error) {
	req.Header.Set("Accept", "application/json")
	resp, err := orDefault(hc).Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	return resp.StatusCode, raw, err
}

// GatewayData reads national data through the data-exchange gateway with
// the province's client credentials (OAuth 2 client_credentials).
type GatewayData struct {
	BaseURL, ClientID, ClientSecret string
	HTTP                            *http.Client
	// Dialect is the gateway's (vocab.Dialects["gateway"]); "ndxp" queries
	// population by ID, name and date of birth (gateway_ndxp.go).
	Dialect string

	known   *identities // names and dates of birth of citizens served (ndxp)
	mu      *sync.Mutex
	token   *string
	renewAt *time.Time
}

// NewGatewayData builds a GatewayData.
func NewGatewayData(baseURL, clientID, secret string, hc *http.Client) GatewayData {
	return GatewayData{BaseURL: strings.TrimRight(baseURL, "/"), ClientID: clientID, ClientSecret: secret, HTTP: hc,
		mu: new(sync.Mutex), token: new(string), renewAt: new(time.Time), known: &identities{byID: map[string]citizen{}}}
}

// Lookup implements NationalData: GET /api/v1/{db}/records?{key}={value};
// the gateway's 404 not_found is "no record", an empty result.
func (g GatewayData) Lookup(ctx context.Context, db, key, value, purpose string) ([]map[string]string, error) {
	tok, err := g.accessToken(ctx, false)
	if err != nil {
		return nil, err
	}
	recs, status, err := g.lookup(ctx, tok, db, key, value, purpose)
	if status == http.StatusUnauthorized { // the token expired under us: one fresh try
		if tok, err = g.accessToken(ctx, true); err != nil {
			return nil, err
		}
		recs, _, err = g.lookup(ctx, tok, db, key, value, purpose)
	}
	return recs, err
}

func (g GatewayData) lookup(ctx context.Context, tok, db, key, value, purpose string) ([]map[string]string, int, error) {
	if g.Dialect == gatewayDialectNDXP && db == "population" && key == "SoDinhDanh" {
		return g.ndxpLookup(ctx, tok, db, value, purpose)
	}
	u := g.BaseURL + "/api/v1/" + url.PathEscape(db) + "/records?" + url.Values{key: {value}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("gateway %s lookup: %w", db, err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("X-Purpose", purpose)
	req.Header.Set("X-Request-ID", rand.Text())
	status, raw, err := exchange(g.HTTP, req)
	if err != nil {
		return nil, 0, fmt.Errorf("gateway %s lookup: %w", db, err)
	}
	if status != http.StatusOK {
		return nil, status, gatewayAnswer(status, raw, db+" lookup")
	}
	var ans struct {
		Records []map[string]string `json:"records"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil {
		return nil, status, fmt.Errorf("gateway %s lookup: answer is not the records JSON: %w", db, err)
	}
	return ans.Records, status, nil
}

// gatewayAnswer is the error of a gateway lookup's non-200 answer; nil for
// 404 not_found, which is "no record".
func gatewayAnswer(status int, raw []byte, op string) error {
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	_ = json.Unmarshal(raw, &e)
	if status == http.StatusNotFound && e.Error.Code == "not_found" {
		return nil
	}
	return &answerError{system: "gateway", op: op, status: status, code: e.Error.Code, message: e.Error.Message}
}

// accessToken returns a cached token a minute before its expiry, or a new one.
func (g GatewayData) accessToken(ctx context.Context, renew bool) (string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !renew && *g.token != "" && time.Now().Before(*g.renewAt) {
		return *g.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.BaseURL+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("gateway token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(g.ClientID), url.QueryEscape(g.ClientSecret))
	start := time.Now()
	status, raw, err := exchange(g.HTTP, req)
	if err != nil {
		return "", fmt.Errorf("gateway token: %w", err)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
		Error       any    `json:"error"`
	}
	if status != http.StatusOK || json.Unmarshal(raw, &tr) != nil || tr.AccessToken == "" || !strings.EqualFold(tr.TokenType, "Bearer") {
		return "", &answerError{system: "gateway", op: "token", status: status, message: string(raw)}
	}
	*g.token, *g.renewAt = tr.AccessToken, start.Add(time.Duration(tr.ExpiresIn)*time.Second-time.Minute)
	return tr.AccessToken, nil
}

// DVCQGPortal pushes to the National Public Service Portal with the
// province's integration account: a session, then POST /api/service (or
// the URLs of another dialect, dvcqg_dialects.go).
type DVCQGPortal struct {
	BaseURL, Username, Password, DstCode, AgencyID string
	HTTP                                           *http.Client
	Dialect                                        string // vocab.Dialects["dvcqg"]; "" = envelope

	mu      *sync.Mutex
	session *string
}

// NewDVCQGPortal builds a DVCQGPortal.
func NewDVCQGPortal(baseURL, user, password, dstcode, agency string, hc *http.Client) DVCQGPortal {
	return DVCQGPortal{BaseURL: strings.TrimRight(baseURL, "/"), Username: user, Password: password, DstCode: dstcode,
		AgencyID: agency, HTTP: hc, mu: new(sync.Mutex), session: new(string)}
}

// Sync implements NationalPortal (DongBoHoSoMC).
func (p DVCQGPortal) Sync(ctx context.Context, d NationalDossier, updating bool) error {
	flag := "False"
	if updating {
		flag = "True"
	}
	return p.call(ctx, "DongBoHoSoMC", map[string]any{"isUpdating": flag, "data": []nationalHoSo{hoSoOf(d)}})
}

// Progress implements NationalPortal (CapNhatTienDoHoSoMC).
func (p DVCQGPortal) Progress(ctx context.Context, e ProgressEntry) error {
	return p.call(ctx, "CapNhatTienDoHoSoMC", map[string]any{"data": []nationalTienDo{{
		MaHoSo: e.MaHoSo, NguoiXuLy: e.NguoiXuLy, ChucDanh: e.ChucDanh, ThoiDiemXuLy: nationalTime(e.ThoiDiemXuLy),
		PhongBanXuLy: e.PhongBanXuLy, NoiDungXuLy: e.NoiDungXuLy, TrangThai: strconv.Itoa(e.TrangThai),
		NgayBatDau: nationalTime(e.NgayBatDau), NgayKetThucTheoQuyDinh: nationalTime(e.NgayKetThucTheoQuyDinh),
	}}})
}

// dvcqgReply is the protocol envelope; error_code may come as a number or a
// string ("0", "00" in OpenCPS), both read here.
type dvcqgReply struct {
	ErrorCode json.RawMessage `json:"error_code"`
	Message   string          `json:"message"`
	Session   string          `json:"session"`
}

func (r dvcqgReply) ok() bool {
	n, err := strconv.Atoi(strings.Trim(string(r.ErrorCode), `" `))
	return err == nil && n == 0
}

func (p DVCQGPortal) call(ctx context.Context, service string, fields map[string]any) error {
	if p.dialect() == dialectRest {
		return p.callRest(ctx, service, fields)
	}
	for attempt := 0; ; attempt++ {
		session, err := p.sessionID(ctx)
		if err != nil {
			return err
		}
		body := map[string]any{"session": session, "madonvi": p.AgencyID, "service": service}
		for k, v := range fields {
			body[k] = v
		}
		r, err := p.post(ctx, p.servicePath(), service, p.callDstCode(), body)
		if err != nil {
			return err
		}
		if r.ok() {
			return nil
		}
		if attempt == 0 && strings.Contains(r.Message, "Phiên làm việc không hợp lệ") {
			p.mu.Lock()
			if *p.session == session {
				*p.session = ""
			}
			p.mu.Unlock()
			continue
		}
		return &answerError{system: "dvcqg", op: service, status: http.StatusOK, code: string(r.ErrorCode), message: r.Message}
	}
}

func (p DVCQGPortal) sessionID(ctx context.Context) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if *p.session != "" {
		return *p.session, nil
	}
	r, err := p.post(ctx, p.loginPath(), "session", p.DstCode, map[string]string{"username": p.Username, "password": p.Password})
	if err != nil {
		return "", err
	}
	if !r.ok() || r.Session == "" {
		return "", &answerError{system: "dvcqg", op: "session", status: http.StatusOK, code: string(r.ErrorCode), message: r.Message}
	}
	*p.session = r.Session
	return r.Session, nil
}

func (p DVCQGPortal) post(ctx context.Context, path, op, dstcode string, body any) (dvcqgReply, error) {
	var r dvcqgReply
	b, err := json.Marshal(body)
	if err != nil {
		return r, fmt.Errorf("dvcqg %s: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.BaseURL+path, bytes.NewReader(b))
	if err != nil {
		return r, fmt.Errorf("dvcqg %s: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if dstcode != "" {
		req.Header.Set("dstcode", dstcode)
	}
	status, raw, err := exchange(p.HTTP, req)
	if err != nil {
		return r, fmt.Errorf("dvcqg %s: %w", op, err)
	}
	if err := json.Unmarshal(raw, &r); err != nil || len(r.ErrorCode) == 0 {
		return r, &answerError{system: "dvcqg", op: op, status: status, message: "reply is not the protocol envelope"}
	}
	return r, nil
}

// nationalLayout is the national portal's yyyyMMddHHmmss in Vietnam time.
const nationalLayout = "20060102150405"

// nationalTime formats a time for DVCQG, "" for one not known yet.
func nationalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vocab.Vietnam).Format(nationalLayout)
}

// nationalHoSo and nationalTienDo are the DVCQG JSON shapes the portal sends.
type nationalHoSo struct {
	MaHoSo, MaTTHC, TenTTHC, MaLinhVuc, SoBienNhan, ChuHoSo, LoaiDoiTuong, MaDoiTuong, TrichYeuHoSo string
	NgayTiepNhan, NgayHenTra, TrangThaiHoSo, NgayTra, DonViXuLy, KenhThucHien                       string
	DinhDanhCHS                                                                                     []NationalID
	TaiLieuNop                                                                                      []NationalFile
	DanhSachLePhi                                                                                   []NationalFee
	DanhSachGiayToKetQua                                                                            []NationalResult
	TaiKhoanDuocXacThucVoiVNeID, DuocThanhToanTrucTuyen                                             string
}

type nationalTienDo struct {
	MaHoSo, NguoiXuLy, ChucDanh, ThoiDiemXuLy, PhongBanXuLy, NoiDungXuLy, TrangThai, NgayBatDau, NgayKetThucTheoQuyDinh string
}

func hoSoOf(d NationalDossier) nationalHoSo {
	h := nationalHoSo{
		MaHoSo: d.MaHoSo, MaTTHC: d.MaTTHC, TenTTHC: d.TenTTHC, MaLinhVuc: d.MaLinhVuc, SoBienNhan: d.SoBienNhan,
		ChuHoSo: d.ChuHoSo, LoaiDoiTuong: d.LoaiDoiTuong, MaDoiTuong: d.MaDoiTuong, TrichYeuHoSo: d.TrichYeuHoSo,
		NgayTiepNhan: nationalTime(d.NgayTiepNhan), NgayHenTra: nationalTime(d.NgayHenTra),
		TrangThaiHoSo: strconv.Itoa(d.TrangThaiHoSo), NgayTra: nationalTime(d.NgayTra),
		DonViXuLy: d.DonViXuLy, KenhThucHien: d.KenhThucHien,
		DinhDanhCHS: append([]NationalID{}, d.DinhDanhCHS...), TaiLieuNop: append([]NationalFile{}, d.TaiLieuNop...),
		DanhSachLePhi: append([]NationalFee{}, d.DanhSachLePhi...), DanhSachGiayToKetQua: append([]NationalResult{}, d.DanhSachGiayToKetQua...),
		TaiKhoanDuocXacThucVoiVNeID: d.TaiKhoanDuocXacThucVoiVNeID, DuocThanhToanTrucTuyen: d.DuocThanhToanTrucTuyen,
	}
	return h
}

// PaymentPlatform is the national payment platform, with the portal as
// partner (MaDoiTac) holding its secret.
type PaymentPlatform struct {
	BaseURL, PartnerCode, Secret string
	HTTP                         *http.Client
	Dialect                      string // vocab.Dialects["payment"]; "" = dvcqa (published: payment_published.go)
}

// partnerSignature is MaXacThuc: lower-case hex of SHA-256 over the fields,
// each followed by '|', then the secret (docs/contracts.md, payment).
func partnerSignature(secret string, fields ...string) string {
	h := sha256.New()
	for _, f := range fields {
		h.Write([]byte(f))
		h.Write([]byte{'|'})
	}
	h.Write([]byte(secret))
	return hex.EncodeToString(h.Sum(nil))
}

// Init implements Payments (INIT, signed over
// LoaiBanTin|MaDoiTac|MaThamChieu|SoTien|MaTienTe|UrlCallback|UrlTraVe).
func (p PaymentPlatform) Init(ctx context.Context, req PaymentRequest) (payURL, txnID string, err error) {
	if p.published() {
		return p.initPublished(ctx, req)
	}
	type line struct {
		NoiDung string
		SoTien  int64
	}
	lines := make([]line, 0, len(req.Lines))
	for _, l := range req.Lines {
		lines = append(lines, line{l.Description, l.Amount})
	}
	amount := strconv.FormatInt(req.Amount, 10)
	msg := map[string]any{
		"LoaiBanTin": "INIT", "MaDoiTac": p.PartnerCode, "MaThamChieu": req.Reference, "SoTien": req.Amount, "MaTienTe": "VND",
		"ThongTinBienLai": map[string]any{"MaHoSo": req.DossierCode, "MaTTHC": req.ProcedureCode, "MaDonVi": req.AgencyID,
			"HoTenNguoiNop": req.PayerName, "ChiTiet": lines},
		"UrlCallback": req.CallbackURL, "UrlTraVe": req.ReturnURL,
		"MaXacThuc": partnerSignature(p.Secret, "INIT", p.PartnerCode, req.Reference, amount, "VND", req.CallbackURL, req.ReturnURL),
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
	status, raw, err := exchange(p.HTTP, hreq)
	if err != nil {
		return "", "", fmt.Errorf("payment INIT: %w", err)
	}
	var ans struct{ MaLoi, MoTaLoi, MaGiaoDich, UrlThanhToan string }
	if err := json.Unmarshal(raw, &ans); err != nil || status/100 != 2 || ans.MaLoi != "00" {
		return "", "", &answerError{system: "payment", op: "INIT", status: status, code: ans.MaLoi, message: ans.MoTaLoi}
	}
	return ans.UrlThanhToan, ans.MaGiaoDich, nil
}

// VerifyCallback implements Payments: the callback must be addressed to
// this partner and signed over
// MaDoiTac|MaThamChieu|MaGiaoDich|SoTien|TrangThaiGD|ThoiGianGD.
func (p PaymentPlatform) VerifyCallback(body []byte) (PaymentCallback, bool, error) {
	if p.published() {
		return p.verifyPublished(body)
	}
	var cb struct {
		MaDoiTac, MaThamChieu, MaGiaoDich, TrangThaiGD, ThoiGianGD, MaXacThuc string
		SoTien                                                                int64
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		return PaymentCallback{}, false, err
	}
	want := partnerSignature(p.Secret, cb.MaDoiTac, cb.MaThamChieu, cb.MaGiaoDich, strconv.FormatInt(cb.SoTien, 10), cb.TrangThaiGD, cb.ThoiGianGD)
	ok := cb.MaDoiTac == p.PartnerCode && subtle.ConstantTimeCompare([]byte(cb.MaXacThuc), []byte(want)) == 1
	return PaymentCallback{Reference: cb.MaThamChieu, TransactionID: cb.MaGiaoDich, Amount: cb.SoTien, Status: cb.TrangThaiGD}, ok, nil
}

// The clients satisfy the ports.
var (
	_ NationalData   = GatewayData{}
	_ NationalPortal = DVCQGPortal{}
	_ Payments       = PaymentPlatform{}
)
