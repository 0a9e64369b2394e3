package gateway

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
	"github.com/dvcqa/dvcqa/vocab"
)

// The ndxp dialect of the gateway: the population database's query as
// published for the national data-exchange platform (NDXP, nền tảng chia
// sẻ dữ liệu quốc gia; ../shared/protocols-public.md): POST JSON with the
// personal ID together with the name and the date (or year) of birth; the
// answer is JSON whose "message" holds SOAP XML with CongDan elements.
// Only population's shape is published: the other databases, and
// population by another key (SoCMND), keep the REST lookup. Unverified:
// the path, the yyyyMMdd dates, the errors (the REST error body and
// status), whether ChiTiet holds the whole address, how strictly the name
// is compared (here: case and spacing ignored, diacritics not).

const (
	ndxpDatabase  = "population"
	personalIDKey = "SoDinhDanh"
	ndxpDate      = "20060102" // yyyyMMdd (unverified)
	maxQueryBody  = 64 << 10
)

func (s *Server) ndxp() bool { return s.dialect == vocab.DialectGatewayNDXP }

// ndxpQuery is the body of POST /api/v1/population/query.
type ndxpQuery struct {
	MaYeuCau, MaDVC, MaTichHop, MaDonVi, MaCanBo string
	SoDinhDanh, HoVaTen, NgayThangNamSinh, Nam   string
}

// handleQuery serves POST /api/v1/{db}/query in the ndxp dialect. Audited
// like a REST lookup (key SoDinhDanh); MaYeuCau is the request id.
func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("db") != ndxpDatabase {
		httpx.Error(w, http.StatusNotFound, "no_such_endpoint", "no such endpoint (only population is queried this way)", "Không có điểm cuối này", "")
		return
	}
	if !allow(w, r, http.MethodPost) {
		return
	}
	raw, readErr := io.ReadAll(io.LimitReader(r.Body, maxQueryBody+1))
	var q ndxpQuery
	bad := readErr != nil || len(raw) > maxQueryBody || json.Unmarshal(raw, &q) != nil
	requestID := q.MaYeuCau
	if requestID == "" {
		requestID = r.Header.Get(gwapi.HeaderRequestID)
	}
	e := s.auditEntry(w, r, ndxpDatabase, requestID)
	e.Key, e.Value = personalIDKey, q.SoDinhDanh
	rep := s.audited(w, r, e, func(tok token, requestID string) reply {
		if bad {
			return fail(http.StatusBadRequest, "invalid_request", "the body is not the query JSON", "Nội dung yêu cầu không phải JSON hợp lệ", "")
		}
		return s.query(r, tok, q, requestID)
	})
	switch {
	case rep.status == StatusClientGone:
		return
	case rep.status == http.StatusOK:
		ans, _ := rep.body.(gwapi.RecordsResponse)
		msg, err := congDanXML(ans.Records)
		if err != nil {
			httpx.Error(w, http.StatusInternalServerError, "internal_error", "cannot encode the answer", "Lỗi hệ thống", "")
			return
		}
		// The XML as it is, not with <, > and & escaped: how a SOAP bridge
		// would write it (unverified; JSON readers take both).
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(map[string]string{"message": msg})
	default:
		httpx.JSON(w, rep.status, rep.body)
	}
}

// query validates an ndxp query, asks the database by ID and keeps the
// records whose name and date (or year) of birth match: a query whose name
// or birth date does not match the ID finds nothing.
func (s *Server) query(r *http.Request, tok token, q ndxpQuery, requestID string) reply {
	if _, ok := s.dbs[ndxpDatabase]; !ok {
		return fail(http.StatusNotFound, "unknown_database", "unknown database population", "Không có cơ sở dữ liệu population", "")
	}
	if !containsString(tok.scopes, ndxpDatabase) {
		return fail(http.StatusForbidden, "forbidden",
			fmt.Sprintf("client %s may not read %s", tok.clientID, ndxpDatabase),
			fmt.Sprintf("Ứng dụng %s không được phép khai thác %s", tok.clientID, ndxpDatabase), "")
	}
	var field, msg, msgVI string
	switch {
	case !gwapi.ValidPersonalID(q.SoDinhDanh):
		field, msg, msgVI = "SoDinhDanh", "SoDinhDanh must be exactly 12 digits", "SoDinhDanh phải gồm đúng 12 chữ số"
	case strings.TrimSpace(q.HoVaTen) == "":
		field, msg, msgVI = "HoVaTen", "HoVaTen must not be empty", "HoVaTen không được để trống"
	case q.NgayThangNamSinh == "" && q.Nam == "":
		field, msg, msgVI = "NgayThangNamSinh", "NgayThangNamSinh or Nam is required", "Cần NgayThangNamSinh hoặc Nam"
	case q.NgayThangNamSinh != "" && !validDate(q.NgayThangNamSinh):
		field, msg, msgVI = "NgayThangNamSinh", "NgayThangNamSinh must be a yyyyMMdd date", "NgayThangNamSinh phải có dạng yyyyMMdd"
	case q.NgayThangNamSinh == "" && !validYear(q.Nam):
		field, msg, msgVI = "Nam", "Nam must be a 4-digit year", "Nam phải gồm 4 chữ số"
	}
	if field != "" {
		if s.defect(defectMalformed500) { // seeded defect: bad input is a crash
			return fail(http.StatusInternalServerError, "internal_error", "internal error", "Lỗi hệ thống", "")
		}
		return fail(http.StatusBadRequest, "invalid_request", msg, msgVI, field)
	}
	rep := s.forward(r, ndxpDatabase, personalIDKey, q.SoDinhDanh, requestID)
	ans, ok := rep.body.(gwapi.RecordsResponse)
	if rep.status != http.StatusOK || !ok || len(ans.Records) == 0 {
		return rep // an error, or the unknown-200-empty defect's empty answer
	}
	var kept []gwapi.Record
	for _, rec := range ans.Records {
		if sameName(rec["HoVaTen"], q.HoVaTen) && sameBirth(rec["NgayThangNamSinh"], q.NgayThangNamSinh, q.Nam) {
			kept = append(kept, rec)
		}
	}
	if len(kept) == 0 {
		return s.notFound(ndxpDatabase, personalIDKey, q.SoDinhDanh, true)
	}
	ans.Records = kept
	return reply{status: http.StatusOK, body: ans}
}

