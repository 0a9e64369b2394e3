package redact

import (
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"
)

// While a text is masked, each personal value becomes a marker holding its
// kind and a hash of the value; the last step turns the markers into
// placeholders, numbered per kind when one text holds several different
// values: "Expected [họ tên 1] to equal [họ tên 2]" still says the two
// names differ, without saying either. Numbers are per text, so they link
// nothing across messages.
// The markers are private-use characters, which no text of the harness
// holds and JSON encoding leaves as they are.
const (
	markOpen  = "\uE000"
	markClose = "\uE001"
)

var markRe = regexp.MustCompile("\uE000([0-9]+):([0-9a-f]+)\uE001")

// mark is the marker of value v of kind k; IDs keep their readable mask.
func mark(k Kind, v string) string {
	switch k {
	case KindName, KindBirthDate, KindDate, KindAddress, KindPhone, KindEmail, KindPlate, KindParcel:
		h := fnv.New32a()
		h.Write([]byte(strings.TrimSpace(v)))
		return markOpen + strconv.Itoa(int(k)) + ":" + strconv.FormatUint(uint64(h.Sum32()), 16) + markClose
	}
	return Placeholder(k, v)
}

// isMark reports whether s is one marker and nothing else.
func isMark(s string) bool {
	loc := markRe.FindStringIndex(s)
	return loc != nil && loc[0] == 0 && loc[1] == len(s)
}

// unmark turns the markers of s into placeholders.
func unmark(s string) string {
	if !strings.Contains(s, markOpen) {
		return s
	}
	type key struct{ kind, hash string }
	order := map[key]int{}
	distinct := map[string]int{}
	for _, m := range markRe.FindAllStringSubmatch(s, -1) {
		k := key{m[1], m[2]}
		if _, ok := order[k]; !ok {
			distinct[m[1]]++
			order[k] = distinct[m[1]]
		}
	}
	return markRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := markRe.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[1])
		p := Placeholder(Kind(n), "")
		if distinct[sub[1]] > 1 {
			p = strings.TrimSuffix(p, "]") + " " + strconv.Itoa(order[key{sub[1], sub[2]}]) + "]"
		}
		return p
	})
}

var placeholderRe = regexp.MustCompile(`^\[[^\[\]]{2,24}\]$|^[0-9A-Za-z]{0,3}\*{3,}[0-9A-Za-z]{0,2}$`)

// masked reports whether v is already a placeholder or an ID mask: masking
// again must leave it (and its number) as it is.
func masked(v string) bool { return placeholderRe.MatchString(strings.TrimSpace(v)) }
