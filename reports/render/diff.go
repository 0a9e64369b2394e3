package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/dvcqa/dvcqa/reports"
)

// WriteDiffText writes the diff as a listing that reads in a terminal and
// renders as Markdown: a heading, then one section per non-empty kind of
// change (regressions first), or "No changes".
func WriteDiffText(w io.Writer, d *reports.Diff) error {
	if d == nil {
		d = &reports.Diff{}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# dvcqa diff: %s → %s\n\n", diffRunName(d.Old), diffRunName(d.New))
	if d.Empty() {
		b.WriteString("No changes.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	outcome := func(o string) string {
		if o == "" {
			return "—"
		}
		return o
	}
	section := func(title string, n int) {
		fmt.Fprintf(&b, "## %s (%d)\n\n", title, n)
	}
	specs := func(title string, l []reports.SpecChange, show func(reports.SpecChange) string) {
		if len(l) == 0 {
			return
		}
		section(title, len(l))
		for _, c := range l {
			fmt.Fprintf(&b, "- %s%s\n", diffMarkdown(c.Name), show(c))
		}
		b.WriteString("\n")
	}
	change := func(c reports.SpecChange) string {
		return ": " + outcome(c.OldOutcome) + " → " + outcome(c.NewOutcome)
	}

	if len(d.ReadinessChanges) > 0 {
		section("Readiness changes", len(d.ReadinessChanges))
		for _, c := range d.ReadinessChanges {
			fmt.Fprintf(&b, "- %s: %s → %s\n", diffMarkdown(c.ID), diffReadiness(c.Old), diffReadiness(c.New))
		}
		b.WriteString("\n")
	}
	specs("Regressions", d.Regressions, change)
	specs("Fixes", d.Fixes, change)
	specs("Flaky", d.Flaky, func(c reports.SpecChange) string {
		if c.OldOutcome == "" {
			return " (new spec)"
		}
		return " (was " + c.OldOutcome + ")"
	})
	if len(d.Slower) > 0 {
		section("Slower", len(d.Slower))
		for _, c := range d.Slower {
			ratio := ""
			if c.OldSeconds > 0 {
				ratio = fmt.Sprintf(", ×%.1f", c.NewSeconds/c.OldSeconds)
			}
			fmt.Fprintf(&b, "- %s: %.1fs → %.1fs (+%.1fs%s)\n", diffMarkdown(c.Name), c.OldSeconds, c.NewSeconds,
				c.NewSeconds-c.OldSeconds, ratio)
		}
		b.WriteString("\n")
	}
	specs("New specs", d.NewSpecs, func(c reports.SpecChange) string { return ": " + outcome(c.NewOutcome) })
	specs("Removed specs", d.RemovedSpecs, func(c reports.SpecChange) string { return " (was " + outcome(c.OldOutcome) + ")" })
	_, err := io.WriteString(w, strings.TrimRight(b.String(), "\n")+"\n")
	return err
}

func diffRunName(id string) string {
	if id == "" {
		return "(unnamed run)"
	}
	return id
}

func diffReadiness(r string) string {
	if r == "" {
		return "(absent)"
	}
	return r
}

// diffMarkdown puts a name on one line and escapes the few characters
// Markdown would eat; underscores ("judicial_records") and brackets
// ("[01]") stay, as they render as they are and read better in a terminal.
var diffMarkdownEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "<", `\<`, ">", `\>`)

func diffMarkdown(s string) string {
	return diffMarkdownEscaper.Replace(strings.Join(strings.Fields(s), " "))
}
