package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// PrintTable writes the terminal verdict table: one row per service, one
// per national database, one per platform system, then the totals.
func PrintTable(w io.Writer, s *Summary) {
	fmt.Fprintf(w, "\ndvcqa run %s · target %s (%s, province %s)\n", s.RunID, s.Target.Name, s.Target.Kind, s.Target.Province)
	if len(s.Target.Defects) > 0 {
		fmt.Fprintf(w, "seeded defects ON: %s\n", strings.Join(s.Target.Defects, ", "))
	}
	fmt.Fprintln(w)
	row := func(id, name, verdict string, v *Verdict) {
		fmt.Fprintf(w, "  %-22s %s %-7s %4d %4d %4d\n", id, pad(name, 58), strings.ToUpper(verdict), v.Passed, v.Failed, v.Skipped)
	}
	header := func(title string) {
		fmt.Fprintf(w, "  %-22s %s %-7s %4s %4s %4s\n", title, pad("", 58), "VERDICT", "PASS", "FAIL", "SKIP")
	}
	header("SERVICE")
	for i := range s.Services {
		v := &s.Services[i]
		row(v.ID, v.NameVI, v.Verdict, v)
	}
	fmt.Fprintln(w)
	header("NATIONAL DATABASE")
	for _, id := range sortedKeys(s.NationalDBs) {
		v := s.NationalDBs[id]
		row(id, v.NameVI, v.Verdict, v)
	}
	if len(s.Platform) > 0 {
		fmt.Fprintln(w)
		header("PLATFORM")
		for _, id := range sortedKeys(s.Platform) {
			v := s.Platform[id]
			row(id, v.NameVI, v.Verdict, v)
		}
	}
	for _, f := range s.SuiteFailures {
		fmt.Fprintf(w, "\n  SUITE SETUP FAILED: %s\n    %s\n", f.Spec, firstLine(f.Reason))
	}
	failures := 0
	for i := range s.Services {
		for _, f := range s.Services[i].Failures {
			if failures == 0 {
				fmt.Fprintln(w, "\n  Failures:")
			}
			failures++
			fmt.Fprintf(w, "  - %s\n      %s\n", f.Spec, f.Headline)
		}
	}
	t := s.Totals
	verdict := "FAIL"
	if s.Passed {
		verdict = "PASS"
	}
	fmt.Fprintf(w, "\n  %s · toàn trình (end to end) %d/%d services · national databases %d/%d · specs %d passed, %d failed, %d skipped · %.1f s\n\n",
		verdict, t.ServicesPassed, t.ServicesTotal, t.DBsPassed, t.DBsTotal, t.Passed, t.Failed, t.Skipped, t.Seconds)
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

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func sortedKeys(m map[string]*Verdict) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
