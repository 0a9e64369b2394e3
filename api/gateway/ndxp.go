package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

// The ndxp dialect: the population database's query as published for the
// national data-exchange platform (NDXP, nền tảng chia sẻ dữ liệu quốc gia;
// ../shared/protocols-public.md). A query is a POST of JSON naming the
// personal ID together with the name and the date (or year) of birth; the
// answer is JSON whose "message" holds SOAP XML
// (Envelope/Body/CongdanCollection/CongDan). Only the population
// database's shape is published: other databases, and population lookups
// by another key than SoDinhDanh, keep the REST shape behind the same
// gateway. Unverified against a real NDXP: the endpoint path
// (/api/v1/{db}/query), the date layout (yyyyMMdd), the error answers (the
// REST {"error":{...}} body with its HTTP status), the JSON fields beside
// "message", and whether ChiTiet holds the whole address.

// NDXPQuery is the JSON body of an ndxp population query.
type NDXPQuery struct {
	MaYeuCau         string `json:"MaYeuCau"`  // request code: the X-Request-ID
	MaDVC            string `json:"MaDVC"`     // public-service code
	MaTichHop        string `json:"MaTichHop"` // integration code
	MaDonVi          string `json:"MaDonVi"`   // asking agency
	MaCanBo          string `json:"MaCanBo"`   // asking officer
	SoDinhDanh       string `json:"SoDinhDanh"`
	HoVaTen          string `json:"HoVaTen"`
	NgayThangNamSinh string `json:"NgayThangNamSinh,omitempty"` // yyyyMMdd (unverified)
	Nam              string `json:"Nam,omitempty"`              // year of birth, when the date is not known
}

// NDXPAnswer is the JSON answer of an ndxp query.
type NDXPAnswer struct {
	Message *string `json:"message"` // SOAP XML; nil when absent
}

// NDXPCodes are the caller codes an ndxp query carries; "" takes the
// default (MaDonVi: the client id; the others: "dvcqa").
type NDXPCodes struct {
	MaDVC, MaTichHop, MaDonVi, MaCanBo string
}

// Identity is what the ndxp query sends beside the personal ID.
type Identity struct {
	FullName    string // HoVaTen
	DateOfBirth string // YYYY-MM-DD; "" when only the year is known
	BirthYear   string // YYYY, used when DateOfBirth is ""
}

// ndxpDateLayout is the date layout of the query and the answer (unverified).
const ndxpDateLayout = "20060102"

// DialectError is a gateway that does not speak the dialect the profile
// names: one error naming the system and the dialect, instead of the many
// unrelated failures of answers read the wrong way.
type DialectError struct {
	Op      string // e.g. "population lookup"
	Dialect string // what the profile says
	Detail  string // what the gateway did instead
	// Not wrapping the gateway's *Error on purpose: a judge looking for
	// the gateway's refusal (404, 400...) must see the mismatch instead.
}

func (e *DialectError) Error() string {
	return fmt.Sprintf("gateway %s: the gateway does not speak dialect %q (target profile gateway.dialect): %s; dialects: %s",
		e.Op, e.Dialect, e.Detail, strings.Join(vocab.Dialects[vocab.SystemGateway], ", "))
}

func (c *Client) dialect() string { return vocab.DialectOr(vocab.SystemGateway, c.Dialect) }

// usesNDXP: the lookup takes the ndxp query shape.
func (c *Client) usesNDXP(db, key string) bool {
	return c.dialect() == vocab.DialectGatewayNDXP && db == "population" && key == PersonalIDKey
}

