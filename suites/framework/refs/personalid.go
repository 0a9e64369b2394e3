package refs

import (
	"fmt"
	"slices"
)

// PersonalIDWellFormed is the wire rule of a personal ID number (số định
// danh cá nhân) that portals and gateways enforce: exactly 12 ASCII digits,
// no check digit (docs/contracts.md; /work/shared/domain.md). A value that
// fails it is malformed (invalid_format); a well-formed one of somebody else
// is a national-data mismatch.
func PersonalIDWellFormed(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range []byte(s) {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// PersonalID is what a personal ID number says about its holder
// (/work/shared/domain.md, "Personal ID number"): digits 1–3 the province
// where the birth was registered, from the OLD 63-province list; digit 4
// century and gender; digits 5–6 the year of birth within the century;
// digits 7–12 a serial.
type PersonalID struct {
	Province  string // old 3-digit province code, e.g. "001" Hà Nội
	Male      bool
	BirthYear int // e.g. 1990
	Serial    string
}

// oldProvinceCodes are the 63 provincial codes in use before the 2025
// merger (Decision 124/2004/QĐ-TTg's list as ID numbers use it), which the
// first three digits of an ID registered in Vietnam take. Written out here,
// not read from fixtures/provinces.yaml, which the mocks also read.
var oldProvinceCodes = []string{
	"001", "002", "004", "006", "008", "010", "011", "012", "014", "015",
	"017", "019", "020", "022", "024", "025", "026", "027", "030", "031",
	"033", "034", "035", "036", "037", "038", "040", "042", "044", "045",
	"046", "048", "049", "051", "052", "054", "056", "058", "060", "062",
	"064", "066", "067", "068", "070", "072", "074", "075", "077", "079",
	"080", "082", "083", "084", "086", "087", "089", "091", "092", "093",
	"094", "095", "096",
}

// ParsePersonalID reads the structure of a well-formed ID registered in
// vocab.Vietnam. It refuses what PersonalIDWellFormed refuses, a first group that
// is no old province code (births registered abroad carry a country code,
// which this reference does not list) and a century/gender digit other
// than 0–3 (births 1900–2099; 4–9 are reserved for later centuries).
func ParsePersonalID(s string) (PersonalID, error) {
	if !PersonalIDWellFormed(s) {
		return PersonalID{}, fmt.Errorf("personal ID: not 12 digits")
	}
	p := PersonalID{Province: s[:3], Serial: s[6:]}
	if !slices.Contains(oldProvinceCodes, p.Province) {
		return PersonalID{}, fmt.Errorf("personal ID: %s is no province code of the 63-province list", p.Province)
	}
	cg := int(s[3] - '0')
	if cg > 3 {
		return PersonalID{}, fmt.Errorf("personal ID: century/gender digit %d is not 0–3 (births 1900–2099)", cg)
	}
	p.Male = cg%2 == 0
	p.BirthYear = 1900 + 100*(cg/2) + int(s[4]-'0')*10 + int(s[5]-'0')
	return p, nil
}
