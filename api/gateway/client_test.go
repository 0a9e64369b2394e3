package gateway_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/fixtures"
	mockgw "github.com/dvcqa/dvcqa/mocks/gateway"
	"github.com/dvcqa/dvcqa/mocks/nationaldb"
)

const (
	secret = "s3cret-province-01"
	an     = "001099000145"
	nobody = "001099999945"
)

var population = fixtures.Database{
	ID: "population", Keys: []string{"SoDinhDanh"}, Fields: []string{"SoDinhDanh", "HoVaTen"},
}

// mockWorld starts a population database and the gateway mock; the gateway
// clock can be moved forward to expire tokens.
type mockWorld struct {
	gw     *mockgw.Server
	url    string
	mu     sync.Mutex
	offset time.Duration
}

func (m *mockWorld) now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return time.Now().Add(m.offset)
}

func (m *mockWorld) advance(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.offset += d
}

func (m *mockWorld) tokenCalls() int {
	n := 0
	for _, r := range m.gw.Requests() {
		if r.Path == "/oauth/token" {
			n++
		}
	}
	return n
}

func newMockWorld(t *testing.T) *mockWorld {
	t.Helper()
	db, err := nationaldb.New(nationaldb.Options{DB: population, InternalKey: "ik", Records: []map[string]string{
		{"SoDinhDanh": an, "HoVaTen": "Nguyễn Thị An"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	dbSrv := httptest.NewServer(db)
	t.Cleanup(dbSrv.Close)
	m := &mockWorld{}
	gw, err := mockgw.New(mockgw.Options{
		Databases:    []fixtures.Database{population},
		DatabaseURLs: map[string]string{"population": dbSrv.URL},
		InternalKey:  "ik",
		Clients: []mockgw.Client{
			{ID: "province-01", Secret: secret, Scopes: []string{"population"}},
			{ID: "province-79", Secret: "other", Scopes: nil},
		},
		Now: m.now,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	m.gw, m.url = gw, srv.URL
	return m
}

func TestLookupAgainstMock(t *testing.T) {
	m := newMockWorld(t)
	c := &gateway.Client{BaseURL: m.url + "/", ClientID: "province-01", ClientSecret: secret}
	ctx := context.Background()

	recs, err := c.Lookup(ctx, "population", "SoDinhDanh", an, "prefill DV01")
	if err != nil || len(recs) != 1 || recs[0]["HoVaTen"] != "Nguyễn Thị An" {
		t.Fatalf("Lookup: %v %v", recs, err)
	}

	_, err = c.Lookup(ctx, "population", "SoDinhDanh", nobody, "prefill DV01")
	if !gateway.IsNotFound(err) || gateway.StatusOf(err) != 404 {
		t.Fatalf("unknown person: %v", err)
	}
	if want := "gateway population lookup: 404 not_found: no record in population for SoDinhDanh 001*******45"; err.Error() != want {
		t.Errorf("error text\n got %q\nwant %q", err, want)
	}

	_, err = c.Lookup(ctx, "passports", "SoDinhDanh", an, "")
	if gateway.IsNotFound(err) || gateway.StatusOf(err) != 404 {
		t.Errorf("unknown database must not count as not found: %v", err)
	}
	_, err = c.Lookup(ctx, "population", "SoDinhDanh", "123", "")
	if e, ok := errorsAs(err); !ok || e.Status != 400 || e.Field != "SoDinhDanh" {
		t.Errorf("malformed ID: %#v", err)
	}

	entries, err := c.Audit(ctx, an)
	// The lookup and the refused one against an unknown database.
	if err != nil || len(entries) != 2 || entries[0].Value != "001*******45" || entries[0].Purpose != "prefill DV01" ||
		entries[0].RequestID == "" || entries[0].Status != 200 || entries[1].Code != "unknown_database" {
		t.Errorf("Audit: %+v %v", entries, err)
	}

	h, err := c.Health(ctx)
	if err != nil || h.Status != "ok" || h.Databases["population"] != "ok" {
		t.Errorf("Health: %+v %v", h, err)
	}
}

func TestLookupWithTokenAgainstMock(t *testing.T) {
	m := newMockWorld(t)
	c := &gateway.Client{BaseURL: m.url, ClientID: "province-01", ClientSecret: secret}
	ctx := context.Background()
	_, err := c.LookupWithToken(ctx, "", "population", "SoDinhDanh", an)
	if gateway.StatusOf(err) != 401 {
		t.Errorf("no token: %v", err)
	}
	_, err = c.LookupWithToken(ctx, "forged", "population", "SoDinhDanh", an)
	if gateway.StatusOf(err) != 401 || strings.Contains(err.Error(), "forged") {
		t.Errorf("forged token: %v", err)
	}
	other := &gateway.Client{BaseURL: m.url, ClientID: "province-79", ClientSecret: "other"}
	tok, err := other.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.LookupWithToken(ctx, tok, "population", "SoDinhDanh", an)
	if gateway.StatusOf(err) != 403 {
		t.Errorf("token without scope: %v", err)
	}
	bad := &gateway.Client{BaseURL: m.url, ClientID: "province-01", ClientSecret: "wrong-secret"}
	_, err = bad.Lookup(ctx, "population", "SoDinhDanh", an, "")
	if e, ok := errorsAs(err); !ok || e.Status != 401 || e.Code != "invalid_client" || strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("bad secret: %v", err)
	}
}

func TestTokenCachedAcrossParallelLookups(t *testing.T) {
	m := newMockWorld(t)
	c := &gateway.Client{BaseURL: m.url, ClientID: "province-01", ClientSecret: secret}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Go(func() {
			if _, err := c.Lookup(context.Background(), "population", "SoDinhDanh", an, "prefill DV01"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := m.tokenCalls(); n != 1 {
		t.Errorf("%d calls to /oauth/token for 40 lookups, want 1", n)
	}
	ids := map[string]bool{}
	for _, e := range m.gw.Audit() {
		ids[e.RequestID] = true
	}
	if len(ids) != 40 {
		t.Errorf("%d distinct request ids for 40 lookups", len(ids))
	}
}

func TestRefusedCachedTokenIsRenewedOnce(t *testing.T) {
	m := newMockWorld(t)
	c := &gateway.Client{BaseURL: m.url, ClientID: "province-01", ClientSecret: secret}
	ctx := context.Background()
	if _, err := c.Lookup(ctx, "population", "SoDinhDanh", an, ""); err != nil {
		t.Fatal(err)
	}
	// The gateway's clock jumps: it now thinks the cached token expired.
	m.advance(2 * time.Hour)
	if _, err := c.Lookup(ctx, "population", "SoDinhDanh", an, ""); err != nil {
		t.Fatalf("after the gateway expired the token: %v", err)
	}
	if n := m.tokenCalls(); n != 2 {
		t.Errorf("%d token calls, want 2", n)
	}
}

func errorsAs(err error) (*gateway.Error, bool) { return errors.AsType[*gateway.Error](err) }

func TestWithRequestIDIsSentAndAudited(t *testing.T) {
	m := newMockWorld(t)
	c := &gateway.Client{BaseURL: m.url, ClientID: "province-01", ClientSecret: secret}
	ctx := gateway.WithRequestID(context.Background(), "dvcqa-test-0001")
	if _, err := c.Lookup(ctx, "population", "SoDinhDanh", an, "prefill DV01"); err != nil {
		t.Fatal(err)
	}
	audit := m.gw.Audit()
	if len(audit) != 1 || audit[0].RequestID != "dvcqa-test-0001" {
		t.Errorf("audit = %+v, want one entry with request id dvcqa-test-0001", audit)
	}
}
