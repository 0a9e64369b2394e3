package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/fixtures"
	mockgw "github.com/dvcqa/dvcqa/mocks/gateway"
	"github.com/dvcqa/dvcqa/mocks/nationaldb"
	"github.com/dvcqa/dvcqa/vocab"
)

const goldenID = "001085012345"

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func goldenIdentity(id string) (gateway.Identity, error) {
	if id == goldenID {
		return gateway.Identity{FullName: "Trần Anh Đạt", DateOfBirth: "1985-03-14"}, nil
	}
	return gateway.Identity{FullName: "Nguyễn Văn Thử", BirthYear: "1990"}, nil
}

// fakeGateway answers the token endpoint and hands every other request to
// answer, keeping the requests' bodies.
type fakeGateway struct {
	mu     sync.Mutex
	bodies map[string][]byte // "METHOD path" → body
}

func newFakeGateway(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) (*fakeGateway, string) {
	t.Helper()
	f := &fakeGateway{bodies: map[string][]byte{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(gateway.TokenResponse{AccessToken: "tok-1", TokenType: "Bearer", ExpiresIn: 3600})
			return
		}
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.bodies[r.Method+" "+r.URL.Path] = b
		f.mu.Unlock()
		answer(w, r)
	}))
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func jsonAnswer(status int, body []byte) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

func ndxpClient(base string) *gateway.Client {
	return &gateway.Client{BaseURL: base, ClientID: "province-01", ClientSecret: secret, Dialect: vocab.DialectGatewayNDXP, Identity: goldenIdentity}
}

// TestNDXPGoldenQueryAndAnswer: the driver sends the golden query (the
// published fields, ID with name and date of birth) and reads the golden
// SOAP answer into the flat record the rest dialect returns.
func TestNDXPGoldenQueryAndAnswer(t *testing.T) {
	f, base := newFakeGateway(t, jsonAnswer(200, readGolden(t, "ndxp_answer.json")))
	ctx := gateway.WithRequestID(context.Background(), "dvcqa-golden-0001")
	recs, err := ndxpClient(base).Lookup(ctx, "population", "SoDinhDanh", goldenID, "dvcqa verification")
	if err != nil {
		t.Fatal(err)
	}
	var want gateway.Record
	if err := json.Unmarshal(readGolden(t, "ndxp_record.json"), &want); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || !maps.Equal(recs[0], want) {
		t.Errorf("records\n got %v\nwant %v", recs, want)
	}
	var sent, wantQuery map[string]any
	if err := json.Unmarshal(f.bodies["POST /api/v1/population/query"], &sent); err != nil {
		t.Fatalf("query body: %v", err)
	}
	if err := json.Unmarshal(readGolden(t, "ndxp_query.json"), &wantQuery); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(sent, wantQuery) {
		t.Errorf("query\n got %v\nwant %v", sent, wantQuery)
	}
}

func TestNDXPYearOnlyAndEmptyAnswer(t *testing.T) {
	f, base := newFakeGateway(t, jsonAnswer(200, readGolden(t, "ndxp_answer_empty.json")))
	recs, err := ndxpClient(base).Lookup(context.Background(), "population", "SoDinhDanh", "001099999945", "")
	if err != nil || len(recs) != 0 {
		t.Fatalf("empty collection: %v %v", recs, err)
	}
	var sent map[string]string
	_ = json.Unmarshal(f.bodies["POST /api/v1/population/query"], &sent)
	if sent["Nam"] != "1990" || sent["NgayThangNamSinh"] != "" || sent["HoVaTen"] != "Nguyễn Văn Thử" || sent["MaYeuCau"] == "" {
		t.Errorf("query %v", sent)
	}
}

