package portal

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The portal's side of the gateway's ndxp dialect: the population database
// is queried by personal ID together with the applicant's name and date of
// birth (POST /api/v1/population/query), and answers SOAP XML inside the
// JSON "message" (../shared/protocols-public.md, NDXP; unverified beyond
// the fields listed there). The portal knows the name and date of birth of
// a citizen from the verified ID token (the SSO's HoVaTen and
// NgayThangNamSinh claims), kept in the request context and remembered for
// later lookups of the same person.

const gatewayDialectNDXP = "ndxp" // vocab.DialectGatewayNDXP

// WithDialect is g speaking the gateway dialect d.
func (g GatewayData) WithDialect(d string) GatewayData {
	g.Dialect = d
	return g
}

// applicantKey carries the logged-in applicant in a request context.
type applicantKey struct{}

// withApplicant tells the portal's national-data client who is asking, so
// that an ndxp query can name the applicant.
func withApplicant(ctx context.Context, c citizen) context.Context {
	return context.WithValue(ctx, applicantKey{}, c)
}

// identities remembers the name and date of birth of citizens the portal
// has served, bounded (oldest forgotten first).
type identities struct {
	mu    sync.Mutex
	byID  map[string]citizen
	order []string
}

const maxIdentities = 20000

func (ids *identities) remember(c citizen) {
	if c.ID == "" || c.Name == "" || c.DOB == "" {
		return
	}
	ids.mu.Lock()
	defer ids.mu.Unlock()
	if _, ok := ids.byID[c.ID]; !ok {
		ids.order = append(ids.order, c.ID)
		if len(ids.order) > maxIdentities {
			delete(ids.byID, ids.order[0])
			ids.order = ids.order[1:]
		}
	}
	ids.byID[c.ID] = c
}

func (ids *identities) get(id string) (citizen, bool) {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	c, ok := ids.byID[id]
	return c, ok
}

// identityOf is the name and date of birth to send with personal ID id.
func (g GatewayData) identityOf(ctx context.Context, id string) (citizen, error) {
	c, ok := ctx.Value(applicantKey{}).(citizen)
	if ok && g.known != nil {
		g.known.remember(c)
	}
	if ok && c.ID == id && c.Name != "" && c.DOB != "" {
		return c, nil
	}
	if g.known != nil {
		if c, ok := g.known.get(id); ok {
			return c, nil
		}
	}
	if ok && c.Name != "" && c.DOB != "" {
		// Another person's ID (only under the seeded defect
		// prefill-wrong-citizen), whom the portal has never served: the
		// query goes with the applicant's name and date of birth, as a
		// portal mixing up IDs would send it, and finds nothing.
		return c, nil
	}
	return citizen{}, errors.New("the portal does not know the name and date of birth of the person asked for " + maskID(id) +
		" (the ndxp query needs them; the ID token carried none)")
}

