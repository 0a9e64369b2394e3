package dvcqg

import (
	"fmt"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

// TimeLayout is the portal's date format, yyyyMMddHHmmss in Vietnam time
// (OpenCPS's DVCQG integration; /work/shared/domain.md).
const TimeLayout = "20060102150405"

// FormatTime renders t in Vietnam time, whatever t's location.
func FormatTime(t time.Time) string { return t.In(vocab.Vietnam).Format(TimeLayout) }

// ParseTime reads a TimeLayout string as Vietnam time.
func ParseTime(s string) (time.Time, error) {
	// time.Parse accepts some short fields; the wire format is fixed-width.
	if len(s) != len(TimeLayout) {
		return time.Time{}, fmt.Errorf("parse dvcqg time %q: want %d digits yyyyMMddHHmmss", s, len(TimeLayout))
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, fmt.Errorf("parse dvcqg time %q: want digits only", s)
		}
	}
	t, err := time.ParseInLocation(TimeLayout, s, vocab.Vietnam)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse dvcqg time %q: %w", s, err)
	}
	return t, nil
}
