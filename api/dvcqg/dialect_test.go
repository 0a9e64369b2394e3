package dvcqg

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// The golden exchanges (testdata/dialect-*.json) are hand-written examples
// of each dialect's messages, from /work/shared/protocols-public.md and
// OpenCPS's DVCQGIntegrationActionImpl (docs/dialects-dvcqg.md); "{session}"
// and "{password}" stand for the values of a run.
type goldenExchange struct {
	Op      string
	Method  string
	Path    string
	Header  map[string]string
	Query   map[string]string
	Request json.RawMessage
	Answer  json.RawMessage
}

type goldenFile struct {
	Dialect   string
	Exchanges []goldenExchange
}

const (
	goldenAgency   = "000.00.00.H01"
	goldenCode     = "000.00.00.H01-260302-0001"
	goldenUnknown  = "000.00.00.H01-260302-0404"
	goldenPassword = "pw-golden"
	goldenSession  = "S-golden"
)

func loadGolden(t *testing.T, dialect string) goldenFile {
	t.Helper()
	b, err := os.ReadFile("testdata/dialect-" + dialect + ".json")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer("{session}", goldenSession, "{password}", goldenPassword).Replace(string(b))
	var g goldenFile
	if err := json.Unmarshal([]byte(s), &g); err != nil {
		t.Fatalf("golden %s: %v", dialect, err)
	}
	return g
}

// sameJSON compares two JSON texts as values.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// The typed values of the golden exchanges, written out here rather than
// read from the files.
func goldenHoSo() HoSo {
	return HoSo{
		MaHoSo: goldenCode, MaTTHC: "1.001193", TenTTHC: "Đăng ký khai sinh", MaLinhVuc: "HT", SoBienNhan: "BN-0001",
		ChuHoSo: "Nguyễn Văn An", LoaiDoiTuong: "1", MaDoiTuong: "079200001234", TrichYeuHoSo: "Đăng ký khai sinh cho con",
		NgayTiepNhan: "20260302090000", NgayHenTra: "20260305170000", TrangThaiHoSo: "1",
		DonViXuLy: "UBND phường Bến Nghé", KenhThucHien: "2",
		DinhDanhCHS:                 []DinhDanh{{LoaiDinhDanh: "1", SoDinhDanh: "079200001234"}},
		TaiLieuNop:                  []TaiLieu{{TenTepDinhKem: "to-khai.pdf", DuongDanTaiTepTin: "http://portal.test/portal/01/api/v1/attachments/a1"}},
		DanhSachLePhi:               []LePhi{{TenPhiLePhi: "Lệ phí", Gia: 8000}},
		DanhSachGiayToKetQua:        []GiayTo{},
		TaiKhoanDuocXacThucVoiVNeID: "1", DuocThanhToanTrucTuyen: "1",
	}
}

func goldenTienDo() TienDo {
	return TienDo{MaHoSo: goldenCode, NguoiXuLy: "Trần Thị Bình", ChucDanh: "Công chức tư pháp - hộ tịch",
		ThoiDiemXuLy: "20260302093000", PhongBanXuLy: "Bộ phận một cửa", NoiDungXuLy: "Tiếp nhận hồ sơ", TrangThai: "2",
		NgayBatDau: "20260302093000", NgayKetThucTheoQuyDinh: "20260305170000"}
}

// replay serves the golden exchanges in order, checking that each request
// is the golden one.
func replay(t *testing.T, g goldenFile) (*httptest.Server, func() int) {
	t.Helper()
	var mu sync.Mutex
	next := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if next >= len(g.Exchanges) {
			t.Errorf("request %s %s after the last golden exchange", r.Method, r.URL)
			http.Error(w, "no more", http.StatusInternalServerError)
			return
		}
		e := g.Exchanges[next]
		next++
		if r.Method != e.Method || r.URL.Path != e.Path {
			t.Errorf("%s: request %s %s, want %s %s", e.Op, r.Method, r.URL.Path, e.Method, e.Path)
		}
		q := map[string]string{}
		for k, v := range r.URL.Query() {
			q[k] = strings.Join(v, ",")
		}
		if len(q) > 0 || len(e.Query) > 0 {
			if !reflect.DeepEqual(q, e.Query) {
				t.Errorf("%s: query %v, want %v", e.Op, q, e.Query)
			}
		}
		for k, v := range e.Header {
			if got := r.Header.Get(k); got != v {
				t.Errorf("%s: header %s = %q, want %q", e.Op, k, got, v)
			}
		}
		body, _ := io.ReadAll(r.Body)
		switch {
		case e.Request == nil && len(body) > 0:
			t.Errorf("%s: a body %s, want none", e.Op, body)
		case e.Request != nil && !sameJSON(body, e.Request):
			t.Errorf("%s: body\n%s\nwant\n%s", e.Op, body, e.Request)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(e.Answer)
	}))
	t.Cleanup(srv.Close)
	return srv, func() int { mu.Lock(); defer mu.Unlock(); return next }
}

