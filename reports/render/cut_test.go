package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dvcqa/dvcqa/reports"
)

// TestCutsKeepRunes: every place the reports cut text (reason, JUnit
// message, embedded evidence) cuts on a character boundary.
func TestCutsKeepRunes(t *testing.T) {
	s := strings.Repeat("đường Lê Lợi, ", 40)
	for n := 0; n < 60; n++ {
		if got := reports.Truncate(s, n); !utf8.ValidString(got) {
			t.Fatalf("Truncate(%d) = %q", n, got)
		}
		got := htmlTrimCutRune([]byte(s[:n]))
		if !utf8.Valid(got) || len(got) < n-utf8.UTFMax {
			t.Fatalf("htmlTrimCutRune(%d bytes) = %q", n, got)
		}
	}
}
