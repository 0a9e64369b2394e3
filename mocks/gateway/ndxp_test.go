package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	apigw "github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/fixtures"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
	"github.com/dvcqa/dvcqa/mocks/nationaldb"
	"github.com/dvcqa/dvcqa/vocab"
)

// The population database as databases.yaml lists it, and the golden
// citizen of testdata/ndxp_record.json (a flat record, as the database
// server holds it) beside a second, unmarried one with a one-word name.
var ndxpPopulation = fixtures.Database{ID: "population", Keys: []string{"SoDinhDanh", "SoCMND"}, Fields: []string{
	"SoDinhDanh", "SoCMND", "HoVaTen", "GioiTinh", "NgayThangNamSinh", "DanToc", "TonGiao", "QuocTich",
	"TinhTrangHonNhan", "NoiDangKyKhaiSinh", "QueQuan", "ThuongTru", "NoiOHienTai", "MaTinhThuongTru",
	"HoTenCha", "HoTenMe", "HoTenVoChong", "SoDinhDanhVoChong", "SoDinhDanhChuHo", "QuanHeChuHo",
	"SoDienThoai", "ThuDienTu", "NgayCapNhat"}}

var ndxpTax = fixtures.Database{ID: "tax", Keys: []string{"SoDinhDanh"}, Fields: []string{"SoDinhDanh", "HoVaTen", "MaSoThue"}}

const (
	goldenID = "001085012345"
	singleID = "001200000077"
)

func goldenRecord(t *testing.T) map[string]string {
	t.Helper()
	var rec map[string]string
	readJSON(t, "testdata/ndxp_record.json", &rec)
	return rec
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func singleRecord(t *testing.T) map[string]string {
	rec := maps.Clone(goldenRecord(t))
	for k := range rec {
		rec[k] = ""
	}
	maps.Copy(rec, map[string]string{"SoDinhDanh": singleID, "HoVaTen": "Mai", "GioiTinh": "Nữ", "NgayThangNamSinh": "2000-02-29",
		"QuocTich": "Việt Nam", "ThuongTru": "Số 9, đường Láng, Phường Láng, Hà Nội", "MaTinhThuongTru": "01", "NgayCapNhat": "2025-01-02"})
	return rec
}

// ndxpWorld is a gateway speaking dialect with population and tax behind it.
func ndxpWorld(t *testing.T, dialect string, defects Defects) (*Server, string) {
	t.Helper()
	urls := map[string]string{}
	for _, d := range []struct {
		db   fixtures.Database
		recs []map[string]string
	}{
		{ndxpPopulation, []map[string]string{goldenRecord(t), singleRecord(t)}},
		{ndxpTax, []map[string]string{{"SoDinhDanh": goldenID, "HoVaTen": "Trần Anh Đạt", "MaSoThue": "8012345678"}}},
	} {
		s, err := nationaldb.New(nationaldb.Options{DB: d.db, Records: d.recs, InternalKey: internalKey, Defects: defects})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		urls[d.db.ID] = srv.URL
	}
	gw, err := New(Options{Databases: []fixtures.Database{ndxpPopulation, ndxpTax}, DatabaseURLs: urls, InternalKey: internalKey,
		Clients: []Client{{ID: "province-01", Secret: secret01, Scopes: []string{"population", "tax"}}}, Dialect: dialect, Defects: defects})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	return gw, srv.URL
}

func postQuery(t *testing.T, base, token, body string) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/population/query", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set(gwapi.HeaderPurpose, "prefill DV01")
	return do(t, req)
}

func tokenFor(t *testing.T, base string) string {
	t.Helper()
	w := &world{url: base}
	return w.token(t, "province-01", secret01)
}

var betweenTags = regexp.MustCompile(`>\s+<`)

