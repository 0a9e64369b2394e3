package main

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/dvcqa/dvcqa/internal/redact"
)

// consoleMasker is the writer between Ginkgo's output and the terminal (what
// CI logs keep): it masks each line with the run's masker before writing it.
// Lines are written whole, as soon as they end; a line still open is held
// back, except when it holds only progress marks (Ginkgo prints a coloured
// • or S per spec without a newline), so the progress still shows live.
type consoleMasker struct {
	mu   sync.Mutex
	out  io.Writer
	mask func(string) string
	buf  []byte
}

// consoleMaxLine bounds a line held back; a longer one is masked and
// written in pieces (a value across the cut may escape masking, which only
// a line this long without a newline could cause).
const consoleMaxLine = 64 << 10

func newConsoleMasker(out io.Writer, m *redact.Masker) *consoleMasker {
	return &consoleMasker{out: out, mask: consoleLine(m)}
}

func (c *consoleMasker) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf = append(c.buf, p...)
	for {
		i := bytes.IndexByte(c.buf, '\n')
		if i < 0 {
			break
		}
		if err := c.emit(c.buf[:i+1]); err != nil {
			return len(p), err
		}
		c.buf = c.buf[i+1:]
	}
	switch {
	case len(c.buf) > consoleMaxLine:
		err := c.emit(c.buf)
		c.buf = nil
		return len(p), err
	case len(c.buf) > 0 && progressOnly.Match(c.buf):
		_, err := c.out.Write(c.buf)
		c.buf = nil
		return len(p), err
	}
	return len(p), nil
}

// Flush writes what is held back (the last line, without its newline).
func (c *consoleMasker) Flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.buf) == 0 {
		return nil
	}
	err := c.emit(c.buf)
	c.buf = nil
	return err
}

// Status draws a line in place of the last one drawn (a terminal's
// progress line: a carriage return and erase-line, no newline); "" clears
// it. A line held back is written first, so none is drawn over.
func (c *consoleMasker) Status(s string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.buf) > 0 {
		if err := c.emit(append(c.buf, '\n')); err != nil {
			return err
		}
		c.buf = nil
	}
	_, err := io.WriteString(c.out, eraseLine+c.mask(s))
	return err
}

// eraseLine goes back to the start of a terminal's line and clears it.
const eraseLine = "\r\x1b[K"

func (c *consoleMasker) emit(line []byte) error {
	_, err := io.WriteString(c.out, c.mask(string(line)))
	return err
}

// progressOnly matches Ginkgo's progress marks: one glyph per spec, in
// colour or not.
var progressOnly = regexp.MustCompile(`^(?:\x1b\[[0-9;]*m[•SFPs·]\x1b\[0m|[•])+$`)

// ansiRe is a terminal colour code. Ginkgo colours inside a value's line
// (never inside a value), so masking the text between codes is masking it.
var ansiRe = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// consoleLine masks one console line, keeping its colour codes. Ginkgo's
// "Random Seed: N" is not an ID: it is how a run is repeated.
func consoleLine(m *redact.Masker) func(string) string {
	return func(line string) string {
		if strings.Contains(line, "Random Seed: ") {
			return line
		}
		codes := ansiRe.FindAllStringIndex(line, -1)
		if codes == nil {
			return m.Text(line)
		}
		var b strings.Builder
		last := 0
		for _, c := range codes {
			b.WriteString(m.Text(line[last:c[0]]))
			b.WriteString(line[c[0]:c[1]])
			last = c[1]
		}
		b.WriteString(m.Text(line[last:]))
		return b.String()
	}
}
