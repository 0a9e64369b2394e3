package redact

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Body masks a request or response body by its content type: JSON is
// walked value by value (a value is masked by the key it stands under, else
// by its shape), urlencoded forms pair by pair, HTML as text plus its input
// values; anything else as text. Key order and non-personal values (status,
// codes, amounts, timestamps) are kept, so the excerpt stays readable.
func (m *Masker) Body(contentType string, body []byte) string {
	ct := strings.ToLower(contentType)
	switch {
	case strings.Contains(ct, "json") || ct == "" && looksJSON(body):
		if out, ok := m.maskJSON(body); ok {
			return out
		}
	case strings.Contains(ct, "x-www-form-urlencoded"):
		return m.maskForm(string(body))
	case strings.Contains(ct, "html"):
		return m.maskHTML(string(body))
	}
	return m.Text(string(body))
}

func looksJSON(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// value masks one JSON string value under key (kind = KeyKind(key), or the
// kind a sibling "name" field gave it).
func (m *Masker) value(key string, kind Kind, v string) string {
	if v == "" || masked(v) {
		return v
	}
	switch {
	case kind.personal():
		return mark(kind, v)
	case kind == KindProtocol:
		return maskIDs(m.secrets(v))
	case key == "name" && looksLikeName(v):
		return mark(KindName, v) // "name" also names form fields; only a person's name is masked
	case isBlob(v):
		return "[base64]"
	}
	return m.text(v)
}

func (m *Masker) secrets(s string) string {
	if m.r != nil {
		s = m.r.Replace(s)
	}
	return jwtRe.ReplaceAllString(s, "[token]")
}

// isBlob: long base64 without spaces (documents, keys) is unreadable in an
// excerpt and may encode personal data.
func isBlob(v string) bool {
	if len(v) < 80 || strings.ContainsAny(v, " \n") {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// jsonFrame is one open object or array while a JSON body is walked.
type jsonFrame struct {
	object  bool
	wantKey bool   // next token of the object is a key
	key     string // key of the value being read
	sibling Kind   // kind named by a "name"/"field" member: {"name":"HoTenMe","value":…}
}

func (f *jsonFrame) kindOf(key string) Kind {
	k := KeyKind(key)
	if k == KindNone && f.sibling != KindNone && (key == "value" || key == "example" || key == "default" || key == "expected" || key == "actual" || key == "got" || key == "want") {
		return f.sibling
	}
	return k
}

// walkJSON calls fn with every personal string of a JSON body: by key, or
// by shape (whole values only) where the key says nothing.
func walkJSON(body []byte, fn func(Kind, string)) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []*jsonFrame
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		var top *jsonFrame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok {
			if top != nil && top.object {
				top.wantKey = true
			}
			switch d {
			case '{', '[':
				stack = append(stack, &jsonFrame{object: d == '{', wantKey: d == '{'})
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if top != nil && top.object && top.wantKey {
			top.key, top.wantKey = tok.(string), false
			continue
		}
		key, kind := "", KindNone
		if top != nil {
			key, kind = top.key, top.kindOf(top.key)
			if top.object {
				top.wantKey = true
			}
		}
		v := tokString(tok)
		if top != nil && top.object && (key == "name" || key == "field") {
			top.sibling = KeyKind(v)
		}
		switch {
		case kind.personal():
			fn(kind, v)
		case kind == KindNone && looksLikeName(v) && maskNames(v) != v:
			fn(KindName, v)
		case kind == KindNone && strings.Contains(v, " ") && !isBlob(v) && isMark(maskAddresses(v)):
			// Only a value with a space can be a memorable address (Known.Add):
			// a document's base64 is not run through the address rules.
			fn(KindAddress, v)
		}
	}
}

func tokString(tok json.Token) string {
	switch t := tok.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	}
	return ""
}

// maskJSON re-encodes body with personal values masked, keeping the key
// order and the layout compact. ok is false when body is not valid JSON.
func (m *Masker) maskJSON(body []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var out strings.Builder
	var stack []*jsonFrame
	first := []bool{true}
	comma := func() {
		if !first[len(first)-1] {
			out.WriteByte(',')
		}
		first[len(first)-1] = false
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", false
		}
		var top *jsonFrame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if top == nil || !top.object {
					comma()
				}
				if top != nil && top.object {
					top.wantKey = true
				}
				out.WriteRune(rune(d))
				stack = append(stack, &jsonFrame{object: d == '{', wantKey: d == '{'})
				first = append(first, true)
			default:
				out.WriteRune(rune(d))
				stack, first = stack[:len(stack)-1], first[:len(first)-1]
			}
			continue
		}
		if top != nil && top.object && top.wantKey {
			comma()
			top.key, top.wantKey = tok.(string), false
			out.WriteString(jsonString(tok.(string)))
			out.WriteByte(':')
			continue
		}
		if top == nil || !top.object {
			comma()
		}
		key, kind := "", KindNone
		if top != nil {
			key, kind = top.key, top.kindOf(top.key)
			if top.object {
				top.wantKey = true
			}
		}
		switch t := tok.(type) {
		case string:
			if top != nil && top.object && (key == "name" || key == "field") {
				top.sibling = KeyKind(t)
			}
			out.WriteString(jsonString(m.value(key, kind, t)))
		case json.Number:
			// A number under a personal key becomes a string placeholder;
			// any other keeps its meaning (a duration in nanoseconds can
			// have twelve digits).
			if kind.personal() {
				out.WriteString(jsonString(mark(kind, t.String())))
			} else {
				out.WriteString(t.String())
			}
		case bool:
			if t {
				out.WriteString("true")
			} else {
				out.WriteString("false")
			}
		case nil:
			out.WriteString("null")
		}
	}
	if len(stack) != 0 {
		return "", false
	}
	return unmark(out.String()), true
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// maskForm masks a urlencoded body pair by pair, in order.
func (m *Masker) maskForm(body string) string {
	pairs := strings.Split(body, "&")
	for i, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			pairs[i] = m.Text(p)
			continue
		}
		pairs[i] = k + "=" + url.QueryEscape(unmark(m.value(key, KeyKind(key), val)))
	}
	return strings.Join(pairs, "&")
}

