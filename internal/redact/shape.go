package redact

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Shape rules find personal values in free text whatever labels them:
// failure messages, console lines, page text. They are deliberately
// narrow where a false positive would hide protocol values (timestamps with
// a time, dossier codes, amounts, status codes).
var (
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	// Mobile numbers: 0 or +84/84, then 9 digits (03x, 05x, 07x, 08x, 09x),
	// optionally grouped.
	phoneRe = regexp.MustCompile(`(^|[^0-9.+*])((?:\+84[ .-]?|84|0)[35789][0-9]{2}[ .-]?[0-9]{3}[ .-]?[0-9]{3})([^0-9]|$)`)
	// Bare dates: no time part follows (a timestamp stays readable).
	dateRe = regexp.MustCompile(`(^|[^0-9./-])([0-9]{4}-[01][0-9]-[0-3][0-9]|[0-3][0-9]/[01][0-9]/[0-9]{4}|[0-3][0-9]-[01][0-9]-[0-9]{4})([^0-9:T]|$)`)
	// Motorbike and car plates: 29-B1 123.45, 30A-123.45, 51F 12345.
	plateRe = regexp.MustCompile(`(^|[^0-9A-Za-z])([0-9]{2}-?[A-Z]{1,2}[0-9]?[ -]?[0-9]{3}\.?[0-9]{2})([^0-9A-Za-z]|$)`)
	// Runs of capitalised words, candidates for a person's name.
	capsRe = regexp.MustCompile(`\p{Lu}[\p{Ll}\p{Lu}\p{M}]*(?:[ \t]+\p{Lu}[\p{Ll}\p{Lu}\p{M}]*)+`)
	// Where an address part starts: a house number (capitalised: "số 1" is
	// any numbered thing) or an administrative unit.
	addrStartRe = regexp.MustCompile(`(?:Số|Nhà|Phòng|[Tt]hửa đất số|Kiệt|Hẻm|[Nn]gách|[Nn]gõ) [0-9]+|` +
		`(?:[Pp]hường|[Xx]ã|[Qq]uận|[Hh]uyện|[Tt]hị xã|[Tt]hị trấn|[Tt]ỉnh|[Tt]hành phố|TP\.|[Tt]hôn|Ấp|[Tt]ổ dân phố|[Tt]ổ|` +
		`[Kk]hu phố|[Tt]ờ bản đồ số|[Đđ]ường|[Pp]hố) (?:\p{Lu}|[0-9])`)
)

// Vietnamese family names (họ), with diacritics and in ASCII where the
// ASCII form is not an ordinary English word. A name by shape is one of
// these followed by 2–4 more capitalised words.
var surnames = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Fields(`Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh
		Trịnh Mai Lương Cao Tạ Đào Đoàn Vương Trương Hà Lâm Tô Hứa Quách Châu Thái Tăng Lưu Kiều Mạc Triệu Khổng
		Chu Giang Lại Lục Nghiêm Tống Doãn Phùng Từ Hàn Tôn Thân Vi Kim Âu Đàm Khúc Bạch Cù Chung Diệp Hầu Đồng
		Lò Lã Mẫn Ninh Phí Phương Sầm Thạch Tiêu Ứng Lạc Nông Hoa Quan Ông Văn
		Nguyen Tran Pham Hoang Huynh Phan Dang Bui Ngo Duong Dinh Trinh Luong Truong Vuong Doan Dao Quach Trieu Nghiem`) {
		m[strings.ToLower(s)] = true
	}
	return m
}()

// Place names shaped like a person's name.
var placeNames = []string{"Hồ Chí Minh"}

// maskShapes applies the shape rules to free text.
func maskShapes(s string) string {
	s = emailRe.ReplaceAllStringFunc(s, func(v string) string { return mark(KindEmail, v) })
	s = maskAddresses(s)
	s = maskDates(s)
	s = replaceGroup(s, phoneRe, func(v string) string { return mark(KindPhone, v) })
	s = replaceGroup(s, plateRe, func(v string) string { return mark(KindPlate, v) })
	s = maskNames(s)
	return s
}

