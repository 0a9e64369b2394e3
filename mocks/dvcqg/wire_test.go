package dvcqg

import (
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

// /work/shared/protocols-public.md: "Dates yyyyMMddHHmmss, status 1–10 and
// dossier code {agency}-{yyMMdd}-{seq}"; docs/contracts.md: MaHoSo
// {madonvi}-{yyMMdd}-{NNNN}, dates in Vietnam time.
func TestWallClock(t *testing.T) {
	got, err := parseWallClock("20260302083000")
	if want := time.Date(2026, 3, 2, 8, 30, 0, 0, vocab.Vietnam); err != nil || !got.Equal(want) {
		t.Fatalf("parse = %v %v, want %v", got, err, want)
	}
	for _, bad := range []string{"", "2026030208300", "202603020830000", "02/03/2026 08:30:00", "2026-03-02T08:30", "20261302083000", "2026030208300a", "+2026030208300"} {
		if _, err := parseWallClock(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestDossierCodeFormat(t *testing.T) {
	for code, agency := range map[string]string{
		"000.00.00.H01-260302-0001":   "000.00.00.H01",
		"H29_A-240229-9999":           "H29_A", // 2024 is a leap year
		"a-b-260302-0001":             "",      // '-' is not an agency character
		"000.00.00.H01-250229-0001":   "",      // 2025 is not
		"000.00.00.H01-261301-0001":   "",
		"000.00.00.H01-260300-0001":   "",
		"000.00.00.H01-20260302-0001": "",
		"000.00.00.H01-260302-001":    "",
		"000.00.00.H01-260302-00001":  "",
		"-260302-0001":                "",
		"000.00.00.H01-2603a2-0001":   "",
		"000.00.00.H01 260302 0001":   "",
	} {
		got, ok := splitDossierCode(code)
		if ok != (agency != "") || got != agency {
			t.Errorf("%s: %q %v, want %q", code, got, ok, agency)
		}
	}
}

func TestRelayout(t *testing.T) {
	h := HoSo{NgayTiepNhan: "20260302083000", NgayHenTra: "", NgayTra: "bad",
		QuaTrinhXuLy: []TienDo{{ThoiDiemXuLy: "20260303170000", NgayBatDau: "20260302083000", NgayKetThucTheoQuyDinh: "20260310170000"}}}
	relayout(&h, "02/01/2006 15:04:05")
	if h.NgayTiepNhan != "02/03/2026 08:30:00" || h.NgayHenTra != "" || h.NgayTra != "bad" ||
		h.QuaTrinhXuLy[0].ThoiDiemXuLy != "03/03/2026 17:00:00" || h.QuaTrinhXuLy[0].NgayKetThucTheoQuyDinh != "10/03/2026 17:00:00" {
		t.Fatalf("relayout: %+v", h)
	}
}
