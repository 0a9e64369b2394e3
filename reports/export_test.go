package reports

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// Renderers for the tests that check what a built summary reads like. The
// model cannot import its renderers (reports/render imports reports), so
// render_hook_test.go, an external test in this folder, plugs them in.
var (
	RenderTable    func(w io.Writer, s *Summary)
	RenderMarkdown func(w io.Writer, s *Summary, lang string) error
	RenderHTML     func(w io.Writer, s *Summary, runDir, lang string) error
)

// tableHas: the terminal table of s shows every one of wants.
func tableHas(t *testing.T, s *Summary, wants ...string) {
	t.Helper()
	var buf bytes.Buffer
	RenderTable(&buf, s)
	for _, want := range wants {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}

// renderedHas: summary.md and index.html (English) of s show want.
func renderedHas(t *testing.T, s *Summary, want string) {
	t.Helper()
	var md, page bytes.Buffer
	if err := RenderMarkdown(&md, s, "en"); err != nil {
		t.Fatal(err)
	}
	if err := RenderHTML(&page, s, t.TempDir(), "en"); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"summary.md": md.String(), "index.html": page.String()} {
		if !strings.Contains(text, want) {
			t.Errorf("%s does not show %q", name, want)
		}
	}
}
