package refs

import (
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
)

// Sources of the calendar vectors (looked up December 2026):
//   - [LC112] Labour Code 2019 (Bộ luật Lao động 45/2019/QH14) art. 112: paid
//     holidays 1 Jan; 5 days of Tết; Hùng Kings' day (10/3 lunar); 30 Apr;
//     1 May; 2 Sep and one adjacent day; a holiday on a weekly day off is
//     compensated on the next working day.
//   - [TET26] the Prime Minister's approval of the Ministry of Home Affairs'
//     plan (Bộ Nội vụ, which took over labour from MOLISA in 2025) for Tết
//     Bính Ngọ 2026: civil servants off from Saturday 14 Feb 2026 (27 tháng
//     Chạp) to Sunday 22 Feb 2026 (mùng 6), 9 days in a row — reported by
//     congan.com.vn "Chính thức chốt phương án Tết Nguyên đán Bính Ngọ 2026
//     nghỉ 9 ngày" and baomoi.net.vn.
//   - [HUNG26] news.laodong.vn "Lịch nghỉ Giỗ Tổ Hùng Vương 2026, 30/4, 1/5":
//     Hùng Kings' day falls on Sunday 26 Apr 2026, compensated on Monday
//     27 Apr; 30 Apr and 1 May 2026 are Thursday and Friday.
//
// Unverified (no official notice seen): the day adjacent to 2 Sep 2026
// (Ministry of Home Affairs proposals were reported, not the decision),
// whether 2 Jan 2026 was swapped to make a 4-day New Year (proposed), and
// the whole 2027 calendar (Tết 2027: mùng 1 is Saturday 6 Feb 2027 by the
// lunar calendar; the days off are the data's reconstruction). Vectors on
// those dates are marked unverified and check only that the code follows
// the data.

