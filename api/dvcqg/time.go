package dvcqg

import (
	"fmt"
	"time"
)

// TimeLayout is the portal's date format, yyyyMMddHHmmss in Vietnam time
// (OpenCPS's DVCQG integration; /work/shared/domain.md).
const TimeLayout = "20060102150405"

// Vietnam is Asia/Ho_Chi_Minh, UTC+7 without daylight saving, fixed here so
// that no tzdata is needed and the harness's reference shares no code with
// fixtures or the mocks.
var Vietnam = time.FixedZone("ICT", 7*60*60)

// FormatTime renders t in Vietnam time, whatever t's location.
func FormatTime(t time.Time) string { return t.In(Vietnam).Format(TimeLayout) }

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
	t, err := time.ParseInLocation(TimeLayout, s, Vietnam)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse dvcqg time %q: %w", s, err)
	}
	return t, nil
}
