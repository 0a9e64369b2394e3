package resultpdf

import (
	"fmt"
	"unicode/utf16"
)

// cmap is a ToUnicode map: fixed-length codes (from its codespace range)
// to UTF-16BE text.
type cmap struct {
	codeLen int
	chars   map[string][]byte
	ranges  []bfRange
}

type bfRange struct {
	lo, hi []byte
	dst    []byte   // UTF-16BE of lo, incremented along the range
	each   [][]byte // or one destination per code
}

// parseCMap reads the codespace, bfchar and bfrange sections of a CMap.
func parseCMap(b []byte) (*cmap, error) {
	m := &cmap{chars: map[string][]byte{}}
	err := tokens(b, func(op string, args []token) error {
		switch op {
		case "endcodespacerange":
			if len(args) >= 1 && args[0].kind == tString && m.codeLen == 0 {
				m.codeLen = len(args[0].bytes)
			}
		case "endbfchar":
			for i := 0; i+1 < len(args); i += 2 {
				if args[i].kind == tString && args[i+1].kind == tString {
					m.chars[string(args[i].bytes)] = args[i+1].bytes
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(args); i += 3 {
				r := bfRange{lo: args[i].bytes, hi: args[i+1].bytes}
				switch d := args[i+2]; d.kind {
				case tString:
					r.dst = d.bytes
				case tArray:
					for _, e := range d.elems {
						r.each = append(r.each, e.bytes)
					}
				}
				m.ranges = append(m.ranges, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if m.codeLen < 1 || m.codeLen > 4 {
		return nil, fmt.Errorf("cmap: codespace of %d-byte codes", m.codeLen)
	}
	return m, nil
}

func codeValue(b []byte) int {
	v := 0
	for _, c := range b {
		v = v<<8 | int(c)
	}
	return v
}

// decode maps a string's codes to text; an unmapped code reads as U+FFFD.
func (m *cmap) decode(raw []byte) string {
	var out []rune
	for i := 0; i+m.codeLen <= len(raw); i += m.codeLen {
		code := raw[i : i+m.codeLen]
		out = append(out, utf16be(m.lookup(code))...)
	}
	return string(out)
}

func (m *cmap) lookup(code []byte) []byte {
	if d, ok := m.chars[string(code)]; ok {
		return d
	}
	v := codeValue(code)
	for _, r := range m.ranges {
		lo, hi := codeValue(r.lo), codeValue(r.hi)
		if len(r.lo) != len(code) || v < lo || v > hi {
			continue
		}
		if r.each != nil {
			if v-lo < len(r.each) {
				return r.each[v-lo]
			}
			return nil
		}
		d := append([]byte(nil), r.dst...)
		if len(d) == 0 {
			return nil
		}
		// Add the offset to the destination's last code unit.
		n := codeValue(d[len(d)-min(2, len(d)):]) + v - lo
		if len(d) >= 2 {
			d[len(d)-2], d[len(d)-1] = byte(n>>8), byte(n)
		} else {
			d[0] = byte(n)
		}
		return d
	}
	return []byte{0xff, 0xfd}
}

func utf16be(b []byte) []rune {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return utf16.Decode(u)
}