// ndxpLookup sends the ndxp query for personal ID value and converts the
// CongDan elements into the flat records the REST dialect returns.
func (c *Client) ndxpLookup(ctx context.Context, token, db, value, purpose string) ([]Record, error) {
	op := db + " lookup"
	if c.Identity == nil {
		return nil, fmt.Errorf("gateway %s: dialect ndxp needs the citizen's name and date of birth, and the client has no Identity source", op)
	}
	who, err := c.Identity(value)
	if err != nil {
		return nil, fmt.Errorf("gateway %s (dialect ndxp): %w", op, err)
	}
	id, _ := ctx.Value(requestIDKey{}).(string)
	if id == "" {
		id = newRequestID()
		ctx = WithRequestID(ctx, id)
	}
	q := NDXPQuery{MaYeuCau: id, MaDVC: or(c.NDXP.MaDVC, "dvcqa"), MaTichHop: or(c.NDXP.MaTichHop, "dvcqa"),
		MaDonVi: or(c.NDXP.MaDonVi, c.ClientID), MaCanBo: or(c.NDXP.MaCanBo, "dvcqa"), SoDinhDanh: value, HoVaTen: who.FullName}
	if who.DateOfBirth != "" {
		d, err := time.Parse(time.DateOnly, who.DateOfBirth)
		if err != nil {
			return nil, fmt.Errorf("gateway %s (dialect ndxp): the citizen's date of birth is not YYYY-MM-DD", op)
		}
		q.NgayThangNamSinh = d.Format(ndxpDateLayout)
	} else {
		q.Nam = who.BirthYear
	}
	body, err := json.Marshal(q)
	if err != nil {
		return nil, fmt.Errorf("gateway %s: %w", op, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url("/api/v1/"+url.PathEscape(db)+"/query"), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("gateway %s: cannot build request for %s", op, c.BaseURL)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if purpose != "" {
		req.Header.Set(HeaderPurpose, purpose)
	}
	var ans struct {
		NDXPAnswer
		Records json.RawMessage `json:"records"`
	}
	if err := c.send(req, op, &ans); err != nil {
		if e, ok := errors.AsType[*Error](err); ok && wrongEndpoint(e) {
			return nil, &DialectError{Op: op, Dialect: vocab.DialectGatewayNDXP,
				Detail: fmt.Sprintf("POST %s answered %d %s (no ndxp query endpoint; rest?)", "/api/v1/"+db+"/query", e.Status, e.Code)}
		}
		return nil, err
	}
	if ans.Message == nil {
		detail := "the answer has no \"message\""
		if ans.Records != nil {
			detail = "the answer holds \"records\" (the rest dialect)"
		}
		return nil, &DialectError{Op: op, Dialect: vocab.DialectGatewayNDXP, Detail: detail}
	}
	recs, err := decodeCongDan(*ans.Message)
	if err != nil {
		return nil, &DialectError{Op: op, Dialect: vocab.DialectGatewayNDXP, Detail: err.Error()}
	}
	return recs, nil
}

// wrongEndpoint: the gateway has no such endpoint or method, the sign of a
// gateway speaking another dialect.
func wrongEndpoint(e *Error) bool {
	return e.Status == http.StatusMethodNotAllowed || (e.Status == http.StatusNotFound && e.Code == "no_such_endpoint")
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// The SOAP answer, read by local names (namespaces are not checked:
// unverified which the real one uses).
type soapEnvelope struct {
	XMLName xml.Name `xml:"Envelope"`
	Body    struct {
		Fault *struct {
			Faultstring string `xml:"faultstring"`
		} `xml:"Fault"`
		Collection *struct {
			CongDan []congDan `xml:"CongDan"`
		} `xml:"CongdanCollection"`
	} `xml:"Body"`
}

type personName struct {
	Ho     string `xml:"Ho"`
	ChuDem string `xml:"ChuDem"` // middle name
	Ten    string `xml:"Ten"`    // given name
}

// full joins the parts as the flat records write a name: family, middle,
// given name, single spaces.
func (n *personName) full() string {
	if n == nil {
		return ""
	}
	return strings.Join(strings.Fields(n.Ho+" "+n.ChuDem+" "+n.Ten), " ")
}

type address struct {
	MaTinhThanh string `xml:"MaTinhThanh"` // province code
	MaQuanHuyen string `xml:"MaQuanHuyen"` // district code (none since 1 July 2025)
	MaPhuongXa  string `xml:"MaPhuongXa"`  // ward or commune code
	ChiTiet     string `xml:"ChiTiet"`     // the address in words
}

func (a *address) text() string {
	if a == nil {
		return ""
	}
	return strings.TrimSpace(a.ChiTiet)
}

func (a *address) province() string {
	if a == nil {
		return ""
	}
	return strings.TrimSpace(a.MaTinhThanh)
}

type relative struct {
	HoVaTen    *personName `xml:"HoVaTen"`
	SoDinhDanh string      `xml:"SoDinhDanh"`
}

func (r *relative) name() string {
	if r == nil {
		return ""
	}
	return r.HoVaTen.full()
}

func (r *relative) id() string {
	if r == nil {
		return ""
	}
	return strings.TrimSpace(r.SoDinhDanh)
}

type congDan struct {
	SoDinhDanh        string      `xml:"SoDinhDanh"`
	SoCMND            string      `xml:"SoCMND"`
	HoVaTen           *personName `xml:"HoVaTen"`
	GioiTinh          string      `xml:"GioiTinh"`
	NgayThangNamSinh  string      `xml:"NgayThangNamSinh"`
	DanToc            string      `xml:"DanToc"`
	TonGiao           string      `xml:"TonGiao"`
	QuocTich          string      `xml:"QuocTich"`
	TinhTrangHonNhan  string      `xml:"TinhTrangHonNhan"`
	NoiDangKyKhaiSinh *address    `xml:"NoiDangKyKhaiSinh"`
	QueQuan           *address    `xml:"QueQuan"`
	ThuongTru         *address    `xml:"ThuongTru"`
	NoiOHienTai       *address    `xml:"NoiOHienTai"`
	Cha               *relative   `xml:"Cha"`
	Me                *relative   `xml:"Me"`
	VoChong           *relative   `xml:"VoChong"`
	SoDinhDanhChuHo   string      `xml:"SoDinhDanhChuHo"`
	QuanHeChuHo       string      `xml:"QuanHeChuHo"`
	SoDienThoai       string      `xml:"SoDienThoai"`
	ThuDienTu         string      `xml:"ThuDienTu"`
	NgayCapNhat       string      `xml:"NgayCapNhat"`
}

// decodeCongDan reads the SOAP XML of an ndxp answer into flat population
// records (the field names of databases.yaml). Dates become YYYY-MM-DD.
// Errors never quote the XML: it holds personal data.
func decodeCongDan(message string) ([]Record, error) {
	var env soapEnvelope
	if err := xml.Unmarshal([]byte(message), &env); err != nil {
		return nil, fmt.Errorf("the answer's message is not SOAP XML (%d bytes): %s", len(message), xmlErrorKind(err))
	}
	if f := env.Body.Fault; f != nil {
		return nil, fmt.Errorf("the answer is a SOAP fault")
	}
	if env.Body.Collection == nil {
		return nil, errors.New("the answer's SOAP body has no CongdanCollection")
	}
	recs := make([]Record, 0, len(env.Body.Collection.CongDan))
	for i, cd := range env.Body.Collection.CongDan {
		birth, err := isoDate(cd.NgayThangNamSinh)
		if err != nil {
			return nil, fmt.Errorf("CongDan %d: NgayThangNamSinh %w", i+1, err)
		}
		updated, err := isoDate(cd.NgayCapNhat)
		if err != nil {
			return nil, fmt.Errorf("CongDan %d: NgayCapNhat %w", i+1, err)
		}
		recs = append(recs, Record{
			"SoDinhDanh":        strings.TrimSpace(cd.SoDinhDanh),
			"SoCMND":            strings.TrimSpace(cd.SoCMND),
			"HoVaTen":           cd.HoVaTen.full(),
			"GioiTinh":          strings.TrimSpace(cd.GioiTinh),
			"NgayThangNamSinh":  birth,
			"DanToc":            strings.TrimSpace(cd.DanToc),
			"TonGiao":           strings.TrimSpace(cd.TonGiao),
			"QuocTich":          strings.TrimSpace(cd.QuocTich),
			"TinhTrangHonNhan":  strings.TrimSpace(cd.TinhTrangHonNhan),
			"NoiDangKyKhaiSinh": cd.NoiDangKyKhaiSinh.text(),
			"QueQuan":           cd.QueQuan.text(),
			"ThuongTru":         cd.ThuongTru.text(),
			"NoiOHienTai":       cd.NoiOHienTai.text(),
			"MaTinhThuongTru":   cd.ThuongTru.province(),
			"HoTenCha":          cd.Cha.name(),
			"HoTenMe":           cd.Me.name(),
			"HoTenVoChong":      cd.VoChong.name(),
			"SoDinhDanhVoChong": cd.VoChong.id(),
			"SoDinhDanhChuHo":   strings.TrimSpace(cd.SoDinhDanhChuHo),
			"QuanHeChuHo":       strings.TrimSpace(cd.QuanHeChuHo),
			"SoDienThoai":       strings.TrimSpace(cd.SoDienThoai),
			"ThuDienTu":         strings.TrimSpace(cd.ThuDienTu),
			"NgayCapNhat":       updated,
		})
	}
	return recs, nil
}

// isoDate turns the answer's yyyyMMdd into YYYY-MM-DD ("" stays "").
func isoDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	d, err := time.Parse(ndxpDateLayout, s)
	if err != nil {
		return "", errors.New("is not a yyyyMMdd date")
	}
	return d.Format(time.DateOnly), nil
}

// xmlErrorKind names an XML error without its text, which may quote data.
func xmlErrorKind(err error) string {
	if se, ok := errors.AsType[*xml.SyntaxError](err); ok {
		return fmt.Sprintf("syntax error on line %d", se.Line)
	}
	if _, ok := errors.AsType[xml.UnmarshalError](err); ok {
		return "unexpected element"
	}
	return "unreadable"
}
