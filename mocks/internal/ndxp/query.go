package ndxp

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// IsPersonalIDKey: SoDinhDanh and its variants (SoDinhDanhChuHo, …) hold
// personal ID numbers.
func IsPersonalIDKey(key string) bool { return strings.HasPrefix(key, "SoDinhDanh") }

// ValidPersonalID: a personal ID (số định danh cá nhân) is twelve ASCII
// digits (docs/contracts.md, general rules).
func ValidPersonalID(s string) bool {
	return len(s) == 12 && strings.TrimLeft(s, "0123456789") == ""
}

// MaskID keeps the first three and last two characters of an identifier,
// e.g. "001*******45"; five characters or fewer are hidden entirely.
func MaskID(s string) string {
	r := []rune(s)
	n := len(r)
	if n <= 5 {
		return strings.Repeat("*", n)
	}
	out := make([]rune, 0, n)
	out = append(out, r[:3]...)
	for range n - 5 {
		out = append(out, '*')
	}
	return string(append(out, r[n-2:]...))
}

// QueryError says what is wrong with a lookup query; Field names the
// offending parameter ("" when there is none).
type QueryError struct{ Field, Message, MessageVI string }

func (e *QueryError) Error() string { return e.Message }

func queryErr(field, en, vi string) *QueryError {
	return &QueryError{Field: field, Message: en, MessageVI: vi}
}

// ParseLookupQuery checks a lookup query: exactly one parameter, one of
// keys, given once, non-empty, and a personal ID key holds 12 digits. The
// error never echoes the value, which may be a personal ID.
func ParseLookupQuery(keys []string, q url.Values) (key, value string, err error) {
	allowed := strings.Join(keys, ", ")
	if len(q) == 0 {
		return "", "", queryErr("", "exactly one query parameter is required, one of: "+allowed,
			"Cần đúng một tham số tra cứu, một trong: "+allowed)
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range q {
			if !yield(k) {
				return
			}
		}
	})
	if len(names) > 1 {
		f := strings.Join(names, ",")
		return "", "", queryErr(f, "exactly one query parameter is allowed, got "+f,
			"Chỉ được dùng một tham số tra cứu, nhận được "+f)
	}
	key = names[0]
	vals := q[key]
	if !slices.Contains(keys, key) {
		return "", "", queryErr(key, fmt.Sprintf("%q is not a lookup key; use one of: %s", key, allowed),
			fmt.Sprintf("%q không phải khóa tra cứu; dùng một trong: %s", key, allowed))
	}
	if len(vals) != 1 {
		return "", "", queryErr(key, key+" must be given exactly once", key+" chỉ được truyền một lần")
	}
	if vals[0] == "" {
		return "", "", queryErr(key, key+" must not be empty", key+" không được để trống")
	}
	if IsPersonalIDKey(key) && !ValidPersonalID(vals[0]) {
		return "", "", queryErr(key, key+" must be exactly 12 digits", key+" phải gồm đúng 12 chữ số")
	}
	return key, vals[0], nil
}
