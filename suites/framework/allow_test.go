package framework

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAllowGuardRefusesUngrantedMutations: the portal API's data-mutating
// requests never leave the harness unless MustAllow granted their action in
// the running spec; reads always do, and a reset forgets every grant.
func TestAllowGuardRefusesUngrantedMutations(t *testing.T) {
	var arrived []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived = append(arrived, r.Method+" "+r.URL.Path)
	}))
	defer srv.Close()
	portal := srv.URL + "/portal/01"
	g := newAllowGuard(http.DefaultTransport, portal)
	c := &http.Client{Transport: g}
	send := func(method, path string) error {
		req, _ := http.NewRequest(method, portal+path, strings.NewReader("{}"))
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	for _, tc := range []struct {
		method, path string
		action       Action
	}{
		{http.MethodPost, "/api/v1/dossiers", ActSubmit},
		{http.MethodPost, "/api/v1/attachments", ActUpload},
		{http.MethodPost, "/api/v1/dossiers/d1/payment", ActPay},
		{http.MethodPost, "/api/v1/payment/callback", ActPay},
		{http.MethodPost, "/api/v1/dossiers/d1/withdraw", ActWithdraw},
	} {
		err := send(tc.method, tc.path)
		var na *ErrNotAllowed
		if !errors.As(err, &na) || na.Action != tc.action {
			t.Errorf("%s %s without a grant: %v, want refused as %s", tc.method, tc.path, err, tc.action)
		}
	}
	if len(arrived) != 0 {
		t.Fatalf("refused requests reached the portal: %v", arrived)
	}
	for _, path := range []string{"/api/v1/dossiers", "/api/v1/dossiers/d1", "/api/v1/services/DV01/form"} {
		if err := send(http.MethodGet, path); err != nil {
			t.Errorf("GET %s refused: %v", path, err)
		}
	}
	g.grant(ActSubmit)
	if err := send(http.MethodPost, "/api/v1/dossiers"); err != nil {
		t.Errorf("granted submit refused: %v", err)
	}
	if err := send(http.MethodPost, "/api/v1/attachments"); err == nil {
		t.Error("a submit grant let an upload through")
	}
	g.reset()
	if err := send(http.MethodPost, "/api/v1/dossiers"); err == nil {
		t.Error("a grant outlived the spec (reset)")
	}
	if want := []string{"GET /portal/01/api/v1/dossiers", "GET /portal/01/api/v1/dossiers/d1", "GET /portal/01/api/v1/services/DV01/form", "POST /portal/01/api/v1/dossiers"}; strings.Join(arrived, ",") != strings.Join(want, ",") {
		t.Errorf("arrived %v, want %v", arrived, want)
	}
}
