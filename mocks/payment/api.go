package payment

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
)

// apiError is a protocol answer other than "00", with its HTTP status.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func malformed(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, CodeMalformed, "Dữ liệu không hợp lệ: " + fmt.Sprintf(format, args...)}
}

var (
	errBadSignature   = &apiError{http.StatusBadRequest, CodeBadSignature, "Sai mã xác thực"}
	errUnknownPartner = &apiError{http.StatusUnauthorized, CodeUnknownPartner, "Đối tác không tồn tại"}
	errUnknownRef     = &apiError{http.StatusNotFound, CodeNotFound, "Không tìm thấy giao dịch"}
)

// handleAPI is POST /api/v1/thanhtoan, dispatching on LoaiBanTin.
func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	answer, err := s.api(w, r)
	if err != nil {
		var e *apiError
		if !errors.As(err, &e) {
			e = malformed("%v", err)
		}
		httpx.JSON(w, e.status, map[string]string{"MaLoi": e.code, "MoTaLoi": e.msg})
		return
	}
	httpx.JSON(w, http.StatusOK, answer)
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) (any, error) {
	raw, kind, err := readMessage(w, r)
	if err != nil {
		return nil, err
	}
	switch kind {
	case MsgInit:
		req, err := decodeMessage[InitRequest](raw)
		if err != nil {
			return nil, err
		}
		return s.open(req)
	case MsgQuery, MsgGetBill:
		req, err := decodeMessage[QueryRequest](raw)
		if err != nil {
			return nil, err
		}
		return s.query(req)
	default:
		return nil, malformed("LoaiBanTin %q không được hỗ trợ", kind)
	}
}

// readMessage reads a message of either dialect, at most 1 MiB of JSON, and
// its kind (LoaiBanTin).
func readMessage(w http.ResponseWriter, r *http.Request) ([]byte, string, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		return nil, "", malformed("không đọc được nội dung (%v)", err)
	}
	if !json.Valid(raw) {
		return nil, "", malformed("nội dung không phải JSON")
	}
	var kind struct{ LoaiBanTin string }
	if err := json.Unmarshal(raw, &kind); err != nil {
		return nil, "", malformed("%v", err)
	}
	return raw, kind.LoaiBanTin, nil
}

// decodeMessage reads a message of kind T; a field of the wrong type is malformed.
func decodeMessage[T any](raw []byte) (T, error) {
	var m T
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, malformed("%v", err)
	}
	return m, nil
}

// open handles INIT: it opens a transaction; the same reference again returns the same one.
func (s *Server) open(req InitRequest) (*InitResponse, error) {
	p, known := s.partners[req.MaDoiTac]
	if !known {
		return nil, errUnknownPartner
	}
	if !s.signed(s.signer().initOK(req, p.Secret)) {
		return nil, errBadSignature
	}
	t, err := s.record(req, nil)
	if err != nil {
		return nil, err
	}
	return &InitResponse{MaLoi: CodeOK, MoTaLoi: "Thành công", MaGiaoDich: t.MaGiaoDich, UrlThanhToan: s.payURL(t.MaGiaoDich)}, nil
}

// record checks a signed INIT, in either dialect, and opens its
// transaction, or finds the one of the same reference; pub is what only a
// published INIT carries (nil for dvcqa).
func (s *Server) record(req InitRequest, pub *publishedExtra) (Transaction, error) {
	if err := checkInit(req); err != nil {
		return Transaction{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, seen := s.byRef[refKey{req.MaDoiTac, req.MaThamChieu}]
	if seen && t.Request.SoTien != req.SoTien {
		return Transaction{}, &apiError{http.StatusConflict, CodeConflict,
			fmt.Sprintf("Mã tham chiếu %s đã dùng cho số tiền %d", req.MaThamChieu, t.Request.SoTien)}
	}
	if !seen {
		t = &Transaction{MaGiaoDich: "GD" + rand.Text(), Request: req, TrangThaiGD: StatusPending, Created: s.now(), published: pub}
		s.byID[t.MaGiaoDich] = t
		s.byRef[refKey{req.MaDoiTac, req.MaThamChieu}] = t
		s.order.Add(t.MaGiaoDich)
	}
	t.touched = time.Now()
	s.trim()
	return t.copy(), nil
}

func (s *Server) payURL(id string) string { return s.base + "/pay/" + url.PathEscape(id) }

func checkInit(req InitRequest) error {
	switch {
	case req.MaThamChieu == "":
		return malformed("thiếu MaThamChieu")
	case req.SoTien <= 0:
		return malformed("SoTien phải lớn hơn 0 (nhận %d)", req.SoTien)
	case req.MaTienTe != "VND":
		return malformed("MaTienTe phải là VND (nhận %q)", req.MaTienTe)
	case !absoluteHTTP(req.UrlCallback):
		return malformed("UrlCallback %q không phải địa chỉ http(s) tuyệt đối", req.UrlCallback)
	case !absoluteHTTP(req.UrlTraVe):
		return malformed("UrlTraVe %q không phải địa chỉ http(s) tuyệt đối", req.UrlTraVe)
	}
	var sum int64
	for _, l := range req.ThongTinBienLai.ChiTiet {
		if l.SoTien <= 0 {
			return malformed("dòng biên lai %q có SoTien %d", l.NoiDung, l.SoTien)
		}
		sum += l.SoTien
	}
	if len(req.ThongTinBienLai.ChiTiet) > 0 && sum != req.SoTien {
		return malformed("tổng ChiTiet %d khác SoTien %d", sum, req.SoTien)
	}
	return nil
}

func absoluteHTTP(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// query answers QUERY and GET_BILL.
func (s *Server) query(req QueryRequest) (any, error) {
	p, known := s.partners[req.MaDoiTac]
	if !known {
		return nil, errUnknownPartner
	}
	if !s.signed(s.signer().queryOK(req, p.Secret)) {
		return nil, errBadSignature
	}
	c, err := s.lookup(req.MaDoiTac, req.MaThamChieu)
	if err != nil {
		return nil, err
	}
	q := QueryResponse{MaLoi: CodeOK, MoTaLoi: "Thành công", MaGiaoDich: c.MaGiaoDich,
		MaThamChieu: c.Request.MaThamChieu, SoTien: c.Request.SoTien, TrangThaiGD: c.TrangThaiGD}
	if req.LoaiBanTin == MsgQuery {
		return q, nil
	}
	return BillResponse{QueryResponse: q, ThoiGianGD: c.ThoiGianGD, ThongTinBienLai: c.Request.ThongTinBienLai}, nil
}

// lookup is the transaction of a partner's reference, touched as in use.
func (s *Server) lookup(partner, ref string) (Transaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, seen := s.byRef[refKey{partner, ref}]
	if !seen {
		return Transaction{}, errUnknownRef
	}
	t.touched = time.Now()
	return t.copy(), nil
}