// maskDates replaces bare dates; a date followed by a time ("2026-12-03
// 15:04", "2026-12-03T15:04") is a timestamp and stays.
func maskDates(s string) string {
	return replaceGroupUnless(s, dateRe, func(s string, from, to int) bool {
		return timeRe.MatchString(s[to:]) || underProtocolKey(s[:from])
	}, func(v string) string { return mark(KindDate, v) })
}

// replaceGroupUnless replaces group 2 of every match of re, except where
// keep says the value's context needs it readable. Two passes, because
// adjacent values share the boundary character the expression consumes.
func replaceGroupUnless(s string, re *regexp.Regexp, keep func(s string, from, to int) bool, repl func(string) string) string {
	for pass := 0; pass < 2; pass++ {
		locs := re.FindAllStringSubmatchIndex(s, -1)
		if locs == nil {
			return s
		}
		var b strings.Builder
		last := 0
		for _, l := range locs {
			from, to := l[4], l[5] // group 2
			if keep(s, from, to) {
				continue
			}
			b.WriteString(s[last:from])
			b.WriteString(repl(s[from:to]))
			last = to
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	return s
}

var (
	timeRe    = regexp.MustCompile(`^[ T][0-2][0-9]:[0-5][0-9]`)
	keyBackRe = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)(?:=|"\s*:\s*"|:\s*)$`)
)

// underProtocolKey: the text before a value ends in a key the harness
// needs readable (dvcqa.waiver.expires=2026-12-31, "NgayHenTra": "…").
func underProtocolKey(before string) bool {
	m := keyBackRe.FindStringSubmatch(before[max(0, len(before)-64):])
	return m != nil && KeyKind(m[1]) == KindProtocol
}

// replaceGroup replaces group 2 of every match of re (groups 1 and 3 are
// the boundaries around it). Two passes, because adjacent values share the
// boundary character the expression consumes.
func replaceGroup(s string, re *regexp.Regexp, repl func(string) string) string {
	for pass := 0; pass < 2; pass++ {
		s = re.ReplaceAllStringFunc(s, func(match string) string {
			sub := re.FindStringSubmatch(match)
			return sub[1] + repl(sub[2]) + sub[3]
		})
	}
	return s
}

// maskNames replaces person-name-shaped runs: a family name followed by
// 2–4 capitalised words ("Nguyễn Thị Bích Ngọc", "TRẦN VĂN AN").
func maskNames(s string) string {
	if !strings.ContainsFunc(s, unicode.IsUpper) {
		return s
	}
	var b strings.Builder
	last := 0
	for _, loc := range capsRe.FindAllStringIndex(s, -1) {
		start, end := loc[0], loc[1]
		if r, _ := utf8.DecodeLastRuneInString(s[:start]); start > 0 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue // inside a word
		}
		if r, _ := utf8.DecodeRuneInString(s[end:]); end < len(s) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue
		}
		run := s[start:end]
		words := strings.Fields(run)
		offsets := wordOffsets(run)
		for i := 0; i+2 < len(words); i++ {
			if !surnames[strings.ToLower(words[i])] || isPlace(words[i:]) {
				continue
			}
			j := min(i+5, len(words)) // at most 5 words
			from := start + offsets[i]
			to := start + offsets[j-1] + len(words[j-1])
			b.WriteString(s[last:from])
			b.WriteString(mark(KindName, s[from:to]))
			last = to
			break
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func wordOffsets(run string) []int {
	var out []int
	inWord := false
	for i, r := range run {
		if r == ' ' || r == '\t' {
			inWord = false
			continue
		}
		if !inWord {
			out = append(out, i)
			inWord = true
		}
	}
	return out
}

func isPlace(words []string) bool {
	joined := strings.Join(words, " ")
	for _, p := range placeNames {
		if strings.HasPrefix(joined, p) {
			return true
		}
	}
	return false
}

// Characters that end an address in free text: quotes, brackets, field
// separators, line ends.
const addrStop = "\n\r\"'<>{}[]()|;:=\t"

// maskAddresses replaces addresses: a run of comma-separated parts of which
// one starts with a house number or an administrative unit (Phường, Xã,
// Thôn, Số 12, …). Parts before it are included when they are short and
// carry a digit (house, room); a single part counts only with a house
// number ("Số 8 đường Lê Lợi").
func maskAddresses(s string) string {
	locs := addrStartRe.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, loc := range locs {
		if loc[0] < last {
			continue // inside the address just masked
		}
		start := segmentStart(s, loc[0], last)
		end, parts := segmentEnd(s, loc[0])
		// Earlier comma-separated parts of the same address (Phòng 305 nhà B2, ký túc xá …, phường …).
		for k := 0; k < 3; k++ {
			p := strings.LastIndex(s[last:start], ",")
			if p < 0 {
				break
			}
			p += last
			if strings.TrimSpace(s[p+1:start]) != "" {
				break
			}
			prev := last
			if j := strings.LastIndexAny(s[last:p], ","+addrStop); j >= 0 {
				prev = last + j + 1
			}
			seg := s[prev:p]
			if strings.TrimSpace(seg) == "" || len(strings.Fields(seg)) > 8 {
				break
			}
			for prev < p && s[prev] == ' ' {
				prev++
			}
			start, parts = prev, parts+1
		}
		house := strings.ContainsAny(s[loc[0]:loc[1]], "0123456789")
		if parts < 2 && !house {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(mark(KindAddress, s[start:end]))
		last = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// segmentStart is where the address part holding position i starts: back
// over up to 3 words that carry a digit (12A, 305), no further.
func segmentStart(s string, i, floor int) int {
	start := i
	for k := 0; k < 3; k++ {
		if start-1 < floor || s[start-1] != ' ' {
			break
		}
		wstart := floor
		if j := strings.LastIndexAny(s[floor:start-1], " ,"+addrStop); j >= 0 {
			wstart = floor + j + 1
		}
		word := s[wstart : start-1]
		if word == "" || !strings.ContainsAny(word, "0123456789") {
			break
		}
		start = wstart
	}
	return start
}

// segmentEnd is where the address starting at i ends: after the last of the
// comma-separated parts that follow, each short and free of separators.
func segmentEnd(s string, i int) (end, parts int) {
	end = i
	for {
		j := strings.IndexAny(s[end:], ","+addrStop)
		if j < 0 {
			j = len(s) - end
		}
		seg := s[end : end+j]
		if len(strings.Fields(seg)) > 8 && parts > 0 {
			return end, parts
		}
		end += j
		parts++
		if end >= len(s) || s[end] != ',' {
			return trimRightSpace(s, end), parts
		}
		// A comma: continue when another short part follows.
		next := s[end+1:]
		k := strings.IndexAny(next, ","+addrStop)
		if k < 0 {
			k = len(next)
		}
		if strings.TrimSpace(next[:k]) == "" || len(strings.Fields(next[:k])) > 8 {
			return trimRightSpace(s, end), parts
		}
		end++
	}
}

func trimRightSpace(s string, end int) int {
	for end > 0 && s[end-1] == ' ' {
		end--
	}
	return end
}

// looksLikeName reports whether a whole value is a person's name by shape:
// 2–5 capitalised words, at least one with a Vietnamese letter or starting
// with a family name. Used for values under ambiguous keys ("name").
func looksLikeName(v string) bool {
	words := strings.Fields(v)
	if len(words) < 2 || len(words) > 5 {
		return false
	}
	viet := surnames[strings.ToLower(words[0])]
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) {
			return false
		}
		if !isASCII(w) {
			viet = true
		}
	}
	return viet
}
