package portal

import (
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/vocab"
)

func TestStatusTable(t *testing.T) {
	// docs/contracts.md: TrangThaiHoSo 1..10; the states in the order the
	// national portal numbers them.
	want := []string{"submitted", "accepted", "rejected", "processing", "supplement_requested",
		"payment_required", "withdrawn", "stopped", "finished", "delivered"}
	for i, st := range want {
		if got := statusCodeOf(st, false); got != i+1 {
			t.Errorf("%s = %d, want %d", st, got, i+1)
		}
	}
	if statusCodeOf("archived", false) != 0 {
		t.Error("an unknown state has a code")
	}
	// Seeded defect status-codes-swapped: only accepted and processing move.
	for st, want := range map[string]int{"accepted": 4, "processing": 2, "submitted": 1, "delivered": 10} {
		if got := statusCodeOf(st, true); got != want {
			t.Errorf("swapped %s = %d, want %d", st, got, want)
		}
	}
}

func TestOfficeCalendar(t *testing.T) {
	vn := vocab.Vietnam
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, vn) }
	cal, err := newOfficeCalendar([]string{"2026-04-30", "2026-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	sat := cal
	sat.saturdays = true
	for _, c := range []struct {
		name     string
		c        officeCalendar
		from     time.Time
		n        int
		want     time.Time
		weekdays bool
	}{
		{"Monday + 1", cal, at(2026, 3, 2, 9), 1, at(2026, 3, 3, 17), true},
		{"Friday + 1 skips the weekend", cal, at(2026, 3, 6, 16), 1, at(2026, 3, 9, 17), true},
		{"Saturday + 5 is next Friday", cal, at(2026, 3, 7, 10), 5, at(2026, 3, 13, 17), true},
		{"n < 1 counts as 1", cal, at(2026, 3, 2, 9), 0, at(2026, 3, 3, 17), true},
		{"the Vietnam date counts, not UTC", cal, time.Date(2026, 3, 2, 17, 30, 0, 0, time.UTC), 1, at(2026, 3, 4, 17), true}, // 00:30 Tue in Vietnam
		{"holidays skipped (30/4, 1/5), then the weekend", cal, at(2026, 4, 29, 10), 1, at(2026, 5, 4, 17), false},
		{"seeded defect: Saturday counts", sat, at(2026, 3, 6, 16), 1, at(2026, 3, 7, 17), false},
		{"seeded defect: a holiday Friday, then Saturday", sat, at(2026, 4, 29, 10), 1, at(2026, 5, 2, 17), false},
	} {
		if got := c.c.AddWorkingDays(c.from, c.n); !got.Equal(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
		if c.weekdays { // the tests' holiday-free calendar agrees where no holiday is near
			if got := (weekdays{}).AddWorkingDays(c.from, max(c.n, 1)); !got.Equal(c.want) {
				t.Errorf("%s: test calendar says %v", c.name, got)
			}
		}
	}
	if _, err := newOfficeCalendar([]string{"30/04/2026"}); err == nil {
		t.Error("a malformed holiday was accepted")
	}
}

func TestDossierCode(t *testing.T) {
	at := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC) // 01:00 on 2 March in Vietnam
	// docs/contracts.md: MaHoSo "{agency_id}-{yyMMdd}-{NNNN}".
	if got := dossierCode("000.00.00.H01", at, 1, false); got != "000.00.00.H01-260302-0001" {
		t.Errorf("code %s", got)
	}
	if got := dossierCode("000.00.00.H01", at, 12, true); got != "000.00.00.H01-20260302-0012" {
		t.Errorf("seeded defect dossier-code-format: %s", got)
	}
}

func TestFieldRules(t *testing.T) {
	f := func(typ string) *fixtures.Field { return &fixtures.Field{Name: "X", Type: typ} }
	for _, c := range []struct {
		field   *fixtures.Field
		v       string
		lenient bool
		bad     bool
	}{
		{f("id_number"), "001090000001", false, false},
		{f("id_number"), "12345678", false, true}, // the suites' malformed ID
		{f("id_number"), "12345678", true, false}, // seeded defect personal-id-lenient
		{f("id_number"), "1234567", true, true},
		{f("id_number"), "00109000000١", false, true}, // an Arabic-Indic digit is not ASCII
		{f("id_number"), "0010900000012", false, true},
		{f("phone"), "0912345678", false, false},
		{f("phone"), "912345678", false, true},
		{f("phone"), "1912345678", false, true},
		{f("phone"), "09123456a8", false, true},
		{f("date"), "2026-02-28", false, false},
		{f("date"), "2026-02-29", false, true},
		{f("date"), "28/02/2026", false, true},
		{f("date"), "2026-2-28", false, true},
		{f("date"), "2026-02-30", false, true}, // the suites' malformed date
		{f("date"), "2026-02-30", true, false}, // seeded defect date-validation-lenient
		{f("phone"), "091234567", true, false}, // seeded defect phone-validation-lenient
		{f("number"), "-12.5", false, false},
		{f("email"), "a@b.vn", false, false},
		{f("email"), "a@b", false, true},
		{&fixtures.Field{Type: "select", Options: []string{"Nam", "Nữ"}}, "Nữ", false, false},
		{&fixtures.Field{Type: "select", Options: []string{"Nam", "Nữ"}}, "nu", false, true},
		{&fixtures.Field{Type: "text", MaxLen: 3}, "Việt", false, true}, // 4 characters, not bytes
		{&fixtures.Field{Type: "text", Pattern: "[A-Z]{2}"}, "AB", false, false},
		{&fixtures.Field{Type: "text", Pattern: "[A-Z]{2}"}, "ABC", false, true}, // patterns match in full
		{f("text"), "a\nb", false, true},
		{f("colour"), "x", false, true},
	} {
		// c.lenient loosens the rule of the field's own type.
		lax := leniency{id: c.lenient && c.field.Type == "id_number", date: c.lenient && c.field.Type == "date", phone: c.lenient && c.field.Type == "phone"}
		en, vi := fieldProblem(c.field, c.v, lax)
		if (en != "") != c.bad || (en == "") != (vi == "") {
			t.Errorf("%s %q (lenient %v): %q / %q, want bad=%v", c.field.Type, c.v, c.lenient, en, vi, c.bad)
		}
	}
}