func TestDialectGoldenExchanges(t *testing.T) {
	for _, dialect := range []string{"envelope", "opencps", "rest"} {
		t.Run(dialect, func(t *testing.T) {
			g := loadGolden(t, dialect)
			if g.Dialect != dialect {
				t.Fatalf("golden file of %q", g.Dialect)
			}
			srv, served := replay(t, g)
			c := &Client{BaseURL: srv.URL, Username: "portal-01", Password: goldenPassword, DstCode: "DST01",
				AgencyID: goldenAgency, Dialect: dialect, HTTP: srv.Client()}
			ctx := context.Background()
			if err := c.Login(ctx); err != nil {
				t.Fatalf("Login: %v", err)
			}
			if err := c.SyncDossier(ctx, false, goldenHoSo()); err != nil {
				t.Fatalf("SyncDossier: %v", err)
			}
			if err := c.UpdateProgress(ctx, goldenTienDo()); err != nil {
				t.Fatalf("UpdateProgress: %v", err)
			}
			got, err := c.Lookup(ctx, goldenCode)
			want := goldenHoSo()
			want.QuaTrinhXuLy = []TienDo{goldenTienDo()}
			if err != nil || !reflect.DeepEqual(*got, want) {
				t.Fatalf("Lookup = %+v, %v\nwant %+v", got, err, want)
			}
			if _, err := c.Lookup(ctx, goldenUnknown); !IsNotFound(err) {
				t.Errorf("Lookup unknown: %v, want not found", err)
			} else if e := (*Error)(nil); !errors.As(err, &e) || e.Code != CodeFailed || e.Service != ServiceLookup {
				t.Errorf("Lookup unknown: %#v, want a TraCuuHoSo error_code -1", err)
			}
			if err := c.SyncDossier(ctx, false, goldenHoSo()); !IsDuplicate(err) {
				t.Errorf("second sync: %v, want a duplicate", err)
			}
			list, err := c.Procedures(ctx)
			wantList := []ThuTuc{{MaTTHC: "1.001193", TenTTHC: "Đăng ký khai sinh"}}
			if dialect == "rest" {
				wantList[0].MaLinhVuc, wantList[0].TenLinhVuc = "HT", "Hộ tịch"
			}
			if err != nil || !reflect.DeepEqual(list, wantList) {
				t.Errorf("Procedures = %+v, %v; want %+v", list, err, wantList)
			}
			if dialect != "envelope" { // the envelope has no LayThuTuc
				p, err := c.Procedure(ctx, "1.001193")
				if want := (ThuTuc{MaTTHC: "1.001193", TenTTHC: "Đăng ký khai sinh", MaLinhVuc: "HT", TenLinhVuc: "Hộ tịch"}); err != nil || *p != want {
					t.Errorf("Procedure = %+v, %v; want %+v", p, err, want)
				}
			}
			if n := served(); n != len(g.Exchanges) {
				t.Errorf("%d of %d golden exchanges used", n, len(g.Exchanges))
			}
		})
	}
}

// goldenServer answers like a portal of one dialect: the first golden
// exchange with the request's method, path and service; 404 elsewhere.
func goldenServer(t *testing.T, g goldenFile) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var env struct{ Service string }
		_ = json.Unmarshal(body, &env)
		for _, e := range g.Exchanges {
			var want struct{ Service string }
			_ = json.Unmarshal(e.Request, &want)
			if e.Method == r.Method && e.Path == r.URL.Path && want.Service == env.Service {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(e.Answer)
				return
			}
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A client whose profile names one dialect, facing a portal of another,
// gets one error naming the system and its dialect.
func TestDialectMismatch(t *testing.T) {
	dialects := []string{"envelope", "opencps", "rest"}
	for _, server := range dialects {
		srv := goldenServer(t, loadGolden(t, server))
		for _, client := range dialects {
			if client == server {
				continue
			}
			c := &Client{BaseURL: srv.URL, Username: "portal-01", Password: goldenPassword, DstCode: "DST01",
				AgencyID: goldenAgency, Dialect: client, HTTP: srv.Client()}
			_, err := c.Lookup(context.Background(), goldenCode)
			var de *DialectError
			if !errors.As(err, &de) || de.Dialect != client || !strings.Contains(err.Error(), "dvcqg: the answer is not in dialect "+client) {
				t.Errorf("%s client, %s portal: %v, want a DialectError", client, server, err)
			}
		}
	}
}

// The URLs may exist and the answer still be another dialect's shape.
func TestDialectMismatchedShapes(t *testing.T) {
	for _, tc := range []struct {
		dialect, path, answer, want string
	}{
		{"opencps", "/adapter/share", `{"error_code":"0","message":"Thành công","result":{"MaHoSo":"` + goldenCode + `"}}`, "want an array"},
		{"envelope", "/api/service", `{"error_code":0,"message":"Thành công","result":[{"MaHoSo":"` + goldenCode + `"}]}`, "result is an array"},
		{"rest", "/api/SynsTTHCC/TraCuuHoSo", `{"error_code":0,"message":"Thành công","result":{"MaHoSo":"` + goldenCode + `"}}`, "bare array"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.URL.Path == tc.path {
				_, _ = io.WriteString(w, tc.answer)
				return
			}
			_, _ = io.WriteString(w, `{"error_code":0,"message":"Thành công","session":"s1"}`)
		}))
		c := &Client{BaseURL: srv.URL, Username: "u", Password: "p", AgencyID: goldenAgency, Dialect: tc.dialect, HTTP: srv.Client()}
		_, err := c.Lookup(context.Background(), goldenCode)
		var de *DialectError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "dialect "+tc.dialect) {
			t.Errorf("%s: %v, want a DialectError saying %q", tc.dialect, err, tc.want)
		}
		srv.Close()
	}
}

func TestUnknownDialect(t *testing.T) {
	c := &Client{BaseURL: "http://127.0.0.1:1", Dialect: "soap"}
	if err := c.Login(context.Background()); err == nil || !strings.Contains(err.Error(), `unknown dialect "soap"`) {
		t.Fatalf("Login in an unknown dialect: %v", err)
	}
}
