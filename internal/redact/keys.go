package redact

import (
	"strings"
	"unicode"
)

// Kind is what sort of personal value a string is; it picks the placeholder.
type Kind int

// Kinds of personal values. KindNone is not personal; KindProtocol is a
// value the harness needs readable (a timestamp, a status), which only the
// ID and secret rules touch.
const (
	KindNone Kind = iota
	KindProtocol
	KindName
	KindBirthDate
	KindDate
	KindAddress
	KindPhone
	KindEmail
	KindID // personal ID, tax code, insurance, licence, passport, account numbers
	KindPlate
	KindParcel
	KindBlob // base64 documents: unreadable, and they encode the applicant
)

// Placeholder is what a value of kind k is replaced by. IDs keep their first
// 3 and last 2 characters (see ID), so test citizens stay distinguishable.
func Placeholder(k Kind, v string) string {
	switch k {
	case KindName:
		return "[họ tên]"
	case KindBirthDate:
		return "[ngày sinh]"
	case KindDate:
		return "[ngày]"
	case KindAddress:
		return "[địa chỉ]"
	case KindPhone:
		return "[sđt]"
	case KindEmail:
		return "[email]"
	case KindID:
		if len(v) >= 8 && isASCII(v) {
			return ID(v)
		}
		return "[số giấy tờ]"
	case KindPlate:
		return "[biển số]"
	case KindParcel:
		return "[thửa đất]"
	case KindBlob:
		return "[base64]"
	}
	return v
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// keyRule is one entry of the personal-key vocabulary: a key whose
// normalised form (lower case, no '_', '-', '.', spaces) starts with, ends
// with or equals a word is of that kind.
type keyRule struct {
	kind                   Kind
	prefix, suffix, equals []string
}

// The vocabulary is derived from the field names of fixtures/services.yaml
// (forms) and fixtures/databases.yaml (records), plus the English and
// snake_case names other portals use. Order matters: the first rule that
// matches wins (NgaySinh is a birth date before Ngay* is a protocol date).
var keyRules = []keyRule{
	{kind: KindNone, prefix: []string{"matinh"}}, // MaTinhThuongTru: a province code
	{kind: KindBlob, suffix: []string{"b64", "base64"}},
	{kind: KindEmail, prefix: []string{"email", "thudientu", "mail"}, suffix: []string{"email", "thudientu"}},
	{kind: KindPhone, prefix: []string{"sodienthoai", "dienthoai", "phone", "mobile", "sdt", "telephone"},
		suffix: []string{"phone", "dienthoai", "dienthoailienhe", "mobile"}, equals: []string{"tel"}},
	{kind: KindBirthDate, prefix: []string{"ngaysinh", "ngaythangnamsinh", "birth", "dob", "dateofbirth", "namsinh"},
		suffix: []string{"ngaysinh", "birthdate", "birthday", "dateofbirth", "dob"}},
	{kind: KindDate, prefix: []string{"ngaychet", "ngaymat", "deathdate", "dateofdeath"}},
	{kind: KindAddress, prefix: []string{"diachi", "thuongtru", "tamtru", "quequan", "noisinh", "noidangkykhaisinh",
		"noiohientai", "noicutru", "noichet", "noiden", "noiluutru", "address", "residence", "hometown", "placeofbirth", "street"},
		suffix: []string{"diachi", "address", "thuongtru", "tamtru", "noisinh", "noisinhtre"}},
	{kind: KindPlate, prefix: []string{"bienso", "plate", "licenseplate"}, suffix: []string{"bienso", "plate"}},
	{kind: KindParcel, prefix: []string{"sothua", "mathuadat", "sotobando", "parcel", "thuadat"}, suffix: []string{"thuadat", "parcel"}},
	{kind: KindID, prefix: []string{"sodinhdanh", "socmnd", "cmnd", "cccd", "socccd", "masothue", "mst", "taxcode", "taxid", "tax",
		"masobhxh", "sobhxh", "bhxh", "sothebhyt", "bhyt", "insurance", "sogplx", "license", "licence",
		"sohochieu", "passport", "sotaikhoan", "account", "makhachhang", "sokhung", "somay", "sogiaychungnhan",
		"masohokinhdoanh", "personalid", "nationalid", "citizenid", "idnumber", "identity", "socancuoc", "cancuoc"},
		suffix: []string{"sodinhdanh", "cmnd", "cccd", "masothue", "bhxh", "bhyt", "sogplx", "personalid", "nationalid", "idnumber", "taxcode"}},
	{kind: KindName, prefix: []string{"hoten", "hovaten", "fullname", "givenname", "familyname", "firstname", "lastname",
		"middlename", "applicantname", "mothername", "fathername", "spousename", "childname", "holdername", "ownername",
		"personname", "citizenname", "contactname", "displayname", "realname"},
		suffix: []string{"hoten", "hovaten", "fullname", "givenname", "familyname"}, equals: []string{"ten"}},
	// Protocol values a report must keep: timestamps, deadlines.
	{kind: KindProtocol, suffix: []string{"time", "timestamp", "ngayhentra", "ngaytiepnhan", "deadline", "expires", "expiry", "seed"},
		prefix: []string{"appointment", "deadline", "ngayhentra", "ngaytiepnhan", "thoigian"}},
}

// KeyKind classifies a field name, in any casing or separator style:
// HoTenMe, ho_ten_me, motherName, SoDienThoaiLienHe, date_of_birth.
func KeyKind(key string) Kind {
	// PascalCase Vietnamese names starting with "Ten" + capital (TenToChuc,
	// TenHoKinhDoanh) are names of people or of their businesses.
	if len(key) > 3 && strings.HasPrefix(key, "Ten") && unicode.IsUpper(rune(key[3])) {
		return KindName
	}
	n := normKey(key)
	if n == "" {
		return KindNone
	}
	if strings.HasSuffix(key, "_at") || strings.HasSuffix(key, "At") {
		return KindProtocol // created_at, deliveredAt
	}
	for _, r := range keyRules {
		for _, w := range r.equals {
			if n == w {
				return r.kind
			}
		}
		for _, w := range r.prefix {
			if strings.HasPrefix(n, w) {
				return r.kind
			}
		}
		for _, w := range r.suffix {
			if strings.HasSuffix(n, w) {
				return r.kind
			}
		}
	}
	return KindNone
}

func normKey(key string) string {
	var b strings.Builder
	for _, r := range key {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ':
		case r < 0x80:
			b.WriteRune(unicode.ToLower(r))
		default:
			return "" // not a field name
		}
	}
	return b.String()
}

// personal reports whether values under kind k are replaced whole.
func (k Kind) personal() bool { return k >= KindName }