// TestNDXPOtherLookupsStayREST: other databases and other keys use GET.
func TestNDXPOtherLookupsStayREST(t *testing.T) {
	f, base := newFakeGateway(t, jsonAnswer(200, []byte(`{"database":"tax","records":[{"SoDinhDanh":"001085012345","MaSoThue":"8012345678"}]}`)))
	c := ndxpClient(base)
	for _, q := range [][2]string{{"tax", "SoDinhDanh"}, {"population", "SoCMND"}} {
		if recs, err := c.Lookup(context.Background(), q[0], q[1], goldenID, ""); err != nil || len(recs) != 1 {
			t.Errorf("%v: %v %v", q, recs, err)
		}
	}
	if _, ok := f.bodies["GET /api/v1/tax/records"]; !ok {
		t.Errorf("requests: %v", slices.Collect(maps.Keys(f.bodies)))
	}
	if _, ok := f.bodies["GET /api/v1/population/records"]; !ok {
		t.Errorf("requests: %v", slices.Collect(maps.Keys(f.bodies)))
	}
}

func TestNDXPIdentityMissing(t *testing.T) {
	f, base := newFakeGateway(t, jsonAnswer(200, readGolden(t, "ndxp_answer.json")))
	c := ndxpClient(base)
	c.Identity = func(string) (gateway.Identity, error) {
		return gateway.Identity{}, errors.New("set profile key accounts[0].full_name_env")
	}
	_, err := c.Lookup(context.Background(), "population", "SoDinhDanh", goldenID, "")
	if err == nil || !strings.Contains(err.Error(), "accounts[0].full_name_env") || !strings.Contains(err.Error(), "ndxp") {
		t.Errorf("error %v", err)
	}
	c.Identity = nil
	if _, err := c.Lookup(context.Background(), "population", "SoDinhDanh", goldenID, ""); err == nil || !strings.Contains(err.Error(), "name and date of birth") {
		t.Errorf("no identity source: %v", err)
	}
	if len(f.bodies) != 0 {
		t.Errorf("a query was sent without a name: %v", slices.Collect(maps.Keys(f.bodies)))
	}
}