// ndxpLookup is one population query in the ndxp dialect.
func (g GatewayData) ndxpLookup(ctx context.Context, tok, db, id, purpose string) ([]map[string]string, int, error) {
	who, err := g.identityOf(ctx, id)
	if err != nil {
		return nil, 0, fmt.Errorf("gateway %s lookup: %w", db, err)
	}
	birth, err := time.Parse(time.DateOnly, who.DOB)
	if err != nil {
		return nil, 0, fmt.Errorf("gateway %s lookup: the date of birth in the ID token is not YYYY-MM-DD", db)
	}
	requestID := rand.Text()
	body, err := json.Marshal(map[string]string{
		"MaYeuCau": requestID, "MaDVC": strings.TrimPrefix(purpose, "prefill "), "MaTichHop": "dvcqa-portal",
		"MaDonVi": g.ClientID, "MaCanBo": "he-thong", // the system itself, no officer
		"SoDinhDanh": id, "HoVaTen": who.Name, "NgayThangNamSinh": birth.Format("20060102"),
	})
	if err != nil {
		return nil, 0, fmt.Errorf("gateway %s lookup: %w", db, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.BaseURL+"/api/v1/"+db+"/query", bytes.NewReader(body))
	if err != nil {
		return nil, 0, fmt.Errorf("gateway %s lookup: %w", db, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("X-Purpose", purpose)
	req.Header.Set("X-Request-ID", requestID)
	status, raw, err := exchange(g.HTTP, req)
	if err != nil {
		return nil, 0, fmt.Errorf("gateway %s lookup: %w", db, err)
	}
	if status != http.StatusOK {
		return nil, status, gatewayAnswer(status, raw, db+" lookup (ndxp)")
	}
	var ans struct {
		Message *string `json:"message"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil || ans.Message == nil {
		return nil, status, fmt.Errorf("gateway %s lookup: answer is not the ndxp JSON with a message", db)
	}
	recs, err := portalRecordsOf(*ans.Message)
	if err != nil {
		return nil, status, fmt.Errorf("gateway %s lookup: %w", db, err)
	}
	return recs, status, nil
}

// The SOAP answer as the portal reads it (its own shapes).
type portalName struct{ Ho, ChuDem, Ten string }

func (n portalName) String() string {
	return strings.Join(strings.Fields(n.Ho+" "+n.ChuDem+" "+n.Ten), " ")
}

type portalAddress struct{ MaTinhThanh, ChiTiet string }

type portalRelative struct {
	HoVaTen    portalName
	SoDinhDanh string
}

type portalCongDan struct {
	SoDinhDanh, SoCMND                                 string
	HoVaTen                                            portalName
	GioiTinh, NgayThangNamSinh, DanToc, TonGiao        string
	QuocTich, TinhTrangHonNhan                         string
	NoiDangKyKhaiSinh, QueQuan, ThuongTru, NoiOHienTai portalAddress
	Cha, Me, VoChong                                   portalRelative
	SoDinhDanhChuHo, QuanHeChuHo                       string
	SoDienThoai, ThuDienTu, NgayCapNhat                string
}

// portalRecordsOf reads CongDan elements into the flat records the REST
// lookup answers (what the form prefills from).
func portalRecordsOf(message string) ([]map[string]string, error) {
	var env struct {
		Body struct {
			Collection *struct {
				CongDan []portalCongDan `xml:"CongDan"`
			} `xml:"CongdanCollection"`
		} `xml:"Body"`
	}
	if err := xml.Unmarshal([]byte(message), &env); err != nil || env.Body.Collection == nil {
		return nil, errors.New("the answer's message is not SOAP XML with a CongdanCollection")
	}
	out := make([]map[string]string, 0, len(env.Body.Collection.CongDan))
	for _, c := range env.Body.Collection.CongDan {
		out = append(out, map[string]string{
			"SoDinhDanh": c.SoDinhDanh, "SoCMND": c.SoCMND, "HoVaTen": c.HoVaTen.String(), "GioiTinh": c.GioiTinh,
			"NgayThangNamSinh": dashedDate(c.NgayThangNamSinh), "DanToc": c.DanToc, "TonGiao": c.TonGiao, "QuocTich": c.QuocTich,
			"TinhTrangHonNhan": c.TinhTrangHonNhan, "NoiDangKyKhaiSinh": c.NoiDangKyKhaiSinh.ChiTiet, "QueQuan": c.QueQuan.ChiTiet,
			"ThuongTru": c.ThuongTru.ChiTiet, "NoiOHienTai": c.NoiOHienTai.ChiTiet, "MaTinhThuongTru": c.ThuongTru.MaTinhThanh,
			"HoTenCha": c.Cha.HoVaTen.String(), "HoTenMe": c.Me.HoVaTen.String(),
			"HoTenVoChong": c.VoChong.HoVaTen.String(), "SoDinhDanhVoChong": c.VoChong.SoDinhDanh,
			"SoDinhDanhChuHo": c.SoDinhDanhChuHo, "QuanHeChuHo": c.QuanHeChuHo,
			"SoDienThoai": c.SoDienThoai, "ThuDienTu": c.ThuDienTu, "NgayCapNhat": dashedDate(c.NgayCapNhat),
		})
	}
	return out, nil
}

// dashedDate turns yyyyMMdd into YYYY-MM-DD; anything else stays.
func dashedDate(s string) string {
	if d, err := time.Parse("20060102", s); err == nil {
		return d.Format(time.DateOnly)
	}
	return s
}

// maskID keeps the first three and last two digits of a personal ID.
func maskID(id string) string {
	if len(id) <= 5 {
		return strings.Repeat("*", len(id))
	}
	return id[:3] + strings.Repeat("*", len(id)-5) + id[len(id)-2:]
}