// TestNDXPGoldenQueryAnswersGoldenMessage: the golden query (the published
// fields) is answered with the golden SOAP message, element for element.
func TestNDXPGoldenQueryAnswersGoldenMessage(t *testing.T) {
	gw, base := ndxpWorld(t, vocab.DialectGatewayNDXP, nil)
	q, err := os.ReadFile("testdata/ndxp_query.json")
	if err != nil {
		t.Fatal(err)
	}
	a := postQuery(t, base, tokenFor(t, base), string(q))
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	var got, want map[string]string
	a.decode(t, &got)
	readJSON(t, "testdata/ndxp_answer.json", &want)
	if len(got) != 1 {
		t.Errorf("answer keys: %v, want message only", slicesOfKeys(got))
	}
	norm := func(s string) string { return betweenTags.ReplaceAllString(strings.TrimSpace(s), "><") }
	if norm(got["message"]) != norm(want["message"]) {
		t.Errorf("message\n got %s\nwant %s", got["message"], want["message"])
	}
	// The audit entry: key SoDinhDanh, MaYeuCau as the request id.
	audit := gw.Audit()
	if len(audit) != 1 || audit[0].Key != "SoDinhDanh" || audit[0].Value != goldenID || audit[0].RequestID != "dvcqa-golden-0001" ||
		audit[0].Purpose != "prefill DV01" || audit[0].Status != 200 || audit[0].ClientID != "province-01" || audit[0].Database != "population" {
		t.Errorf("audit: %+v", audit)
	}
}

func slicesOfKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestNDXPIdentityMustMatch: the ID with another name or date of birth
// finds nothing; the year alone is enough; case and spacing do not matter.
func TestNDXPIdentityMustMatch(t *testing.T) {
	_, base := ndxpWorld(t, vocab.DialectGatewayNDXP, nil)
	tok := tokenFor(t, base)
	for _, c := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"match", `{"SoDinhDanh":"001085012345","HoVaTen":"Trần Anh Đạt","NgayThangNamSinh":"19850314"}`, 200, ""},
		{"case and spacing", `{"SoDinhDanh":"001085012345","HoVaTen":"  trần  anh ĐẠT ","NgayThangNamSinh":"19850314"}`, 200, ""},
		{"year only", `{"SoDinhDanh":"001085012345","HoVaTen":"Trần Anh Đạt","Nam":"1985"}`, 200, ""},
		{"other name", `{"SoDinhDanh":"001085012345","HoVaTen":"Trần Anh Dũng","NgayThangNamSinh":"19850314"}`, 404, "not_found"},
		{"no diacritics", `{"SoDinhDanh":"001085012345","HoVaTen":"Tran Anh Dat","NgayThangNamSinh":"19850314"}`, 404, "not_found"},
		{"other date", `{"SoDinhDanh":"001085012345","HoVaTen":"Trần Anh Đạt","NgayThangNamSinh":"19850315"}`, 404, "not_found"},
		{"other year", `{"SoDinhDanh":"001085012345","HoVaTen":"Trần Anh Đạt","Nam":"1986"}`, 404, "not_found"},
		{"unknown ID", `{"SoDinhDanh":"001099999945","HoVaTen":"Trần Anh Đạt","Nam":"1985"}`, 404, "not_found"},
		{"ID alone", `{"SoDinhDanh":"001085012345"}`, 400, "invalid_request"},
		{"no birth", `{"SoDinhDanh":"001085012345","HoVaTen":"Trần Anh Đạt"}`, 400, "invalid_request"},
		{"bad date", `{"SoDinhDanh":"001085012345","HoVaTen":"Trần Anh Đạt","NgayThangNamSinh":"1985-03-14"}`, 400, "invalid_request"},
		{"malformed ID", `{"SoDinhDanh":"12AB5","HoVaTen":"Trần Anh Đạt","Nam":"1985"}`, 400, "invalid_request"},
		{"not JSON", `SoDinhDanh=001085012345`, 400, "invalid_request"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := postQuery(t, base, tok, c.body)
			if c.status == 200 {
				if a.status != 200 || !strings.Contains(a.body, "<SoDinhDanh>001085012345</SoDinhDanh>") {
					t.Fatalf("got %d %s", a.status, a.body)
				}
				return
			}
			e := a.wantError(t, c.status, c.code)
			if strings.Contains(a.body, goldenID) {
				t.Errorf("the error quotes the personal ID: %s", a.body)
			}
			if c.name == "malformed ID" && e.Field != "SoDinhDanh" {
				t.Errorf("field %q, want SoDinhDanh", e.Field)
			}
		})
	}
}

