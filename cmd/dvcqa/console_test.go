package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/internal/redact"
)

// TestConsoleMasker: lines are masked with their colour codes kept, the
// progress marks show before their line ends, an open line holding a
// value waits for its end, and Flush writes what is left.
func TestConsoleMasker(t *testing.T) {
	var out bytes.Buffer
	c := newConsoleMasker(&out, redact.NewMasker("S3cret-pass"))
	write := func(s string) {
		t.Helper()
		if n, err := c.Write([]byte(s)); err != nil || n != len(s) {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	progress := "\x1b[38;5;14mS\x1b[0m\x1b[38;5;10m•\x1b[0m"
	write(progress)
	if out.String() != progress {
		t.Errorf("progress marks held back: %q", out.String())
	}
	write("\n  \x1b[38;5;9m[FAILED] name ≠ for 001085012345\n      <string>: Trần ")
	if strings.Contains(out.String(), "Trần") {
		t.Errorf("an open line was written before it ended: %q", out.String())
	}
	write("Anh Đạt\x1b[0m\npw S3cret-pass\nRandom Seed: \x1b[1m1796114861\x1b[0m\nlast: Hồ Diệu Yến")
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, leak := range []string{"001085012345", "Trần Anh Đạt", "S3cret-pass", "Hồ Diệu Yến"} {
		if strings.Contains(got, leak) {
			t.Errorf("console shows %q: %q", leak, got)
		}
	}
	for _, keep := range []string{"\x1b[38;5;9m[FAILED] name ≠ for 001*******45", "<string>: [họ tên]\x1b[0m\n", "1796114861", "last: [họ tên]"} {
		if !strings.Contains(got, keep) {
			t.Errorf("console lacks %q: %q", keep, got)
		}
	}
}
