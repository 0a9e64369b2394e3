package resultpdf

import (
	"fmt"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// textLines is the text of every page, one string per text line: a line
// starts at each BT and at each move to another line (Td/TD with a
// vertical move, T*, ' and ").
func (d *document) textLines() ([]string, error) {
	if err := d.ctx.EnsurePageCount(); err != nil {
		return nil, fmt.Errorf("page count: %w", err)
	}
	var lines []string
	for p := 1; p <= d.ctx.PageCount; p++ {
		page, _, inherited, err := d.ctx.PageDict(p, false)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", p, err)
		}
		content, err := d.ctx.PageContent(page, p)
		if err != nil {
			return nil, fmt.Errorf("page %d content: %w", p, err)
		}
		res, err := d.ctx.DereferenceDict(page["Resources"])
		if (err != nil || res == nil) && inherited != nil {
			res = inherited.Resources
		}
		fonts, err := d.fonts(res)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", p, err)
		}
		l, err := showText(content, fonts)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", p, err)
		}
		lines = append(lines, l...)
	}
	return lines, nil
}

// fonts maps a page's font resource names to their ToUnicode maps (nil
// for a simple font without one: its bytes are read as Latin-1).
func (d *document) fonts(res types.Dict) (map[string]*cmap, error) {
	out := map[string]*cmap{}
	if res == nil {
		return out, nil
	}
	fd, err := d.ctx.DereferenceDict(res["Font"])
	if err != nil || fd == nil {
		return out, err
	}
	for name, ref := range fd {
		f, err := d.ctx.DereferenceDict(ref)
		if err != nil || f == nil {
			return nil, fmt.Errorf("font %s: %v", name, err)
		}
		sd, _, err := d.ctx.DereferenceStreamDict(f["ToUnicode"])
		if err != nil {
			return nil, fmt.Errorf("font %s ToUnicode: %w", name, err)
		}
		if sd == nil {
			if st := f.NameEntry("Subtype"); st != nil && *st == "Type0" {
				return nil, fmt.Errorf("font %s is a composite font without a ToUnicode map: its text cannot be read", name)
			}
			out[name] = nil
			continue
		}
		if err := sd.Decode(); err != nil {
			return nil, fmt.Errorf("font %s ToUnicode: %w", name, err)
		}
		m, err := parseCMap(sd.Content)
		if err != nil {
			return nil, fmt.Errorf("font %s ToUnicode: %w", name, err)
		}
		out[name] = m
	}
	return out, nil
}

// showText runs the text operators of a content stream.
func showText(content []byte, fonts map[string]*cmap) ([]string, error) {
	var lines []string
	var cur strings.Builder
	var font *cmap
	newLine := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			lines = append(lines, s)
		}
		cur.Reset()
	}
	show := func(raw []byte) {
		if font == nil {
			for _, b := range raw {
				cur.WriteRune(rune(b)) // Latin-1: simple fonts carry ASCII here
			}
			return
		}
		cur.WriteString(font.decode(raw))
	}
	err := tokens(content, func(op string, args []token) error {
		switch op {
		case "BT", "T*":
			newLine()
		case "Td", "TD":
			if len(args) == 2 && args[1].num != 0 {
				newLine()
			}
		case "Tf":
			if len(args) != 2 || args[0].kind != tName {
				return fmt.Errorf("operator Tf with %d operands", len(args))
			}
			f, ok := fonts[args[0].text]
			if !ok {
				return fmt.Errorf("font %s is not among the page's resources", args[0].text)
			}
			font = f
		case "Tj", "'", "\"":
			if op != "Tj" {
				newLine()
			}
			if len(args) > 0 && args[len(args)-1].kind == tString {
				show(args[len(args)-1].bytes)
			}
		case "TJ":
			if len(args) == 1 && args[0].kind == tArray {
				for _, e := range args[0].elems {
					switch {
					case e.kind == tString:
						show(e.bytes)
					case e.kind == tNumber && e.num <= -250: // a wide gap reads as a space
						cur.WriteByte(' ')
					}
				}
			}
		}
		return nil
	})
	newLine()
	return lines, err
}
