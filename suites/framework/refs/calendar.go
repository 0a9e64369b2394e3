package refs

import (
	"fmt"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

// vietnamOffset is Asia/Ho_Chi_Minh: UTC+7 all year (no daylight saving
// since 1975), so a civil date is the UTC instant shifted by 7 hours.
const vietnamOffset = 7 * time.Hour

// AppointmentHour is when a dossier's result is due on its last day
// (ngày hẹn trả): 17:00, the end of the office day (docs/contracts.md,
// portal workflow).
const AppointmentHour = 17

// day is a civil date in Vietnam counted as days since 1970-01-01, so that
// stepping and weekday arithmetic need no calendar library.
type day int64

// civilDay is t's date in Vietnam time.
func civilDay(t time.Time) day {
	secs := t.Unix() + int64(vietnamOffset/time.Second)
	d := secs / 86400
	if secs%86400 < 0 { // floor for instants before 1970
		d--
	}
	return day(d)
}

// weekend: 1970-01-01 was a Thursday, so d%7 == 2 is Saturday, 3 Sunday.
func (d day) weekend() bool {
	r := ((int64(d) % 7) + 7) % 7
	return r == 2 || r == 3
}

// at is the instant of hour:00 on d, Vietnam time, in a UTC+7 location.
func (d day) at(hour int) time.Time {
	unix := int64(d)*86400 + int64(hour)*3600 - int64(vietnamOffset/time.Second)
	return time.Unix(unix, 0).In(vocab.Vietnam)
}

// WorkingCalendar says which dates are working days at a Vietnamese public
// office: Monday to Friday except the listed public holidays (ngày nghỉ lễ,
// Tết) and the compensatory days off the government announces.
type WorkingCalendar struct {
	off map[day]bool
}

// NewWorkingCalendar reads holidays given as "YYYY-MM-DD" (the holiday data
// of fixtures/calendar.yaml, or a target's own).
func NewWorkingCalendar(holidays []string) (*WorkingCalendar, error) {
	c := &WorkingCalendar{off: make(map[day]bool, len(holidays))}
	for _, h := range holidays {
		d, err := parseCivil(h)
		if err != nil {
			return nil, fmt.Errorf("holiday %q: %w", h, err)
		}
		c.off[d] = true
	}
	return c, nil
}

// parseCivil reads a strict YYYY-MM-DD date.
func parseCivil(s string) (day, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("want YYYY-MM-DD")
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, err
	}
	return day(t.Unix() / 86400), nil
}

// WorkingDay reports whether t's date, in Vietnam time, is a working day.
func (c *WorkingCalendar) WorkingDay(t time.Time) bool {
	d := civilDay(t)
	return !d.weekend() && !c.off[d]
}

// Appointment is the appointment (ngày hẹn trả) of a dossier accepted at
// accepted and processed in n working days: 17:00 Vietnam time on the n-th
// working day after the acceptance date; the acceptance day itself never
// counts, even when it is a working day. A service always takes at least
// one working day, so n < 1 counts as 1.
func (c *WorkingCalendar) Appointment(accepted time.Time, n int) time.Time {
	if n < 1 {
		n = 1
	}
	d := civilDay(accepted)
	for n > 0 {
		d++
		if !d.weekend() && !c.off[d] {
			n--
		}
	}
	return d.at(AppointmentHour)
}
