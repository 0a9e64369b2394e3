package framework

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/openapi"
	"github.com/dvcqa/dvcqa/mocks/world"
)

// The suites exercise most of the contract; this covers the mock portal's
// answers they do not reach (world clock, catalog list, payment return
// page, error answers), so that the mock cannot drift from the contract
// where no spec looks.
func TestMockPortalAnswersFollowTheContract(t *testing.T) {
	cat, err := fixtures.Load()
	if err != nil {
		t.Fatal(err)
	}
	w, err := world.Start(world.Options{Seed: 20250701, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	doc, err := openapi.LoadPortal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	base := w.URLs("01").Portal
	c, err := newContractCheckFor(doc, openapi.PortalFile, base, http.DefaultTransport)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: c, Timeout: 5 * time.Second}
	for _, tt := range []struct {
		method, path, token string
		status              int
	}{
		{"GET", "/api/v1/time", "", 200},
		{"GET", "/api/v1/services", "", 200},
		{"GET", "/api/v1/services/DV99", "", 404},
		{"GET", "/api/v1/services/DV09/form", "not-a-jwt", 401},
		{"GET", "/api/v1/dossiers", "not-a-jwt", 401},
		{"GET", "/api/v1/dossiers/hs-none", "not-a-jwt", 401},
		{"POST", "/api/v1/dossiers/hs-none/payment", "not-a-jwt", 401},
		{"GET", "/api/v1/dossiers/hs-none/result", "not-a-jwt", 401},
		{"GET", "/payment/return?MaThamChieu=none&TrangThaiGD=1", "", 200},
		{"GET", "/payment/return?MaThamChieu=none&TrangThaiGD=4", "", 200},
	} {
		req, err := http.NewRequest(tt.method, base+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tt.token != "" {
			req.Header.Set("Authorization", "Bearer "+tt.token)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.method, tt.path, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s %s: HTTP %d, want %d", tt.method, tt.path, resp.StatusCode, tt.status)
		}
	}
	r := c.report()
	if r.Validated != 10 {
		t.Errorf("%d of 10 exchanges validated", r.Validated)
	}
	if msg := r.failure(); msg != "" {
		t.Error(msg)
	}
}
