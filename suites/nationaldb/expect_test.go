package nationaldb

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/fixtures"
)

// TestRefusalSpecsFailWhenTheGatewayIsDown: the 401, 404 and 400 specs do
// not pass on an unreachable gateway, nor on one answering errors of
// another shape.
func TestRefusalSpecsFailWhenTheGatewayIsDown(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // a loopback port nobody listens on any more
	bases := map[string]string{"unreachable": closed.URL}
	for name, h := range map[string]http.HandlerFunc{
		"HTML 404 page": func(w http.ResponseWriter, _ *http.Request) { http.NotFound(w, nil) },
		"HTTP 500": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"error":{"code":"internal_error","message":"internal error"}}`))
		},
		"200 empty": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"t","token_type":"Bearer","expires_in":3600,"records":[]}`))
		},
	} {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		bases[name] = srv.URL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for name, base := range bases {
		c := &gateway.Client{BaseURL: base + "/gateway", ClientID: "province-01", ClientSecret: "s", HTTP: &http.Client{Timeout: 2 * time.Second}}
		_, err := c.LookupWithToken(ctx, "", "population", "SoDinhDanh", "001090012345")
		judged := map[string]error{"401 without a token": refusal(err, http.StatusUnauthorized, "unauthenticated", "")}
		_, err = c.Token(ctx)
		judged["401 wrong secret"] = refusal(err, http.StatusUnauthorized, "invalid_client", "")
		_, err = c.Lookup(ctx, "population", "SoDinhDanh", "001099000000", "test")
		judged["404 unknown ID"] = refusal(err, http.StatusNotFound, "not_found", "")
		_, err = c.Lookup(ctx, "population", "SoDinhDanh", "12AB5", "test")
		judged["400 malformed ID"] = refusal(err, http.StatusBadRequest, "invalid_request", "SoDinhDanh")
		for spec, err := range judged {
			if err == nil {
				t.Errorf("%s: the %s spec passed", name, spec)
			}
		}
	}
}

func TestRefusalIsExact(t *testing.T) {
	notFound := &gateway.Error{Status: 404, Code: "not_found"}
	if err := refusal(notFound, 404, "not_found", ""); err != nil {
		t.Errorf("the gateway's not_found: %v", err)
	}
	for name, err := range map[string]error{
		"unknown database": refusal(&gateway.Error{Status: 404, Code: "unknown_database"}, 404, "not_found", ""),
		"400 other field":  refusal(&gateway.Error{Status: 400, Code: "invalid_request", Field: "MaSoThue"}, 400, "invalid_request", "SoDinhDanh"),
		"accepted":         refusal(nil, 401, "unauthenticated", ""),
	} {
		if err == nil {
			t.Errorf("%s: passed", name)
		}
	}
}

func TestIdentityProblemsNameEveryField(t *testing.T) {
	pop := &fixtures.Database{ID: "population", Fields: []string{"SoDinhDanh", "HoVaTen", "NgayThangNamSinh", "NoiDangKyKhaiSinh", "TinhTrangHonNhan", "NgayCapNhat"}}
	civil := fixtures.Database{ID: "civil_status", Fields: []string{"SoDinhDanh", "HoVaTen", "NoiDangKyKhaiSinh", "TinhTrangHonNhan", "SoDangKyKhaiSinh", "NgayCapNhat"}}
	p := map[string]string{"SoDinhDanh": "001090012345", "HoVaTen": "Nguyễn Thị Hoa", "NoiDangKyKhaiSinh": "Phường Ba Đình, Hà Nội",
		"TinhTrangHonNhan": "Đã kết hôn", "NgayCapNhat": "2025-01-01"}
	rec := map[string]string{"SoDinhDanh": "001090012345", "HoVaTen": "Nguyễn Thị Hoa", "NoiDangKyKhaiSinh": "Phường Ba Đình, Hà Nội",
		"TinhTrangHonNhan": "Đã kết hôn", "SoDangKyKhaiSinh": "12/1990", "NgayCapNhat": "2024-06-01"}
	if got := identityProblems(civil, pop, rec, p); len(got) != 0 {
		t.Errorf("consistent records (own update dates differ): %v", got)
	}
	rec["HoVaTen"], rec["NoiDangKyKhaiSinh"], rec["TinhTrangHonNhan"] = "Nguyễn Thị Lan", "Xã Ba Đình, Hà Nội", "Chưa kết hôn"
	got := strings.Join(identityProblems(civil, pop, rec, p), "\n")
	for _, want := range []string{"civil_status name ≠ population name", "civil_status NoiDangKyKhaiSinh ≠ population NoiDangKyKhaiSinh", "civil_status TinhTrangHonNhan ≠ population TinhTrangHonNhan"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
	if strings.Contains(got, "Lan") || strings.Contains(got, "Xã") {
		t.Errorf("problems quote personal data: %q", got)
	}
	if got := fieldProblems(civil, map[string]string{"SoDinhDanh": "x", "Extra": "y"}); len(got) != 6 {
		t.Errorf("5 missing fields and an extra one: %v", got)
	}
}
