package refs

import (
	"testing"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
)

// Personal ID vectors. Sources: the structure in /work/shared/domain.md
// ("digits 1–3 province where the birth was registered, from the OLD
// 63-province list (001–096) …; digit 4 century and gender (0/1 male/female
// 1900s, 2/3 2000s); digits 5–6 birth year; digits 7–12 serial"), which is
// Decree 137/2015/NĐ-CP art. 7 and the province codes of Circular
// 07/2016/TT-BCA as recalled (the legal texts were not re-read here). No
// real ID is published as an example, and none may be copied: every vector
// is built by hand from the rule, with serials of zeros or a counting
// pattern.
func TestPersonalIDGoldenVectors(t *testing.T) {
	for _, tt := range []struct {
		id       string
		province string
		male     bool
		year     int
	}{
		{"001090000001", "001", true, 1990},  // Hà Nội, male, 1990
		{"079185000000", "079", false, 1985}, // TP Hồ Chí Minh, female (digit 1), 1985
		{"038205123456", "038", true, 2005},  // Thanh Hóa, male 2000s (digit 2)
		{"096399000009", "096", false, 2099}, // Cà Mau, the last code; female 2000s (3), 2099
		{"002000000000", "002", true, 1900},  // Hà Giang (old code, merged in 2025), 1900
	} {
		if !PersonalIDWellFormed(tt.id) {
			t.Errorf("PersonalIDWellFormed(%s) = false, want true", tt.id)
		}
		p, err := ParsePersonalID(tt.id)
		if err != nil {
			t.Errorf("ParsePersonalID(%s): %v", tt.id, err)
			continue
		}
		if p.Province != tt.province || p.Male != tt.male || p.BirthYear != tt.year || p.Serial != tt.id[6:] {
			t.Errorf("ParsePersonalID(%s) = %+v, want province %s male %v year %d", tt.id, p, tt.province, tt.male, tt.year)
		}
	}
	// Malformed: the wire rule (12 ASCII digits) refuses them.
	for _, bad := range []string{"", "12345678", "00109000000", "0010900000011", "00109000000a", "001 90000001", "００1090000001", "123456789"} {
		if PersonalIDWellFormed(bad) {
			t.Errorf("PersonalIDWellFormed(%q) = true, want false", bad)
		}
		if _, err := ParsePersonalID(bad); err == nil {
			t.Errorf("ParsePersonalID(%q): want an error", bad)
		}
	}
	// Well-formed on the wire but not the structure of an ID registered in
	// vocab.Vietnam: no such old province (000, 003, 097), a century digit of a
	// later century (4).
	for _, odd := range []string{"000090000001", "003090000001", "097090000001", "001490000001"} {
		if !PersonalIDWellFormed(odd) {
			t.Errorf("PersonalIDWellFormed(%s) = false: the wire rule is 12 digits only", odd)
		}
		if _, err := ParsePersonalID(odd); err == nil {
			t.Errorf("ParsePersonalID(%s): want a structure error", odd)
		}
	}
	if len(oldProvinceCodes) != 63 {
		t.Errorf("%d old province codes, want 63", len(oldProvinceCodes))
	}
}

// Date vectors: ISO 8601 calendar dates (YYYY-MM-DD, the contract's date
// field) and the Gregorian leap-year rule, worked by hand.
func TestDateGoldenVectors(t *testing.T) {
	for s, want := range map[string]bool{
		"2026-04-24":           true,
		"2024-02-29":           true,  // leap year
		"2000-02-29":           true,  // divisible by 400
		"1900-02-29":           false, // divisible by 100, not 400
		"2026-02-29":           false,
		"2026-04-31":           false,
		"2026-12-31":           true,
		"2026-13-01":           false,
		"2026-00-10":           false,
		"2026-01-00":           false,
		"2026-4-24":            false,
		"24/04/2026":           false,
		"2026/04/24":           false,
		"20260424":             false,
		"2026-04-24T00:00:00Z": false,
		"":                     false,
		"２026-04-24":           false,
	} {
		if got := DateWellFormed(s); got != want {
			t.Errorf("DateWellFormed(%q) = %v, want %v", s, got, want)
		}
	}
}

// Phone vectors: Vietnamese mobile numbers have 10 digits since the 2018
// conversion of 11-digit numbers (Decision 798/QĐ-BTTTT, as recalled),
// written nationally with a leading 0 — the catalog's phone type.
func TestPhoneGoldenVectors(t *testing.T) {
	for s, want := range map[string]bool{
		"0912345678":   true, // 09x
		"0381234567":   true, // 03x (ex-0163x)
		"0701234567":   true,
		"091234567":    false, // 9 digits
		"01651234567":  false, // the 11-digit form before 2018
		"+84912345678": false,
		"84912345678":  false,
		"0912 345 678": false,
		"0912.345.678": false,
		"1912345678":   false,
		"":             false,
	} {
		if got := PhoneWellFormed(s); got != want {
			t.Errorf("PhoneWellFormed(%q) = %v, want %v", s, got, want)
		}
	}
}

// The shared DATA must satisfy the harness's rules: every test citizen's ID
// has the structure, and every catalog example of a date, phone or ID field
// is well-formed (otherwise a spec would send a malformed value it thinks
// good).
func TestFixtureDataFollowsTheRules(t *testing.T) {
	cat := fixtures.MustLoad()
	for _, svc := range cat.Services {
		for _, fd := range svc.Form {
			if fd.Example == "" {
				continue
			}
			var ok bool
			switch fd.Type {
			case "date":
				ok = DateWellFormed(fd.Example)
			case "phone":
				ok = PhoneWellFormed(fd.Example)
			case "id_number":
				ok = PersonalIDWellFormed(fd.Example)
			default:
				continue
			}
			if !ok {
				t.Errorf("%s field %s (%s): example %q is malformed", svc.ID, fd.Name, fd.Type, fd.Example)
			}
		}
	}
	w, err := citizens.Generate(cat.Provinces, cat.Databases, 1, citizens.DefaultPerProvince)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range w.Citizens {
		p, err := ParsePersonalID(c.PersonalID)
		if err != nil {
			t.Errorf("test citizen %s…: %v", c.PersonalID[:6], err)
			continue
		}
		if got := p.BirthYear; c.BirthDate[:4] != itoa4(got) {
			t.Errorf("test citizen %s…: ID says born %d, record says %s", c.PersonalID[:6], got, c.BirthDate)
		}
		if p.Male != (c.Gender == "Nam") {
			t.Errorf("test citizen %s…: ID says male=%v, record says %s", c.PersonalID[:6], p.Male, c.Gender)
		}
	}
	if _, err := ParsePersonalID(w.UnknownPersonalID()); err != nil {
		t.Errorf("the harness's unknown personal ID: %v", err)
	}
}

func itoa4(n int) string {
	b := []byte{'0', '0', '0', '0'}
	for i := 3; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}
