package framework

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/fixtures"
)

// TestCheckDialects: a national portal that does not serve the profile's
// dialect is one setup error naming it; a system that is merely down is
// left to the health probes.
func TestCheckDialects(t *testing.T) {
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String()
	l.Close()

	hc := &http.Client{Timeout: 5 * time.Second}
	e := &Env{Target: &fixtures.Target{Name: "t", DVCQG: fixtures.DVCQGCreds{Dialect: "opencps"}},
		DVCQG:     &dvcqg.Client{BaseURL: notFound.URL, Username: "u", Password: "p", Dialect: "opencps", HTTP: hc},
		Payment:   &payment.Client{BaseURL: down, PartnerCode: "P", Secret: "s", HTTP: hc},
		Gateway:   &gateway.Client{BaseURL: down, ClientID: "c", ClientSecret: "s", HTTP: hc},
		unknownID: "001099000000"}
	err = e.CheckDialects(context.Background())
	if err == nil {
		t.Fatal("a national portal without the opencps URLs passed the dialect check")
	}
	first := strings.SplitN(err.Error(), "\n", 2)[0]
	if !strings.Contains(first, "dialect mismatch (dvcqg is not opencps)") {
		t.Errorf("first line %q should name dvcqg and its dialect", first)
	}
	for _, sys := range []string{"payment (", "gateway ("} {
		if strings.Contains(err.Error(), sys) {
			t.Errorf("a system that is down was blamed for its dialect: %v", err)
		}
	}

	e.DVCQG = &dvcqg.Client{BaseURL: down, Username: "u", Password: "p", HTTP: hc}
	if err := e.CheckDialects(context.Background()); err != nil {
		t.Errorf("systems that are down are not a dialect mismatch: %v", err)
	}
}
