package dvcqg

import (
	"testing"
	"time"
)

// Golden vectors of the national portal's date/time layout. No published
// integration example with a literal date value was found; the layout
// itself is published ("yyyyMMddHHmmss", Asia/Ho_Chi_Minh: OpenCPS's
// DVCQGIntegrationActionImpl and the Thanh Hóa system, in
// /work/shared/domain.md and protocols-public.md), so each vector below is
// that layout applied by hand to an instant written in RFC 3339, with the
// +7 hours worked out in the comment.
func TestTimeLayoutGoldenVectors(t *testing.T) {
	for _, tt := range []struct {
		instant, wire string
	}{
		{"2026-04-24T09:05:07+07:00", "20260424090507"}, // already Vietnam time
		{"2026-03-01T17:30:05Z", "20260302003005"},      // 17:30 UTC + 7 h = 00:30 next day
		{"2026-12-31T23:59:59Z", "20270101065959"},      // crosses the year
		{"2026-02-17T00:00:00+09:00", "20260216220000"}, // from Tokyo time: −2 h
		{"2028-02-29T16:59:59Z", "20280229235959"},      // leap day, still 29 Feb
	} {
		in, err := time.Parse(time.RFC3339, tt.instant)
		if err != nil {
			t.Fatal(err)
		}
		if got := FormatTime(in); got != tt.wire {
			t.Errorf("FormatTime(%s) = %s, want %s", tt.instant, got, tt.wire)
		}
		back, err := ParseTime(tt.wire)
		if err != nil || !back.Equal(in) {
			t.Errorf("ParseTime(%s) = %v, %v; want %s", tt.wire, back, err, tt.instant)
		}
	}
	// Not the layout: other separators, lengths, signs, impossible dates.
	for _, bad := range []string{"2026-04-24 09:05", "2026042409050", "+2026042409050", "20260230090507", "20260424250000", "２0260424090507"} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q): want an error", bad)
		}
	}
}

// Golden vectors of the dossier code (MaHoSo) "{agency id}-{yyMMdd}-{4-digit
// sequence}" (/work/shared/domain.md, from OpenCPS; protocols-public.md:
// "{agency}-{yyMMdd}-{seq}"), with agency ids in the published shape
// "000.00.01.H22". No published dossier code was found; each vector
// assembles published parts by hand.
func TestDossierCodeGoldenVectors(t *testing.T) {
	for code, want := range map[string]bool{
		"000.00.01.H22-200415-0001":   true,  // published agency id shape, 15 Apr 2020, first dossier
		"000.00.00.H01-261201-9999":   true,  // last sequence of a day
		"H56-240229-0042":             true,  // leap day 2024
		"000.00.01.H22-230229-0001":   false, // 29 Feb 2023 does not exist
		"000.00.01.H22-261301-0001":   false, // month 13
		"000.00.01.H22-20261201-0001": false, // yyyyMMdd, not yyMMdd
		"000.00.01.H22-261201-001":    false, // 3-digit sequence
		"000.00.01.H22-261201-00001":  false, // 5-digit sequence
		"-261201-0001":                false, // no agency
		"000.00.01.H22 261201 0001":   false,
		"000.00.01.H22-261201-0001\n": false,
	} {
		if got := ValidDossierCode(code); got != want {
			t.Errorf("ValidDossierCode(%q) = %v, want %v", code, got, want)
		}
	}
}