func containsString(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func validDate(s string) bool {
	_, err := time.Parse(ndxpDate, s)
	return err == nil && len(s) == 8
}

func validYear(s string) bool { return len(s) == 4 && strings.Trim(s, "0123456789") == "" }

// sameName ignores case and spacing, not diacritics (unverified).
func sameName(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// sameBirth compares the record's YYYY-MM-DD with the query's yyyyMMdd
// date, or its year when only the year was sent.
func sameBirth(recorded, date, year string) bool {
	d, err := time.Parse(time.DateOnly, recorded)
	if err != nil {
		if d, err = time.Parse(ndxpDate, recorded); err != nil {
			return false
		}
	}
	if date != "" {
		return d.Format(ndxpDate) == date
	}
	return fmt.Sprintf("%04d", d.Year()) == year
}

// The answer's XML, the mock's own shapes. Elements are written even when
// empty, except the relatives a citizen does not have.
type xmlCollection struct {
	XMLName xml.Name     `xml:"CongdanCollection"`
	CongDan []xmlCongDan `xml:"CongDan"`
}

type xmlName struct{ Ho, ChuDem, Ten string }

type xmlAddress struct{ MaTinhThanh, MaQuanHuyen, MaPhuongXa, ChiTiet string }

type xmlRelative struct {
	HoVaTen    xmlName
	SoDinhDanh string `xml:",omitempty"`
}

type xmlCongDan struct {
	SoDinhDanh, SoCMND                                 string
	HoVaTen                                            xmlName
	GioiTinh, NgayThangNamSinh, DanToc, TonGiao        string
	QuocTich, TinhTrangHonNhan                         string
	NoiDangKyKhaiSinh, QueQuan, ThuongTru, NoiOHienTai xmlAddress
	Cha, Me, VoChong                                   *xmlRelative `xml:",omitempty"`
	SoDinhDanhChuHo, QuanHeChuHo                       string
	SoDienThoai, ThuDienTu, NgayCapNhat                string
}

const soapOpen = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>`
const soapClose = `</soap:Body></soap:Envelope>`

// congDanXML writes flat population records as the SOAP message of an ndxp
// answer: the name split into family, middle and given name; addresses as
// {MaTinhThanh, MaQuanHuyen, MaPhuongXa, ChiTiet} with the words in ChiTiet
// (the mock has no ward or district codes; districts are gone since 1 July
// 2025) and the province code of the permanent residence; father, mother
// and spouse as objects.
func congDanXML(recs []gwapi.Record) (string, error) {
	c := xmlCollection{CongDan: make([]xmlCongDan, 0, len(recs))}
	for _, r := range recs {
		c.CongDan = append(c.CongDan, xmlCongDan{
			SoDinhDanh: r["SoDinhDanh"], SoCMND: r["SoCMND"], HoVaTen: splitName(r["HoVaTen"]),
			GioiTinh: r["GioiTinh"], NgayThangNamSinh: compactDate(r["NgayThangNamSinh"]), DanToc: r["DanToc"], TonGiao: r["TonGiao"],
			QuocTich: r["QuocTich"], TinhTrangHonNhan: r["TinhTrangHonNhan"],
			NoiDangKyKhaiSinh: xmlAddress{ChiTiet: r["NoiDangKyKhaiSinh"]}, QueQuan: xmlAddress{ChiTiet: r["QueQuan"]},
			ThuongTru:   xmlAddress{MaTinhThanh: r["MaTinhThuongTru"], ChiTiet: r["ThuongTru"]},
			NoiOHienTai: xmlAddress{ChiTiet: r["NoiOHienTai"]},
			Cha:         relativeOf(r["HoTenCha"], ""), Me: relativeOf(r["HoTenMe"], ""), VoChong: relativeOf(r["HoTenVoChong"], r["SoDinhDanhVoChong"]),
			SoDinhDanhChuHo: r["SoDinhDanhChuHo"], QuanHeChuHo: r["QuanHeChuHo"],
			SoDienThoai: r["SoDienThoai"], ThuDienTu: r["ThuDienTu"], NgayCapNhat: compactDate(r["NgayCapNhat"]),
		})
	}
	b, err := xml.Marshal(c)
	if err != nil {
		return "", err
	}
	return xml.Header + soapOpen + string(b) + soapClose, nil
}

// splitName: the first word is the family name (họ), the last the given
// name (tên), the words between the middle name (chữ đệm).
func splitName(full string) xmlName {
	w := strings.Fields(full)
	switch len(w) {
	case 0:
		return xmlName{}
	case 1:
		return xmlName{Ho: w[0]}
	}
	return xmlName{Ho: w[0], ChuDem: strings.Join(w[1:len(w)-1], " "), Ten: w[len(w)-1]}
}

func relativeOf(name, id string) *xmlRelative {
	if strings.TrimSpace(name) == "" && id == "" {
		return nil
	}
	return &xmlRelative{HoVaTen: splitName(name), SoDinhDanh: id}
}

// compactDate writes YYYY-MM-DD as yyyyMMdd; anything else as it is.
func compactDate(s string) string {
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Format(ndxpDate)
	}
	return s
}
