package refs

// DateWellFormed is the portal's rule for a date field: ISO 8601 calendar
// date YYYY-MM-DD with a day that exists (docs/contracts.md: "a date not
// YYYY-MM-DD" is invalid_format).
func DateWellFormed(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, r := range []byte(s) {
		if i != 4 && i != 7 && (r < '0' || r > '9') {
			return false
		}
	}
	y := atoi(s[0:4])
	m := atoi(s[5:7])
	d := atoi(s[8:10])
	return m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

// daysIn is the length of month m of year y in the Gregorian calendar.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func atoi(s string) int {
	n := 0
	for _, r := range []byte(s) {
		n = n*10 + int(r-'0')
	}
	return n
}

// PhoneWellFormed is the portal's rule for a phone field: a Vietnamese
// subscriber number written nationally, 10 digits starting with 0 (mobile
// numbers since the 2018 change from 11 to 10 digits: 03x, 05x, 07x, 08x,
// 09x). No spaces, dots or +84.
func PhoneWellFormed(s string) bool {
	if len(s) != 10 || s[0] != '0' {
		return false
	}
	for _, r := range []byte(s) {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
