package dvcqg

import "testing"

// The published table of TrangThaiHoSo, as /work/shared/domain.md records it
// from VietOpenCPS/opencps-v2 and HuanVu201/DichVuCong_KhoaLuan_PASETO:
// "1 newly submitted, 2 accepted, 3 rejected at intake, 4 processing,
// 5 documents requested, 6 payment required, 7 withdrawn by applicant,
// 8 processing stopped, 9 processing finished, 10 result delivered".
// The vectors are that sentence, split, not derived from the code.
func TestStatusTableGoldenVectors(t *testing.T) {
	published := []struct {
		wire, en string
	}{
		{"1", "newly submitted"},
		{"2", "accepted"},
		{"3", "rejected at intake"},
		{"4", "processing"},
		{"5", "documents requested"},
		{"6", "payment required"},
		{"7", "withdrawn by the applicant"},
		{"8", "processing stopped"},
		{"9", "processing finished"},
		{"10", "result delivered"},
	}
	for _, p := range published {
		s, ok := ParseStatus(p.wire)
		if !ok {
			t.Errorf("ParseStatus(%q) refused a published status", p.wire)
			continue
		}
		if s.Meaning() != p.en || s.Wire() != p.wire || s.MeaningVI() == "" {
			t.Errorf("status %s = %q/%q (wire %q), want %q", p.wire, s.Meaning(), s.MeaningVI(), s.Wire(), p.en)
		}
	}
	for _, bad := range []string{"", "0", "11", "-1", "04", "+4", " 4", "4 ", "x"} {
		if _, ok := ParseStatus(bad); ok {
			t.Errorf("ParseStatus(%q) accepted a status outside the table", bad)
		}
	}
	if Status(0).Meaning() != "" || Status(11).Valid() {
		t.Error("a status outside 1..10 has a meaning")
	}
}