var inputRe = regexp.MustCompile(`<(?:input|textarea|select|option)\b[^>]*>`)
var attrRe = regexp.MustCompile(`\b(name|id|value)="([^"]*)"`)

// maskHTML masks page text by shape and the values of form controls named
// after a personal field (<input name="HoTenMe" value="…">).
func (m *Masker) maskHTML(s string) string {
	s = inputRe.ReplaceAllStringFunc(s, func(tag string) string {
		kind := KindNone
		for _, a := range attrRe.FindAllStringSubmatch(tag, -1) {
			if a[1] != "value" {
				if k := KeyKind(a[2]); k.personal() {
					kind = k
				}
			}
		}
		if !kind.personal() {
			return tag
		}
		return attrRe.ReplaceAllStringFunc(tag, func(a string) string {
			sub := attrRe.FindStringSubmatch(a)
			if sub[1] != "value" || sub[2] == "" {
				return a
			}
			return `value="` + mark(kind, sub[2]) + `"`
		})
	})
	return unmark(m.text(s))
}

// keyedJSONRe finds "Key": "value" (JSON, Gomega's dumps of maps) and
// keyedFormRe Key=value (forms, query strings) in free text; neither spans
// a line (an excerpt cut inside a value must not swallow the next line).
var (
	keyedJSONRe = regexp.MustCompile(`"([A-Za-z_][A-Za-z0-9_]*)"\s*:\s*"((?:[^"\\\n]|\\.)*)"`)
	keyedFormRe = regexp.MustCompile(`(^|[^A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)=([^&\s"'<>]+)`)
)

// maskKeyed masks the values that stand under a personal key in free text,
// keeping the text around them as it was.
func maskKeyed(s string) string {
	if strings.Contains(s, `"`) {
		s = replaceKeyed(s, keyedJSONRe, 1, 2)
	}
	if strings.Contains(s, "=") {
		s = replaceKeyed(s, keyedFormRe, 2, 3)
	}
	if strings.Contains(s, "</") {
		s = maskXMLText(s) // xml.go
	}
	return s
}

// replaceKeyed replaces group val of every match whose group key is a
// personal field name.
func replaceKeyed(s string, re *regexp.Regexp, key, val int) string {
	locs := re.FindAllStringSubmatchIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		k := KeyKind(s[l[2*key]:l[2*key+1]])
		from, to := l[2*val], l[2*val+1]
		if !k.personal() || from == to || masked(s[from:to]) {
			continue
		}
		b.WriteString(s[last:from])
		b.WriteString(mark(k, s[from:to]))
		last = to
	}
	b.WriteString(s[last:])
	return b.String()
}

// Cut shortens s to at most n bytes, on a rune boundary, marking the cut
// with "…". Text is always masked before it is cut: a cut could split a
// value so that no rule recognises its remainder.
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
