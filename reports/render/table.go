package render

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/dvcqa/dvcqa/reports"
)

// PrintTable writes the terminal verdict table: one row per service, one
// per national database, one per platform system, the gate, the totals.
func PrintTable(w io.Writer, s *reports.Summary) {
	fmt.Fprintf(w, "\ndvcqa run %s · target %s (%s, province %s)\n", s.RunID, s.Target.Name, s.Target.Kind, s.Target.Province)
	if len(s.Target.Defects) > 0 {
		fmt.Fprintf(w, "seeded defects ON: %s\n", strings.Join(s.Target.Defects, ", "))
	}
	if s.Target.PortalAPI == "none" {
		fmt.Fprintln(w, "portal.api: none — the portal has no dvcqa citizen API: API-layer specs are NOT RUN, services are judged on the browser flow")
	}
	fmt.Fprintln(w)
	row := func(id, name string, v *reports.Verdict) {
		note := ""
		switch {
		case len(v.BlockedBy) > 0:
			note = "by " + strings.Join(v.BlockedBy, ", ")
		case v.Waiver != nil:
			note = v.Waiver.Ticket + " until " + v.Waiver.Expires
		case len(v.Unverified) > 0:
			u := v.Unverified[0]
			note = u.Check + ": " + u.Reason
			if len(v.Unverified) > 1 {
				note += fmt.Sprintf(" (+%d)", len(v.Unverified)-1)
			}
		case len(v.Warnings) > 0:
			note = fmt.Sprintf("%d accessibility warning(s)", len(v.Warnings))
		}
		if len(note) > 90 {
			note = reports.Truncate(note, 90)
		}
		fmt.Fprintf(w, "  %-22s %s %-12s %4d %4d %4d  %s\n", id, pad(name, 54), v.Readiness, v.Passed, v.Failed, v.Skipped, note)
	}
	header := func(title string) {
		fmt.Fprintf(w, "  %-22s %s %-12s %4s %4s %4s\n", title, pad("", 54), "VERDICT", "PASS", "FAIL", "SKIP")
	}
	header("SERVICE")
	for i := range s.Services {
		v := &s.Services[i]
		row(v.ID, v.NameVI, v)
	}
	fmt.Fprintln(w)
	header("NATIONAL DATABASE")
	for _, id := range reports.SortedKeys(s.NationalDBs) {
		row(id, s.NationalDBs[id].NameVI, s.NationalDBs[id])
	}
	if len(s.Platform) > 0 {
		fmt.Fprintln(w)
		header("PLATFORM")
		for _, id := range reports.SortedKeys(s.Platform) {
			row(id, s.Platform[id].NameVI, s.Platform[id])
		}
	}
	for _, f := range s.SuiteFailures {
		fmt.Fprintf(w, "\n  SUITE SETUP FAILED: %s\n    %s\n", f.Spec, f.Headline)
	}
	// The first failures in the terminal; all of them are in index.html.
	const shown = 10
	failures := 0
	for i := range s.Services {
		for _, f := range s.Services[i].Failures {
			if failures == 0 {
				fmt.Fprintln(w, "\n  Failures:")
			}
			failures++
			if failures <= shown {
				fmt.Fprintf(w, "  - %s\n      %s\n", f.Spec, f.Headline)
			}
		}
	}
	if failures > shown {
		fmt.Fprintf(w, "  … and %d more (index.html lists them all)\n", failures-shown)
	}
	notRun(w, s)
	gate := "FAILED"
	if s.Gate.Passed {
		gate = "PASSED"
	}
	fmt.Fprintf(w, "\n  Go-live gate %s\n", gate)
	for _, r := range s.Gate.Rules {
		mark := "✗"
		if r.Passed {
			mark = "✓"
		}
		fmt.Fprintf(w, "    %s %s: want %s, got %s\n", mark, r.Description, r.Want, r.Got)
		if !r.Passed && len(r.Items) > 0 {
			items := r.Items
			if len(items) > 8 {
				items = append(append([]string{}, items[:8]...), fmt.Sprintf("… %d more", len(r.Items)-8))
			}
			fmt.Fprintf(w, "        %s\n", strings.Join(items, " · "))
		}
	}
	if len(s.Partial) > 0 {
		fmt.Fprintf(w, "\n  PARTIAL RUN — cannot decide go-live:\n")
		for _, p := range i18nPartial(s.Partial, LangEN) {
			fmt.Fprintf(w, "    - %s\n", p)
		}
	}
	for _, n := range i18nHealthNotes(s.HealthNotes, LangEN) {
		fmt.Fprintf(w, "\n  ⚠ %s\n", n)
	}
	if s.SSOSession != "" {
		fmt.Fprintf(w, "\n  %s\n", s.SSOSession)
	}
	fmt.Fprintf(w, "\n  %s\n", i18nHeadline(s.Headline, LangVI))
	t := s.Totals
	fmt.Fprintf(w, "  specs %d passed (%d flaky), %d failed, %d skipped · %.1f s\n\n", t.Passed, t.Flaky, t.Failed, t.Skipped, t.Seconds)
	// The plain closing line CI systems read.
	fmt.Fprintf(w, "specs: %d passed, %d failed, %d skipped\n", t.Passed, t.Failed, t.Skipped)
}

func pad(s string, n int) string {
	if utf8.RuneCountInString(s) > n {
		r := []rune(s)
		return string(r[:n-1]) + "…"
	}
	return s + strings.Repeat(" ", n-utf8.RuneCountInString(s))
}

// notRun lists why specs skipped themselves (portal.api: none, allow.pay:
// false …), by reason with how many: a check that did not run is shown as
// such, never folded into a pass.
func notRun(w io.Writer, s *reports.Summary) {
	count := map[string]int{}
	var order []string
	for _, sp := range s.Specs {
		if sp.SkipReason == "" {
			continue
		}
		if count[sp.SkipReason] == 0 {
			order = append(order, sp.SkipReason)
		}
		count[sp.SkipReason]++
	}
	if len(order) == 0 {
		return
	}
	fmt.Fprintln(w, "\n  Not run (the spec said why):")
	const shown = 5
	for i, r := range order {
		if i == shown {
			fmt.Fprintf(w, "  … and %d more reason(s) (summary.json: specs[].skip_reason)\n", len(order)-shown)
			break
		}
		fmt.Fprintf(w, "  - %d spec(s): %s\n", count[r], reports.Truncate(r, 160))
	}
}
