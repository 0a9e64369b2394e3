package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/mocks/dvcqg"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestDVCQGPortalSpeaksEveryDialect pushes a dossier and a progress entry
// to the mock national portal in each dialect and reads them back there.
func TestDVCQGPortalSpeaksEveryDialect(t *testing.T) {
	at := time.Date(2026, 3, 2, 8, 30, 0, 0, vocab.Vietnam)
	for _, dialect := range []string{"envelope", "opencps", "rest"} {
		t.Run(dialect, func(t *testing.T) {
			srv, err := dvcqg.New(dvcqg.Options{Dialect: dialect,
				Accounts: []dvcqg.Account{{Username: "portal-01", Password: "pw", DstCode: "DST01", AgencyID: "000.00.00.H01"}}})
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			np := withDVCQGDialect(NewDVCQGPortal(ts.URL, "portal-01", "pw", "DST01", "000.00.00.H01", ts.Client()), dialect)
			ctx := context.Background()
			code := "000.00.00.H01-260302-0001"
			d := NationalDossier{MaHoSo: code, MaTTHC: "1.001193", ChuHoSo: "Nguyễn Văn An", TrangThaiHoSo: 1,
				NgayTiepNhan: at, KenhThucHien: "2"}
			if err := np.Sync(ctx, d, false); err != nil {
				t.Fatalf("Sync: %v", err)
			}
			d.TrangThaiHoSo = 2
			if err := np.Sync(ctx, d, true); err != nil {
				t.Fatalf("Sync update: %v", err)
			}
			if err := np.Progress(ctx, ProgressEntry{MaHoSo: code, NguoiXuLy: "Trần Thị Bình", TrangThai: 2,
				ThoiDiemXuLy: at, NgayBatDau: at, NgayKetThucTheoQuyDinh: at}); err != nil {
				t.Fatalf("Progress: %v", err)
			}
			h, found := srv.Dossier(code)
			if !found || h.TrangThaiHoSo != "2" || h.NgayTiepNhan != "20260302083000" || len(h.QuaTrinhXuLy) != 1 || h.QuaTrinhXuLy[0].NguoiXuLy != "Trần Thị Bình" {
				t.Fatalf("stored %+v (found %v)", h, found)
			}
			// A refusal comes back as the portal's error, with the code.
			if err := np.Sync(ctx, d, false); err == nil || !strings.Contains(err.Error(), "đã tồn tại") {
				t.Errorf("duplicate sync: %v", err)
			}
		})
	}
}

// TestDVCQGPortalRestWire checks the rest dialect's request shape: the
// URL, the query, the session header and the bare array.
func TestDVCQGPortalRestWire(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery+" session="+r.Header.Get("session")+" "+string(body[:1]))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/Login") {
			_ = json.NewEncoder(w).Encode(map[string]any{"error_code": 0, "message": "Thành công", "session": "S1"})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"error_code": 0, "message": "Thành công"})
	}))
	defer ts.Close()
	np := withDVCQGDialect(NewDVCQGPortal(ts.URL, "portal-01", "pw", "DST01", "000.00.00.H01", ts.Client()), "rest")
	ctx := context.Background()
	if err := np.Sync(ctx, NationalDossier{MaHoSo: "000.00.00.H01-260302-0001", TrangThaiHoSo: 1}, true); err != nil {
		t.Fatal(err)
	}
	if err := np.Progress(ctx, ProgressEntry{MaHoSo: "000.00.00.H01-260302-0001", TrangThai: 2}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"POST /api/SynsTTHCC/Login? session= {",
		"POST /api/SynsTTHCC/DongBoHoSoMC?MaDinhDanhDV=000.00.00.H01&isUpdating=True session=S1 [",
		"POST /api/SynsTTHCC/CapNhatTienDoHoSoMC?MaDinhDanhDV=000.00.00.H01 session=S1 [",
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests\n%s\nwant\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}

// TestDVCQGPortalOpenCPSWire checks the opencps dialect's request shape:
// the auth and integration endpoints, dstcode on every call, the envelope.
func TestDVCQGPortalOpenCPSWire(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%s %s dstcode=%s service=%v madonvi=%v session=%v isUpdating=%v",
			r.Method, r.URL.Path, r.Header.Get("dstcode"), body["service"], body["madonvi"], body["session"], body["isUpdating"]))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/adapter/auth" {
			_, _ = io.WriteString(w, `{"error_code":"0","message":"Thành công","session":"S1"}`)
			return
		}
		_, _ = io.WriteString(w, `{"error_code":"00","message":"Thành công"}`)
	}))
	defer ts.Close()
	np := withDVCQGDialect(NewDVCQGPortal(ts.URL, "portal-01", "pw", "DST01", "000.00.00.H01", ts.Client()), "opencps")
	ctx := context.Background()
	if err := np.Sync(ctx, NationalDossier{MaHoSo: "000.00.00.H01-260302-0001", TrangThaiHoSo: 1}, false); err != nil {
		t.Fatal(err)
	}
	if err := np.Progress(ctx, ProgressEntry{MaHoSo: "000.00.00.H01-260302-0001", TrangThai: 2}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"POST /adapter/auth dstcode=DST01 service=<nil> madonvi=<nil> session=<nil> isUpdating=<nil>",
		"POST /adapter/integration dstcode=DST01 service=DongBoHoSoMC madonvi=000.00.00.H01 session=S1 isUpdating=False",
		"POST /adapter/integration dstcode=DST01 service=CapNhatTienDoHoSoMC madonvi=000.00.00.H01 session=S1 isUpdating=<nil>",
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests\n%s\nwant\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}
