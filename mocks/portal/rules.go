package portal

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/vocab"
)

// The portal's own implementations of the rules the harness checks it
// against: the national portal's status table, the working-day calendar,
// the dossier-code format and field validation. They are written here from
// the contract (docs/contracts.md) and read only DATA from fixtures (the
// catalog's fields, the holiday list): the harness forms its expectations
// with code of its own, so a mistake on either side fails a spec instead of
// being shared.

// nationalStatus is the national portal's TrangThaiHoSo for each workflow
// state: 1 mới tiếp nhận … 10 đã trả kết quả (docs/contracts.md, DVCQG:
// "TrangThaiHoSo 1..10").
var nationalStatus = [...]struct {
	state string
	code  int
}{
	{"submitted", 1},            // mới tiếp nhận
	{"accepted", 2},             // đã tiếp nhận
	{"rejected", 3},             // từ chối tiếp nhận
	{"processing", 4},           // đang xử lý
	{"supplement_requested", 5}, // yêu cầu bổ sung
	{"payment_required", 6},     // chờ thanh toán
	{"withdrawn", 7},            // công dân rút hồ sơ
	{"stopped", 8},              // dừng xử lý
	{"finished", 9},             // đã xử lý xong
	{"delivered", 10},           // đã trả kết quả
}

// statusCodeOf is a state's TrangThaiHoSo, 0 for an unknown state.
// swapped is the seeded defect status-codes-swapped: accepted and
// processing trade codes (2 ↔ 4).
func statusCodeOf(state string, swapped bool) int {
	if swapped {
		switch state {
		case "accepted":
			state = "processing"
		case "processing":
			state = "accepted"
		}
	}
	for _, s := range nationalStatus {
		if s.state == state {
			return s.code
		}
	}
	return 0
}

// statusCode is the code the portal reports and syncs for a state of a
// dossier of service.
func (s *Server) statusCode(service, state string) int {
	_, swapped := s.defect(defectStatusCodesSwapped, service)
	return statusCodeOf(state, swapped)
}

// officeCalendar counts working days: Monday to Friday, except the
// listed public holidays (Vietnam time). saturdays is the seeded defect
// calendar-saturday-working: Saturday counted as a working day.
type officeCalendar struct {
	off       map[civilDay]bool
	saturdays bool
}

type civilDay struct {
	y int
	m time.Month
	d int
}

func dayOf(t time.Time) civilDay {
	y, m, d := t.In(vocab.Vietnam).Date()
	return civilDay{y, m, d}
}

// newOfficeCalendar reads holidays "YYYY-MM-DD"; a malformed entry is
// refused (the catalog loader validates them too, but the portal does not
// rely on it).
func newOfficeCalendar(holidays []string) (officeCalendar, error) {
	c := officeCalendar{off: make(map[civilDay]bool, len(holidays))}
	for _, h := range holidays {
		t, err := time.ParseInLocation("2006-01-02", h, vocab.Vietnam)
		if err != nil {
			return c, fmt.Errorf("holiday %q: %w", h, err)
		}
		c.off[dayOf(t)] = true
	}
	return c, nil
}

func (c officeCalendar) working(t time.Time) bool {
	switch t.In(vocab.Vietnam).Weekday() {
	case time.Sunday:
		return false
	case time.Saturday:
		if !c.saturdays {
			return false
		}
	}
	return !c.off[dayOf(t)]
}

// AddWorkingDays is 17:00 Vietnam time on the n-th working day after
// from's date (n < 1 counts as 1): the appointment (ngày hẹn trả) of a
// service processed in n working days.
func (c officeCalendar) AddWorkingDays(from time.Time, n int) time.Time {
	if n < 1 {
		n = 1
	}
	d := dayOf(from)
	noon := time.Date(d.y, d.m, d.d, 12, 0, 0, 0, vocab.Vietnam) // away from any day boundary
	for k := 1; ; k++ {
		day := noon.AddDate(0, 0, k)
		if c.working(day) {
			if n--; n == 0 {
				return day.Add(5 * time.Hour)
			}
		}
	}
}

// calendar is the calendar in force for a dossier of service.
func (s *Server) calendar(service string) Calendar {
	if _, on := s.defect(defectCalendarSaturday, service); on {
		c := s.office
		c.saturdays = true
		return c
	}
	return s.opts.Calendar
}

