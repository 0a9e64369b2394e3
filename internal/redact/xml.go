package redact

import (
	"regexp"
	"strings"
)

// XML inside text (the gateway's ndxp answer carries SOAP XML in a JSON
// string): an element's text is personal when the element's name is, or
// when it sits inside a personal element — HoVaTen{Ho, ChuDem, Ten},
// ThuongTru{MaTinhThanh, …, ChiTiet} — whose parts no key rule knows.
var xmlTagRe = regexp.MustCompile(`<(/?)([A-Za-z_][A-Za-z0-9_.:-]*)[^<>]*?(/?)>`)

// maskXMLText masks the personal texts of the XML elements in s, keeping
// the markup; text outside any personal element is left to the other rules.
func maskXMLText(s string) string {
	locs := xmlTagRe.FindAllStringSubmatchIndex(s, -1)
	if len(locs) < 2 {
		return s
	}
	var b strings.Builder
	var stack []Kind // effective kind of each open element
	last := 0
	for _, l := range locs {
		if text := s[last:l[0]]; strings.TrimSpace(text) != "" && len(stack) > 0 && stack[len(stack)-1].personal() && !masked(text) {
			b.WriteString(mark(stack[len(stack)-1], text))
		} else {
			b.WriteString(text)
		}
		b.WriteString(s[l[0]:l[1]])
		last = l[1]
		name := s[l[4]:l[5]]
		if i := strings.LastIndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		switch {
		case strings.HasPrefix(name, "?") || strings.HasPrefix(name, "!"):
		case l[3] > l[2]: // closing tag
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case l[7] > l[6]: // self-closing
		default:
			k := KeyKind(name)
			if !k.personal() && len(stack) > 0 && stack[len(stack)-1].personal() {
				k = stack[len(stack)-1]
			}
			stack = append(stack, k)
		}
	}
	b.WriteString(s[last:])
	return b.String()
}