// TestNDXPRoutes: only population is queried the ndxp way, by SoDinhDanh;
// other databases and other keys keep the REST lookup. A rest gateway has
// no query endpoint.
func TestNDXPRoutes(t *testing.T) {
	_, base := ndxpWorld(t, vocab.DialectGatewayNDXP, nil)
	w := &world{url: base}
	tok := w.token(t, "province-01", secret01)
	w.lookup(t, tok, "population", "SoDinhDanh="+goldenID, nil).wantError(t, 404, "no_such_endpoint")
	if a := w.lookup(t, tok, "population", "SoCMND=012345678", nil); a.status != 200 {
		t.Errorf("population by SoCMND: %d %s", a.status, a.body)
	}
	if a := w.lookup(t, tok, "tax", "SoDinhDanh="+goldenID, nil); a.status != 200 || !strings.Contains(a.body, `"records"`) {
		t.Errorf("tax by REST: %d %s", a.status, a.body)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/tax/query", strings.NewReader(`{}`))
	do(t, req).wantError(t, 404, "no_such_endpoint")

	_, restBase := ndxpWorld(t, "", nil)
	rtok := tokenFor(t, restBase)
	postQuery(t, restBase, rtok, `{"SoDinhDanh":"001085012345","HoVaTen":"Trần Anh Đạt","Nam":"1985"}`).wantError(t, 404, "no_such_endpoint")
	if a := (&world{url: restBase}).lookup(t, rtok, "population", "SoDinhDanh="+goldenID, nil); a.status != 200 {
		t.Errorf("rest population: %d %s", a.status, a.body)
	}
	if _, err := New(Options{Databases: []fixtures.Database{ndxpTax}, DatabaseURLs: map[string]string{"tax": "http://127.0.0.1:1"},
		InternalKey: "k", Dialect: "soap"}); err == nil || !strings.Contains(err.Error(), "soap") {
		t.Errorf("unknown dialect: %v", err)
	}
}

type defectSet map[string]bool

func (d defectSet) Active(name, _, _ string) (string, bool) { return "", d[name] }

// TestNDXPDefects: the gateway's and the database's seeded defects still
// show in the ndxp dialect.
func TestNDXPDefects(t *testing.T) {
	good := `{"SoDinhDanh":"001085012345","HoVaTen":"Trần Anh Đạt","NgayThangNamSinh":"19850314"}`
	t.Run("unknown-200-empty", func(t *testing.T) {
		_, base := ndxpWorld(t, vocab.DialectGatewayNDXP, defectSet{defectUnknown200Empty: true})
		a := postQuery(t, base, tokenFor(t, base), `{"SoDinhDanh":"001099999945","HoVaTen":"Trần Anh Đạt","Nam":"1985"}`)
		if a.status != 200 || !strings.Contains(a.body, "<CongdanCollection></CongdanCollection>") {
			t.Errorf("got %d %s", a.status, a.body)
		}
	})
	t.Run("malformed-500", func(t *testing.T) {
		_, base := ndxpWorld(t, vocab.DialectGatewayNDXP, defectSet{defectMalformed500: true})
		postQuery(t, base, tokenFor(t, base), `{"SoDinhDanh":"12AB5","HoVaTen":"Trần Anh Đạt","Nam":"1985"}`).wantError(t, 500, "internal_error")
	})
	t.Run("auth-bypass", func(t *testing.T) {
		_, base := ndxpWorld(t, vocab.DialectGatewayNDXP, defectSet{defectAuthBypass: true})
		if a := postQuery(t, base, "", good); a.status != 200 {
			t.Errorf("got %d %s", a.status, a.body)
		}
	})
	t.Run("audit-missing", func(t *testing.T) {
		gw, base := ndxpWorld(t, vocab.DialectGatewayNDXP, defectSet{defectAuditMissing: true})
		postQuery(t, base, tokenFor(t, base), good)
		if n := len(gw.Audit()); n != 0 {
			t.Errorf("%d audit entries", n)
		}
	})
	t.Run("population-identity-drift", func(t *testing.T) {
		// The database holds another date of birth: the true one finds nothing.
		_, base := ndxpWorld(t, vocab.DialectGatewayNDXP, defectSet{"population-identity-drift": true})
		postQuery(t, base, tokenFor(t, base), good).wantError(t, 404, "not_found")
	})
	t.Run("population-db-down", func(t *testing.T) {
		_, base := ndxpWorld(t, vocab.DialectGatewayNDXP, defectSet{"population-db-down": true})
		if a := postQuery(t, base, tokenFor(t, base), good); a.status != http.StatusBadGateway {
			t.Errorf("got %d %s", a.status, a.body)
		}
	})
}

// TestDriverRoundTripPerDialect: the harness's driver against this mock, in
// each dialect, reads the same flat record (the database's own) for every
// citizen, and the same refusals.
func TestDriverRoundTripPerDialect(t *testing.T) {
	identities := map[string]apigw.Identity{
		goldenID: {FullName: "Trần Anh Đạt", DateOfBirth: "1985-03-14"},
		singleID: {FullName: "Mai", BirthYear: "2000"},
	}
	for _, dialect := range vocab.Dialects[vocab.SystemGateway] {
		t.Run(dialect, func(t *testing.T) {
			gw, base := ndxpWorld(t, dialect, nil)
			c := &apigw.Client{BaseURL: base, ClientID: "province-01", ClientSecret: secret01, Dialect: dialect,
				Identity: func(id string) (apigw.Identity, error) {
					if who, ok := identities[id]; ok {
						return who, nil
					}
					return apigw.Identity{FullName: "Nguyễn Văn Thử", BirthYear: "1990"}, nil
				}}
			ctx := context.Background()
			for _, want := range []map[string]string{goldenRecord(t), singleRecord(t)} {
				recs, err := c.Lookup(apigw.WithRequestID(ctx, "rt-"+want["SoDinhDanh"]), "population", "SoDinhDanh", want["SoDinhDanh"], "prefill DV01")
				if err != nil || len(recs) != 1 {
					t.Fatalf("lookup %s: %v %v", want["SoDinhDanh"], recs, err)
				}
				if !maps.Equal(map[string]string(recs[0]), want) {
					t.Errorf("record of %s\n got %v\nwant %v", want["SoDinhDanh"], recs[0], want)
				}
			}
			if recs, err := c.Lookup(ctx, "population", "SoCMND", "012345678", ""); err != nil || len(recs) != 1 || recs[0]["SoDinhDanh"] != goldenID {
				t.Errorf("by SoCMND: %v %v", recs, err)
			}
			if recs, err := c.Lookup(ctx, "tax", "SoDinhDanh", goldenID, ""); err != nil || len(recs) != 1 || recs[0]["MaSoThue"] != "8012345678" {
				t.Errorf("tax: %v %v", recs, err)
			}
			if _, err := c.Lookup(ctx, "population", "SoDinhDanh", nobody, ""); !apigw.IsNotFound(err) {
				t.Errorf("unknown ID: %v", err)
			}
			if _, err := c.Lookup(ctx, "population", "SoDinhDanh", "12AB5", ""); !isRefusal(err, 400, "invalid_request", "SoDinhDanh") {
				t.Errorf("malformed ID: %v", err)
			}
			if _, err := c.LookupWithToken(ctx, "", "population", "SoDinhDanh", goldenID); !isRefusal(err, 401, "unauthenticated", "") {
				t.Errorf("no token: %v", err)
			}
			entries, err := c.Audit(ctx, goldenID)
			if err != nil || len(entries) < 1 || entries[0].RequestID != "rt-"+goldenID || entries[0].Key != "SoDinhDanh" ||
				entries[0].Value != gwapi.MaskID(goldenID) || entries[0].Purpose != "prefill DV01" || entries[0].Status != 200 {
				t.Errorf("audit: %+v %v", entries, err)
			}
			_ = gw
		})
	}
}

func isRefusal(err error, status int, code, field string) bool {
	e, ok := errors.AsType[*apigw.Error](err)
	return ok && e.Status == status && e.Code == code && (field == "" || e.Field == field)
}
