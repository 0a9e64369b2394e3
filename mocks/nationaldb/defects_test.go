package nationaldb

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/defects"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

var population = fixtures.Database{
	ID:     "population",
	Keys:   []string{"SoDinhDanh", "SoCMND"},
	Fields: []string{"SoDinhDanh", "SoCMND", "HoVaTen", "GioiTinh", "NgayCapNhat"},
}

var hoa = map[string]string{"SoDinhDanh": "001090012345", "SoCMND": "012345678", "HoVaTen": "Nguyễn Thị Hoa",
	"GioiTinh": "2", "NgayCapNhat": "2025-03-14"}

func newPopulation(t *testing.T, set *defects.Set) *Server {
	t.Helper()
	s, err := New(Options{DB: population, InternalKey: key, Defects: set, Records: []map[string]string{hoa}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestDefectDBDown(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "tax-db-down"}) // another database's switch
	s := newPopulation(t, set)
	if a := get(t, s, "/records?SoDinhDanh=001090012345", true); a.status != 200 {
		t.Fatalf("tax-db-down took population down: %d", a.status)
	}

	set.Replace([]defects.Switch{{Name: "population-db-down"}})
	if a := get(t, s, "/records?SoDinhDanh=001090012345", true); a.status != 503 || a.err.Code != "unavailable" {
		t.Errorf("records with population-db-down: %d %+v, want 503", a.status, a.err)
	}
	if a := get(t, s, "/healthz", false); a.status != 503 {
		t.Errorf("healthz with population-db-down: %d, want 503", a.status)
	}

	set.Replace(nil)
	if a := get(t, s, "/records?SoDinhDanh=001090012345", true); a.status != 200 || len(a.recs) != 1 {
		t.Errorf("records after the switch went off: %d", a.status)
	}
	if a := get(t, s, "/healthz", false); a.status != 200 {
		t.Errorf("healthz after the switch went off: %d", a.status)
	}
}

func TestDefectDBSlow(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "population-db-slow"})
	s := newPopulation(t, set)
	srv := httptest.NewServer(s)
	defer srv.Close()

	// /healthz is not delayed: a slow database is still up.
	start := time.Now()
	if a := get(t, s, "/healthz", false); a.status != 200 || time.Since(start) > time.Second {
		t.Errorf("healthz while slow: %d after %v", a.status, time.Since(start))
	}

	// The wait is 2 s ...
	start = time.Now()
	if a := get(t, s, "/records?SoDinhDanh=001090012345", true); a.status != 200 {
		t.Fatalf("slow lookup: %d", a.status)
	}
	if took := time.Since(start); took < slowDelay {
		t.Errorf("slow lookup answered after %v, want ≥ %v", took, slowDelay)
	}

	// ... and ends with the caller's deadline, as the gateway's.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/records?SoDinhDanh=001090012345", nil)
	req.Header.Set(gwapi.HeaderInternalKey, key)
	start = time.Now()
	if resp, err := srv.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("slow lookup answered %d within the deadline", resp.StatusCode)
	}
	srv.Close() // waits for the handler
	if took := time.Since(start); took > slowDelay-500*time.Millisecond {
		t.Errorf("handler held on for %v after the caller left", took)
	}
	log := s.Requests()
	if last := log[len(log)-1]; last.Status != StatusClientGone {
		t.Errorf("last log entry %+v, want status %d", last, StatusClientGone)
	}

	set.Replace(nil)
	start = time.Now()
	if a := get(t, s, "/records?SoDinhDanh=001090012345", true); a.status != 200 || time.Since(start) > time.Second {
		t.Errorf("lookup after the switch went off: %d after %v", a.status, time.Since(start))
	}
}

func TestDefectStale(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "tax-stale"}) // another database's switch
	s := newPopulation(t, set)
	if a := get(t, s, "/records?SoDinhDanh=001090012345", true); a.status != 200 || a.recs[0]["HoVaTen"] != hoa["HoVaTen"] {
		t.Fatalf("tax-stale changed population: %d %+v", a.status, a.recs)
	}

	set.Replace([]defects.Switch{{Name: "population-stale"}})
	var first gwapi.Record
	for _, q := range []string{"SoDinhDanh=001090012345", "SoCMND=012345678", "SoDinhDanh=001090012345"} {
		a := get(t, s, "/records?"+q, true)
		if a.status != 200 || len(a.recs) != 1 {
			t.Fatalf("stale lookup by %s: %d %+v", q, a.status, a.recs)
		}
		rec := a.recs[0]
		if first == nil {
			first = rec
		}
		if fmt.Sprint(rec) != fmt.Sprint(first) {
			t.Errorf("by %s: %v, want the same stale copy %v", q, rec, first)
		}
		former := strings.Fields(rec["HoVaTen"])
		if rec["HoVaTen"] == hoa["HoVaTen"] || len(former) != 3 || strings.Join(former[:2], " ") != "Nguyễn Thị" {
			t.Errorf("by %s: HoVaTen %q, want a former given name after Nguyễn Thị", q, rec["HoVaTen"])
		}
		if rec["NgayCapNhat"] != "2024-03-14" {
			t.Errorf("by %s: NgayCapNhat %q, want 2024-03-14", q, rec["NgayCapNhat"])
		}
		for _, f := range []string{"SoDinhDanh", "SoCMND", "GioiTinh"} {
			if rec[f] != hoa[f] {
				t.Errorf("by %s: %s %q changed, want %q", q, f, rec[f], hoa[f])
			}
		}
		if len(rec) != len(hoa) {
			t.Errorf("by %s: fields %v, want those of %v", q, rec, hoa)
		}
	}
	if a := get(t, s, "/records?SoDinhDanh=001090099999", true); a.status != 404 {
		t.Errorf("unknown ID while stale: %d, want 404", a.status)
	}

	set.Replace(nil)
	if a := get(t, s, "/records?SoCMND=012345678", true); a.status != 200 || fmt.Sprint(a.recs[0]) != fmt.Sprint(gwapi.Record(hoa)) {
		t.Errorf("after the switch went off: %d %+v, want the current record", a.status, a.recs)
	}
	if got := s.store.find("SoDinhDanh", "001090012345")[0]["HoVaTen"]; got != hoa["HoVaTen"] {
		t.Errorf("the stale copy changed the store: %q", got)
	}
}

