package resultpdf

import (
	"encoding/hex"
	"fmt"
	"strconv"
)

type tokenKind int

const (
	tNumber tokenKind = iota
	tString
	tName
	tArray
	tOther // dictionaries, booleans: operands this package never reads
)

type token struct {
	kind  tokenKind
	num   float64
	text  string // a name, without the slash
	bytes []byte // a string's bytes
	elems []token
}

// tokens lexes a content stream (or a CMap) and calls op for every
// operator with its operands.
func tokens(b []byte, op func(string, []token) error) error {
	l := lexer{b: b}
	var args []token
	for {
		t, word, err := l.next()
		if err != nil {
			return err
		}
		switch {
		case word == "" && t == nil:
			return nil
		case word == "BI": // inline image: skip its data
			if err := l.skipInlineImage(); err != nil {
				return err
			}
			args = args[:0]
		case word != "":
			if err := op(word, args); err != nil {
				return err
			}
			args = args[:0]
		default:
			args = append(args, *t)
		}
	}
}

type lexer struct {
	b []byte
	i int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	return isSpace(c) || c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '/' || c == '%' || c == '{' || c == '}'
}

// next returns an operand, or an operator word; both empty at the end.
func (l *lexer) next() (*token, string, error) {
	for l.i < len(l.b) {
		c := l.b[l.i]
		switch {
		case isSpace(c):
			l.i++
			continue
		case c == '%':
			for l.i < len(l.b) && l.b[l.i] != '\n' && l.b[l.i] != '\r' {
				l.i++
			}
			continue
		}
		break
	}
	if l.i >= len(l.b) {
		return nil, "", nil
	}
	c := l.b[l.i]
	switch {
	case c == '(':
		s, err := l.literal()
		return &token{kind: tString, bytes: s}, "", err
	case c == '<' && l.i+1 < len(l.b) && l.b[l.i+1] == '<':
		l.i += 2
		return &token{kind: tOther}, "", l.skipDict()
	case c == '<':
		s, err := l.hexString()
		return &token{kind: tString, bytes: s}, "", err
	case c == '[':
		l.i++
		var elems []token
		for {
			t, word, err := l.next()
			if err != nil {
				return nil, "", err
			}
			if t == nil && word == "" {
				return nil, "", fmt.Errorf("content stream: unterminated array")
			}
			if word == "]" {
				return &token{kind: tArray, elems: elems}, "", nil
			}
			if t != nil {
				elems = append(elems, *t)
			}
		}
	case c == ']' || c == '{' || c == '}' || c == '>':
		l.i++
		return nil, string(c), nil
	case c == '/':
		l.i++
		return &token{kind: tName, text: l.word()}, "", nil
	}
	w := l.word()
	if w == "" { // a stray delimiter
		l.i++
		return l.next()
	}
	if n, err := strconv.ParseFloat(w, 64); err == nil {
		return &token{kind: tNumber, num: n}, "", nil
	}
	if w == "true" || w == "false" || w == "null" {
		return &token{kind: tOther}, "", nil
	}
	return nil, w, nil
}

func (l *lexer) word() string {
	start := l.i
	for l.i < len(l.b) && !isDelim(l.b[l.i]) {
		l.i++
	}
	return string(l.b[start:l.i])
}

// literal reads a (string) with its escapes and balanced parentheses.
func (l *lexer) literal() ([]byte, error) {
	l.i++ // (
	var out []byte
	depth := 1
	for l.i < len(l.b) {
		c := l.b[l.i]
		l.i++
		switch c {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return out, nil
			}
		case '\\':
			if l.i >= len(l.b) {
				return nil, fmt.Errorf("content stream: string ends in a backslash")
			}
			e := l.b[l.i]
			l.i++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.i < len(l.b) && l.b[l.i] == '\n' {
					l.i++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.i < len(l.b) && l.b[l.i] >= '0' && l.b[l.i] <= '7'; k++ {
						v = v*8 + int(l.b[l.i]-'0')
						l.i++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return nil, fmt.Errorf("content stream: unterminated string")
}

func (l *lexer) hexString() ([]byte, error) {
	l.i++ // <
	var digits []byte
	for l.i < len(l.b) && l.b[l.i] != '>' {
		if !isSpace(l.b[l.i]) {
			digits = append(digits, l.b[l.i])
		}
		l.i++
	}
	if l.i >= len(l.b) {
		return nil, fmt.Errorf("content stream: unterminated hex string")
	}
	l.i++ // >
	if len(digits)%2 == 1 {
		digits = append(digits, '0')
	}
	out := make([]byte, len(digits)/2)
	if _, err := hex.Decode(out, digits); err != nil {
		return nil, fmt.Errorf("content stream: hex string: %w", err)
	}
	return out, nil
}

// skipDict skips a << >> dictionary operand (marked content properties).
func (l *lexer) skipDict() error {
	for depth := 1; depth > 0; {
		if l.i+1 >= len(l.b) {
			return fmt.Errorf("content stream: unterminated dictionary")
		}
		switch {
		case l.b[l.i] == '<' && l.b[l.i+1] == '<':
			depth++
			l.i += 2
		case l.b[l.i] == '>' && l.b[l.i+1] == '>':
			depth--
			l.i += 2
		case l.b[l.i] == '(':
			if _, err := l.literal(); err != nil {
				return err
			}
		default:
			l.i++
		}
	}
	return nil
}

func (l *lexer) skipInlineImage() error {
	for l.i+2 < len(l.b) {
		if l.b[l.i] == 'E' && l.b[l.i+1] == 'I' && isSpace(l.b[l.i-1]) && (l.i+2 == len(l.b) || isDelim(l.b[l.i+2])) {
			l.i += 2
			return nil
		}
		l.i++
	}
	return fmt.Errorf("content stream: unterminated inline image")
}