func TestNDXPMalformedMessage(t *testing.T) {
	for name, body := range map[string]string{
		"not XML":          `{"message":"Nguyễn Thị An 001085012345"}`,
		"no collection":    `{"message":"<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body></soap:Body></soap:Envelope>"}`,
		"fault":            `{"message":"<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault><faultstring>x</faultstring></soap:Fault></soap:Body></soap:Envelope>"}`,
		"bad date":         `{"message":"<Envelope><Body><CongdanCollection><CongDan><NgayThangNamSinh>14/03/1985</NgayThangNamSinh></CongDan></CongdanCollection></Body></Envelope>"}`,
		"no message field": `{"error_code":"0"}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, base := newFakeGateway(t, jsonAnswer(200, []byte(body)))
			_, err := ndxpClient(base).Lookup(context.Background(), "population", "SoDinhDanh", goldenID, "")
			if _, ok := errors.AsType[*gateway.DialectError](err); !ok {
				t.Fatalf("want a DialectError, got %v", err)
			}
			if strings.Contains(err.Error(), goldenID) || strings.Contains(err.Error(), "Nguyễn") {
				t.Errorf("the error quotes personal data: %v", err)
			}
		})
	}
}

// mockWorldIn is a rest or ndxp mock gateway with a population database
// holding the golden citizen.
func mockWorldIn(t *testing.T, dialect string) string {
	t.Helper()
	pop := fixtures.Database{ID: "population", Keys: []string{"SoDinhDanh"}, Fields: []string{"SoDinhDanh", "HoVaTen", "NgayThangNamSinh"}}
	db, err := nationaldb.New(nationaldb.Options{DB: pop, InternalKey: "ik", Records: []map[string]string{
		{"SoDinhDanh": goldenID, "HoVaTen": "Trần Anh Đạt", "NgayThangNamSinh": "1985-03-14"}}})
	if err != nil {
		t.Fatal(err)
	}
	dbSrv := httptest.NewServer(db)
	t.Cleanup(dbSrv.Close)
	gw, err := mockgw.New(mockgw.Options{Databases: []fixtures.Database{pop}, DatabaseURLs: map[string]string{"population": dbSrv.URL},
		InternalKey: "ik", Dialect: dialect, Clients: []mockgw.Client{{ID: "province-01", Secret: secret, Scopes: []string{"population"}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestDialectMismatch: a profile naming one dialect against a gateway
// speaking the other is one error naming the gateway and the dialect, by
// the endpoint (the mock gateways) and by the answer's shape (fakes).
func TestDialectMismatch(t *testing.T) {
	restAnswer := []byte(`{"database":"population","query":{"SoDinhDanh":"001085012345"},"records":[{"SoDinhDanh":"001085012345"}]}`)
	for _, c := range []struct {
		name, profile string
		base          func(t *testing.T) string
	}{
		{"profile ndxp, rest mock", vocab.DialectGatewayNDXP, func(t *testing.T) string { return mockWorldIn(t, vocab.DialectGatewayREST) }},
		{"profile rest, ndxp mock", vocab.DialectGatewayREST, func(t *testing.T) string { return mockWorldIn(t, vocab.DialectGatewayNDXP) }},
		{"profile ndxp, rest-shaped answer", vocab.DialectGatewayNDXP, func(t *testing.T) string {
			_, base := newFakeGateway(t, jsonAnswer(200, restAnswer))
			return base
		}},
		{"profile rest, ndxp-shaped answer", vocab.DialectGatewayREST, func(t *testing.T) string {
			_, base := newFakeGateway(t, jsonAnswer(200, readGolden(t, "ndxp_answer.json")))
			return base
		}},
		{"profile ndxp, 405 to the query", vocab.DialectGatewayNDXP, func(t *testing.T) string {
			_, base := newFakeGateway(t, jsonAnswer(405, []byte(`{"error":{"code":"method_not_allowed","message":"POST is not allowed here"}}`)))
			return base
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := &gateway.Client{BaseURL: c.base(t), ClientID: "province-01", ClientSecret: secret, Dialect: c.profile, Identity: goldenIdentity}
			_, err := cl.Lookup(context.Background(), "population", "SoDinhDanh", goldenID, "")
			de, ok := errors.AsType[*gateway.DialectError](err)
			if !ok {
				t.Fatalf("want a DialectError, got %v", err)
			}
			msg := err.Error()
			if de.Dialect != c.profile || !strings.HasPrefix(msg, "gateway population lookup: ") ||
				!strings.Contains(msg, `dialect "`+c.profile+`"`) || !strings.Contains(msg, "gateway.dialect") {
				t.Errorf("error %q", msg)
			}
			if gateway.StatusOf(err) != 0 {
				t.Errorf("a mismatch reads as the gateway's refusal %d", gateway.StatusOf(err))
			}
			if strings.Contains(msg, goldenID) {
				t.Errorf("the error quotes the personal ID: %q", msg)
			}
			t.Log(msg)
		})
	}
}

// TestRoundTripPerDialect: the driver against the mock gateway in each
// dialect reads the same record.
func TestRoundTripPerDialect(t *testing.T) {
	for _, d := range vocab.Dialects[vocab.SystemGateway] {
		t.Run(d, func(t *testing.T) {
			cl := &gateway.Client{BaseURL: mockWorldIn(t, d), ClientID: "province-01", ClientSecret: secret, Dialect: d, Identity: goldenIdentity}
			recs, err := cl.Lookup(context.Background(), "population", "SoDinhDanh", goldenID, "prefill DV01")
			if err != nil || len(recs) != 1 || recs[0]["HoVaTen"] != "Trần Anh Đạt" || recs[0]["NgayThangNamSinh"] != "1985-03-14" || recs[0]["SoDinhDanh"] != goldenID {
				t.Fatalf("lookup: %v %v", recs, err)
			}
			if _, err := cl.Lookup(context.Background(), "population", "SoDinhDanh", nobody, ""); !gateway.IsNotFound(err) {
				t.Errorf("unknown: %v", err)
			}
		})
	}
}
