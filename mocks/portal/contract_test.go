package portal_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/openapi"
	"github.com/dvcqa/dvcqa/mocks/world"
)

// The suites validate every answer they get against the contract
// (suites/framework/contract.go); this covers the answers they do not reach
// (world clock, catalog list, payment return page, error answers), so the
// mock cannot drift from the contract where no spec looks.
func TestAnswersTheSuitesDoNotReachFollowTheContract(t *testing.T) {
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
	doc.Servers = openapi3.Servers{{URL: base}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.FileBodyDecoder)
	opts := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	hc := &http.Client{Timeout: 5 * time.Second}
	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/api/v1/time", 200},
		{"GET", "/api/v1/services", 200},
		{"GET", "/api/v1/services/DV99", 404},
		{"GET", "/api/v1/services/DV09/form", 401},
		{"GET", "/api/v1/dossiers", 401},
		{"GET", "/api/v1/dossiers/hs-none", 401},
		{"POST", "/api/v1/dossiers/hs-none/payment", 401},
		{"GET", "/api/v1/dossiers/hs-none/result", 401},
		{"GET", "/payment/return?MaThamChieu=none&TrangThaiGD=1", 200},
		{"GET", "/payment/return?MaThamChieu=none&TrangThaiGD=4", 200},
	} {
		name := tt.method + " " + tt.path
		req, err := http.NewRequest(tt.method, base+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(tt.path, "/api/v1/d") || strings.HasSuffix(tt.path, "/form") {
			req.Header.Set("Authorization", "Bearer not-a-jwt")
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s: not in the contract: %v", name, err)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s: read answer: %v", name, err)
		}
		if resp.StatusCode != tt.status {
			t.Errorf("%s: HTTP %d, want %d", name, resp.StatusCode, tt.status)
		}
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts},
			Status:                 resp.StatusCode, Header: resp.Header, Body: io.NopCloser(strings.NewReader(string(body))), Options: opts}
		if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
			t.Errorf("%s: the mock portal's answer (HTTP %d) violates the contract: %v", name, resp.StatusCode, err)
		}
	}
}