// dossierCode is MaHoSo "{madonvi}-{yyMMdd}-{NNNN}" (docs/contracts.md),
// the date in Vietnam time. long is the seeded defect dossier-code-format:
// the date as yyyyMMdd.
func dossierCode(agency string, at time.Time, seq int, long bool) string {
	y, m, d := at.In(vocab.Vietnam).Date()
	if long {
		return fmt.Sprintf("%s-%04d%02d%02d-%04d", agency, y, int(m), d, seq)
	}
	return fmt.Sprintf("%s-%02d%02d%02d-%04d", agency, y%100, int(m), d, seq)
}

// Field rules of the portal contract ("invalid_format — not of the field's
// type (a personal ID not 12 digits, a date not YYYY-MM-DD, …), pattern,
// options or length"). The messages are the portal's own words.
var (
	numberRule = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	emailRule  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

func digits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

// personalIDOK: 12 ASCII digits. lenient is the seeded defect
// personal-id-lenient: any run of 8 to 12 digits.
func personalIDOK(v string, lenient bool) bool {
	if lenient {
		return digits(v) && len(v) >= 8 && len(v) <= 12
	}
	return digits(v) && len(v) == 12
}

// phoneOK: a Vietnamese phone number, 10 digits starting with 0. lenient
// is the seeded defect phone-validation-lenient: 9 to 11 digits.
func phoneOK(v string, lenient bool) bool {
	if lenient {
		return len(v) >= 9 && len(v) <= 11 && digits(v)
	}
	return len(v) == 10 && v[0] == '0' && digits(v)
}

// dateOK: a real calendar date written YYYY-MM-DD. lenient is the seeded
// defect date-validation-lenient: the shape only, so 2026-02-30 passes.
func dateOK(v string, lenient bool) bool {
	if len(v) != 10 || v[4] != '-' || v[7] != '-' || !digits(v[:4]) || !digits(v[5:7]) || !digits(v[8:]) {
		return false
	}
	if lenient {
		return true
	}
	t, err := time.Parse("2006-01-02", v)
	return err == nil && t.Format("2006-01-02") == v
}

// leniency switches the seeded defects that loosen a field rule.
type leniency struct{ id, date, phone bool }

// fieldProblem checks a non-empty value against the field's type, length,
// options and pattern; it returns the English and Vietnamese reasons, ""
// when the value is good.
func fieldProblem(f *fixtures.Field, v string, lax leniency) (en, vi string) {
	if f.MaxLen > 0 && utf8.RuneCountInString(v) > f.MaxLen {
		return fmt.Sprintf("is longer than %d characters", f.MaxLen), fmt.Sprintf("dài quá %d ký tự", f.MaxLen)
	}
	switch f.Type {
	case "text":
		if strings.ContainsAny(v, "\r\n") {
			return "must be a single line", "chỉ được nhập trên một dòng"
		}
	case "textarea":
	case "date":
		if !dateOK(v, lax.date) {
			return "is not a date (YYYY-MM-DD)", "không phải ngày hợp lệ (YYYY-MM-DD)"
		}
	case "number":
		if !numberRule.MatchString(v) {
			return "is not a number", "không phải là số"
		}
	case "select":
		if !slices.Contains(f.Options, v) {
			return "is not one of the options", "không thuộc danh sách lựa chọn"
		}
	case "id_number":
		if !personalIDOK(v, lax.id) {
			return "is not a 12-digit personal ID number", "số định danh cá nhân phải gồm 12 chữ số"
		}
	case "phone":
		if !phoneOK(v, lax.phone) {
			return "is not a phone number (10 digits starting with 0)", "số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0"
		}
	case "email":
		if !emailRule.MatchString(v) {
			return "is not an email address", "địa chỉ thư điện tử không hợp lệ"
		}
	default:
		return fmt.Sprintf("has unknown type %q", f.Type), fmt.Sprintf("có kiểu không xác định %q", f.Type)
	}
	if f.Pattern != "" {
		re, err := regexp.Compile(`^(?:` + f.Pattern + `)$`)
		if err != nil {
			return "has a broken pattern", "có mẫu kiểm tra không hợp lệ"
		}
		if !re.MatchString(v) {
			return "does not match the pattern " + f.Pattern, "không đúng định dạng " + f.Pattern
		}
	}
	return "", ""
}