// vietnam is written out here rather than taken from the code under test.
var vietnam = time.FixedZone("UTC+7", 7*3600)

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func fixtureCalendar(t *testing.T) *WorkingCalendar {
	t.Helper()
	c, err := NewWorkingCalendar(fixtures.MustLoad().Calendar.Holidays)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAppointmentGoldenVectors(t *testing.T) {
	cal := fixtureCalendar(t)
	for _, tt := range []struct {
		accepted   string // RFC 3339
		n          int
		want       string // RFC 3339, 17:00 Vietnam time
		source     string
		unverified bool
	}{
		// Across Hùng Kings' day, 30 Apr and 1 May 2026 [HUNG26, LC112]:
		// Fri 24 Apr; Sat 25, Sun 26, Mon 27 (compensatory) off; Tue 28 (1),
		// Wed 29 (2); Thu 30, Fri 1, Sat 2, Sun 3 off; Mon 4 May (3).
		{"2026-04-24T09:00:00+07:00", 3, "2026-05-04T17:00:00+07:00", "HUNG26", false},
		{"2026-04-24T09:00:00+07:00", 1, "2026-04-28T17:00:00+07:00", "HUNG26", false},
		{"2026-04-28T16:59:00+07:00", 2, "2026-05-04T17:00:00+07:00", "HUNG26", false},
		{"2026-04-29T08:00:00+07:00", 1, "2026-05-04T17:00:00+07:00", "HUNG26, LC112", false},
		{"2026-04-22T08:00:00+07:00", 1, "2026-04-23T17:00:00+07:00", "an ordinary Wednesday", false},
		// Accepted on a Saturday: the next working day is after the
		// compensatory Monday [HUNG26].
		{"2026-04-25T10:00:00+07:00", 1, "2026-04-28T17:00:00+07:00", "HUNG26", false},
		// Acceptance judged in Vietnam time: 23:30 UTC Thursday is 06:30
		// Friday 24 Apr in vocab.Vietnam.
		{"2026-04-23T23:30:00Z", 1, "2026-04-28T17:00:00+07:00", "HUNG26 + UTC+7", false},
		// Tết 2026 [TET26]: off Sat 14 – Sun 22 Feb; Fri 13 and Mon 23 work.
		{"2026-02-12T10:00:00+07:00", 1, "2026-02-13T17:00:00+07:00", "TET26", false},
		{"2026-02-13T10:00:00+07:00", 1, "2026-02-23T17:00:00+07:00", "TET26", false},
		{"2026-02-12T10:00:00+07:00", 3, "2026-02-24T17:00:00+07:00", "TET26", false},
		// n < 1 counts as one working day (contract: a service takes days).
		{"2026-04-29T08:00:00+07:00", 0, "2026-05-04T17:00:00+07:00", "contract", false},
		// 2 Sep 2026 is a Wednesday [LC112]; the data takes 1 Sep as the
		// adjacent day (unverified).
		{"2026-08-31T10:00:00+07:00", 1, "2026-09-03T17:00:00+07:00", "LC112 + data", true},
		// Tết 2027 as the data reconstructs it (unverified): Fri 5 Feb, then
		// 8–11 Feb off; Fri 12 Feb is the first working day.
		{"2027-02-04T10:00:00+07:00", 1, "2027-02-12T17:00:00+07:00", "data", true},
		{"2027-04-29T10:00:00+07:00", 1, "2027-05-04T17:00:00+07:00", "LC112 + data", true},
	} {
		got := cal.Appointment(at(t, tt.accepted), tt.n)
		want := at(t, tt.want)
		if !got.Equal(want) {
			t.Errorf("Appointment(%s, %d) = %s, want %s [%s, unverified=%v]", tt.accepted, tt.n, got.Format(time.RFC3339), tt.want, tt.source, tt.unverified)
		}
		if _, off := got.Zone(); off != 7*3600 {
			t.Errorf("Appointment(%s, %d) is in a zone with offset %d, want UTC+7", tt.accepted, tt.n, off)
		}
	}
}

func TestWorkingDayGoldenVectors(t *testing.T) {
	cal := fixtureCalendar(t)
	for _, tt := range []struct {
		date   string
		want   bool
		source string
	}{
		{"2026-01-01", false, "LC112 (New Year)"},
		{"2026-02-13", true, "TET26 (last working day before Tết)"},
		{"2026-02-16", false, "TET26"},
		{"2026-02-17", false, "TET26 (mùng 1)"},
		{"2026-02-20", false, "TET26"},
		{"2026-02-23", true, "TET26 (first working day after Tết)"},
		{"2026-04-26", false, "HUNG26 (Sunday)"},
		{"2026-04-27", false, "HUNG26 (compensatory Monday)"},
		{"2026-04-28", true, "HUNG26"},
		{"2026-04-30", false, "LC112"},
		{"2026-05-01", false, "LC112"},
		{"2026-05-04", true, "HUNG26"},
		{"2026-09-02", false, "LC112 (National Day)"},
		{"2026-04-25", false, "Saturday"},
		{"2026-12-01", true, "an ordinary Tuesday"},
	} {
		d, err := time.ParseInLocation("2006-01-02 15:04", tt.date+" 12:00", vietnam)
		if err != nil {
			t.Fatal(err)
		}
		if got := cal.WorkingDay(d); got != tt.want {
			t.Errorf("WorkingDay(%s) = %v, want %v [%s]", tt.date, got, tt.want, tt.source)
		}
	}
	// 23:30 UTC on Friday 24 Apr is already Saturday in vocab.Vietnam.
	if cal.WorkingDay(at(t, "2026-04-24T23:30:00Z")) {
		t.Error("WorkingDay judged 2026-04-24T23:30Z by its UTC date, want the Vietnam date (Saturday)")
	}
}

func TestWorkingCalendarByHand(t *testing.T) {
	cal, err := NewWorkingCalendar([]string{"2026-04-23"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cal.Appointment(at(t, "2026-04-22T10:00:00+07:00"), 1); !got.Equal(at(t, "2026-04-24T17:00:00+07:00")) {
		t.Errorf("a holiday listed by hand is not skipped: %s", got)
	}
	for _, bad := range []string{"2026-4-23", "23/04/2026", "2026-02-30", ""} {
		if _, err := NewWorkingCalendar([]string{bad}); err == nil {
			t.Errorf("NewWorkingCalendar(%q): want an error", bad)
		}
	}
	// Far from the epoch and before it, stepping stays right.
	if got := cal.Appointment(at(t, "1969-12-31T10:00:00+07:00"), 1); !got.Equal(at(t, "1970-01-01T17:00:00+07:00")) {
		t.Errorf("Appointment before 1970 = %s", got)
	}
}
