package reports

import (
	"regexp"
	"strings"
)

// gomegaValue is the line Gomega puts before an error's message:
// "<*fmt.wrapError | 0xc000123456>: ".
var gomegaValue = regexp.MustCompile(`^<[^>]+ \| 0x[0-9a-f]+>: ?$`)

// ansi is a terminal colour escape (Ginkgo colours some of its own messages).
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// StripANSI removes terminal colour escapes.
func StripANSI(s string) string { return ansi.ReplaceAllString(s, "") }

// PlainError rewrites Gomega's "Unexpected error:" block (or Succeed's
// "Expected success, but got an error:") — the error's
// type and address, its message, then a dump of its fields — as the
// message alone: the dump repeats the message, and a QA engineer passes on
// words, not Go values. Other text is returned as it is.
//
//	log in through SSO
//	Unexpected error:
//	    <*fmt.wrapError | 0xc0001>:
//	    sso login: connection reset
//	    {msg: "sso login: …", err: …}
//	occurred
//
// becomes "log in through SSO: sso login: connection reset".
func PlainError(reason string) string {
	lines := strings.Split(reason, "\n")
	at := -1
	for i, l := range lines {
		if t := strings.TrimSpace(l); t == "Unexpected error:" || t == "Expected success, but got an error:" {
			at = i
			break
		}
	}
	if at < 0 || at+2 >= len(lines) || !gomegaValue.MatchString(strings.TrimSpace(lines[at+1])) {
		return reason
	}
	indent := lines[at+1][:len(lines[at+1])-len(strings.TrimLeft(lines[at+1], " \t"))]
	var msg []string
	i := at + 2
	for ; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l)
		if t == "occurred" || (strings.HasPrefix(l, indent) && (strings.HasPrefix(t, "{") || gomegaValue.MatchString(t) ||
			strings.HasPrefix(t, "<") && strings.Contains(t, " | 0x"))) {
			break
		}
		msg = append(msg, strings.TrimPrefix(l, indent))
	}
	// Skip the dump, up to "occurred" (gone when Gomega cut the dump).
	for ; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "occurred" {
			i++
			break
		}
	}
	head := strings.Join(lines[:at], "\n")
	body := strings.TrimSpace(strings.Join(msg, "\n"))
	out := body
	if strings.TrimSpace(head) != "" {
		out = strings.TrimRight(head, " \n") + ": " + body
	}
	if rest := strings.TrimSpace(strings.Join(lines[i:], "\n")); rest != "" {
		out += "\n" + rest
	}
	return out
}
