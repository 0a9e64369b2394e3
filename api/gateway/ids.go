package gateway

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// PersonalIDKey is the lookup key every national database has: the 12-digit
// personal ID number (số định danh cá nhân).
const PersonalIDKey = "SoDinhDanh"

// IsPersonalIDKey reports whether values of key are personal ID numbers and
// must therefore be 12 digits (SoDinhDanh, and variants like SoDinhDanhChuHo).
func IsPersonalIDKey(key string) bool { return strings.HasPrefix(key, PersonalIDKey) }

// ValidPersonalID reports whether s is exactly 12 ASCII digits.
func ValidPersonalID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MaskID hides the middle of an identifier so it can appear in logs and
// messages: the first 3 and last 2 characters stay, e.g. "001*******45".
// Values of 5 characters or fewer are hidden entirely.
func MaskID(s string) string {
	r := []rune(s)
	if len(r) <= 5 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-5) + string(r[len(r)-2:])
}

// QueryError says what is wrong with a lookup query; Field names the
// offending parameter ("" when there is none).
type QueryError struct {
	Field, Message, MessageVI string
}

func (e *QueryError) Error() string { return e.Message }

// ParseLookupQuery checks a lookup query the way the gateway and database
// servers both must: exactly one parameter, one of keys, non-empty, and a
// personal ID key holds 12 digits. The error (a *QueryError) never echoes
// the value, which may be a personal ID.
func ParseLookupQuery(keys []string, q url.Values) (key, value string, err error) {
	allowed := strings.Join(keys, ", ")
	switch len(q) {
	case 0:
		return "", "", &QueryError{
			Message:   "exactly one query parameter is required, one of: " + allowed,
			MessageVI: "Cần đúng một tham số tra cứu, một trong: " + allowed,
		}
	case 1:
	default:
		names := make([]string, 0, len(q))
		for name := range q {
			names = append(names, name)
		}
		slices.Sort(names)
		field := strings.Join(names, ",")
		return "", "", &QueryError{
			Field:     field,
			Message:   fmt.Sprintf("exactly one query parameter is allowed, got %s", field),
			MessageVI: fmt.Sprintf("Chỉ được dùng một tham số tra cứu, nhận được %s", field),
		}
	}
	var values []string
	for key, values = range q { // exactly one entry
	}
	switch {
	case !slices.Contains(keys, key):
		return "", "", &QueryError{
			Field:     key,
			Message:   fmt.Sprintf("%q is not a lookup key; use one of: %s", key, allowed),
			MessageVI: fmt.Sprintf("%q không phải khóa tra cứu; dùng một trong: %s", key, allowed),
		}
	case len(values) != 1:
		return "", "", &QueryError{
			Field:     key,
			Message:   key + " must be given exactly once",
			MessageVI: key + " chỉ được truyền một lần",
		}
	case values[0] == "":
		return "", "", &QueryError{
			Field:     key,
			Message:   key + " must not be empty",
			MessageVI: key + " không được để trống",
		}
	case IsPersonalIDKey(key) && !ValidPersonalID(values[0]):
		return "", "", &QueryError{
			Field:     key,
			Message:   key + " must be exactly 12 digits",
			MessageVI: key + " phải gồm đúng 12 chữ số",
		}
	}
	return key, values[0], nil
}
