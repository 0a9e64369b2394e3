package dvcqg

import (
	"fmt"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
)

// TimeLayout is the portal's date format, yyyyMMddHHmmss in Vietnam time.
const TimeLayout = "20060102150405"

// FormatTime renders t in Vietnam time, whatever t's location.
func FormatTime(t time.Time) string { return t.In(fixtures.VietnamTZ).Format(TimeLayout) }

// ParseTime reads a TimeLayout string as Vietnam time.
func ParseTime(s string) (time.Time, error) {
	// time.Parse accepts some short fields; the wire format is fixed-width.
	if len(s) != len(TimeLayout) {
		return time.Time{}, fmt.Errorf("parse dvcqg time %q: want %d digits yyyyMMddHHmmss", s, len(TimeLayout))
	}
	t, err := time.ParseInLocation(TimeLayout, s, fixtures.VietnamTZ)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse dvcqg time %q: %w", s, err)
	}
	return t, nil
}