func TestStaleCopyAlwaysDiffers(t *testing.T) {
	for i := range 500 {
		id := fmt.Sprintf("0010900%05d", i)
		for _, given := range formerGivenNames {
			rec := gwapi.Record{"SoDinhDanh": id, "HoVaTen": "Trần Văn " + given}
			got := staleCopy(rec)["HoVaTen"]
			if got == rec["HoVaTen"] || !strings.HasPrefix(got, "Trần Văn ") {
				t.Fatalf("%s %q: former name %q", id, rec["HoVaTen"], got)
			}
			if again := staleCopy(rec)["HoVaTen"]; again != got {
				t.Fatalf("%s: former name %q then %q", id, got, again)
			}
		}
	}
	for date, want := range map[string]string{"2024-02-29": "2023-02-28", "2025-01-01": "2024-01-01", "": "", "n/a": "n/a"} {
		if got := staleCopy(gwapi.Record{"NgayCapNhat": date})["NgayCapNhat"]; got != want {
			t.Errorf("NgayCapNhat %q → %q, want %q", date, got, want)
		}
	}
	if got := staleCopy(gwapi.Record{"SoDinhDanh": "001090012345"}); len(got) != 1 {
		t.Errorf("a record without name or date gained fields: %v", got)
	}
}

func TestDefectIdentityDrift(t *testing.T) {
	civil := fixtures.Database{ID: "civil_status", Keys: []string{"SoDinhDanh"},
		Fields: []string{"SoDinhDanh", "HoVaTen", "NoiDangKyKhaiSinh", "NgayCapNhat"}}
	rec := map[string]string{"SoDinhDanh": "001090012345", "HoVaTen": "Nguyễn Thị Hoa",
		"NoiDangKyKhaiSinh": "Phường Ba Đình, Thành phố Hà Nội", "NgayCapNhat": "2025-03-14"}
	set := defects.NewSet(defects.Switch{Name: "civil_status-identity-drift"})
	s, err := New(Options{DB: civil, InternalKey: key, Defects: set, Records: []map[string]string{rec}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	a := get(t, s, "/records?SoDinhDanh=001090012345", true)
	if a.status != 200 || len(a.recs) != 1 {
		t.Fatalf("drifted lookup: %d %s", a.status, a.body)
	}
	want := map[string]string{"SoDinhDanh": "001090012345", "HoVaTen": "Nguyễn Thị Hoa",
		"NoiDangKyKhaiSinh": "Xã Ba Đình, Thành phố Hà Nội", "NgayCapNhat": "2025-03-14"}
	if fmt.Sprint(map[string]string(a.recs[0])) != fmt.Sprint(want) {
		t.Errorf("civil_status with the drift on: %v, want %v (name and update date kept)", a.recs[0], want)
	}

	// Population: the date of birth slips a day; another database's
	// switch leaves it alone.
	pop := map[string]string{"SoDinhDanh": "001090012345", "HoVaTen": "Nguyễn Thị Hoa", "NgayThangNamSinh": "1990-03-01"}
	if got := driftedCopy(pop)["NgayThangNamSinh"]; got != "1990-02-28" {
		t.Errorf("drifted date of birth %s, want 1990-02-28", got)
	}
	ps := newPopulation(t, set)
	if a := get(t, ps, "/records?SoDinhDanh=001090012345", true); a.status != 200 || fmt.Sprint(map[string]string(a.recs[0])) != fmt.Sprint(hoa) {
		t.Errorf("civil_status-identity-drift changed population: %d %v", a.status, a.recs)
	}

	set.Replace(nil)
	if a := get(t, s, "/records?SoDinhDanh=001090012345", true); fmt.Sprint(map[string]string(a.recs[0])) != fmt.Sprint(rec) {
		t.Errorf("after the switch went off: %v, want %v", a.recs[0], rec)
	}
}
