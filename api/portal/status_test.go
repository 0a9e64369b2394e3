package portal

import "testing"

// Golden vectors: each workflow state of the portal contract
// (docs/contracts.md, "Workflow") and of the catalog's vocabulary, next to
// the national portal status whose published meaning it is (the table of
// TrangThaiHoSo in /work/shared/domain.md, from OpenCPS and a Thanh Hóa
// system). Written out, not derived from the code under test.
func TestStatusCodeGoldenVectors(t *testing.T) {
	for _, tt := range []struct {
		state string
		code  int
		why   string
	}{
		{"submitted", 1, "1 newly submitted"},
		{"accepted", 2, "2 accepted"},
		{"rejected", 3, "3 rejected at intake"},
		{"processing", 4, "4 processing"},
		{"supplement_requested", 5, "5 documents requested"},
		{"payment_required", 6, "6 payment required"},
		{"withdrawn", 7, "7 withdrawn by applicant"},
		{"stopped", 8, "8 processing stopped"},
		{"finished", 9, "9 processing finished"},
		{"delivered", 10, "10 result delivered"},
	} {
		if got, ok := StatusCode(tt.state); !ok || got != tt.code {
			t.Errorf("StatusCode(%q) = %d, %v; want %d (%s)", tt.state, got, ok, tt.code, tt.why)
		}
	}
	for _, bad := range []string{"", "Delivered", "paid", "done"} {
		if c, ok := StatusCode(bad); ok {
			t.Errorf("StatusCode(%q) = %d, want unknown", bad, c)
		}
	}
}
