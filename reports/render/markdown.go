package render

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dvcqa/dvcqa/reports"
)

// mdMaxCell bounds a headline in the Markdown table.
const mdMaxCell = 140

// WriteMarkdown writes summary.md: the gate result, the ministry line, the
// gate rules and only what is not READY, short enough to paste into a chat
// or a ticket. lang is "vi" (the default) or "en".
func WriteMarkdown(w io.Writer, s *reports.Summary, lang string) error {
	if s == nil {
		return errors.New("write markdown: no summary")
	}
	lang = i18nLang(lang)
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }

	p("# %s\n\n", mdEscape(i18nTitle(s, lang)))
	verdict := "✗ " + i18nT(lang, "gate_failed")
	if s.Gate.Passed {
		verdict = "✓ " + i18nT(lang, "gate_passed")
	}
	p("**%s** · %s\n\n", verdict, i18nHeadline(s.Headline, lang))

	if len(s.Target.Defects) > 0 {
		defects := make([]string, len(s.Target.Defects))
		for i, d := range s.Target.Defects {
			defects[i] = mdCode(d)
		}
		p("> ⚠ **%s**: %s\n\n", i18nT(lang, "seeded_title"), strings.Join(defects, ", "))
	} else if strings.EqualFold(s.Target.Kind, "mock") {
		p("> %s\n\n", i18nT(lang, "mock_note"))
	}

	if len(s.Gate.Rules) > 0 {
		p("**%s**\n\n", i18nT(lang, "gate_rules"))
		for _, r := range s.Gate.Rules {
			mark := "✗"
			if r.Passed {
				mark = "✓"
			}
			p("- %s %s — %s %s, %s %s\n", mark, mdEscape(i18nRule(r, lang)),
				strings.ToLower(i18nT(lang, "col_want")), mdEscape(r.Want), strings.ToLower(i18nT(lang, "col_got")), mdEscape(r.Got))
		}
		p("\n")
	}

	// Services not READY.
	var bad []*reports.Verdict
	var notRun, reasons []string
	ready := 0
	for i := range s.Services {
		v := &s.Services[i]
		switch reports.ReadinessOf(v) {
		case reports.Ready:
			ready++
		case reports.NotRun, reports.NotVerified:
			notRun = append(notRun, v.ID)
			reasons = mdReasons(reasons, v, lang)
		default:
			bad = append(bad, v)
		}
	}
	total := len(s.Services)
	if len(bad) > 0 {
		p("**%s**\n\n", i18nF(lang, "md_not_ready_services", len(bad), total))
		p("| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n",
			i18nT(lang, "col_id"), i18nT(lang, "col_service"), i18nT(lang, "col_readiness"), i18nT(lang, "f_check"), i18nT(lang, "md_cause"))
		for _, v := range bad {
			p("| %s | %s | %s | %s | %s |\n", mdEscape(v.ID), mdEscape(i18nItemName(v, lang)), reports.ReadinessOf(v), mdEscape(mdFailingCheck(v, lang)), mdEscape(mdCause(v, lang)))
		}
		p("\n")
	}
	if len(notRun) > 0 {
		p("%s%s\n\n", i18nF(lang, "md_not_run", len(notRun), mdEscape(mdRanges(notRun))), mdWhy(reasons))
	}
	switch {
	case total > 0 && ready == total:
		p("%s\n\n", i18nF(lang, "md_all_services", total))
	case ready > 0:
		p("%s\n\n", i18nF(lang, "md_others_services", ready))
	}

	// National databases not READY.
	var badDBs []*reports.Verdict
	var dbNotRun, dbReasons []string
	dbReady := 0
	for _, id := range slices.Sorted(maps.Keys(s.NationalDBs)) {
		v := s.NationalDBs[id]
		if v == nil {
			continue
		}
		c := *v
		if c.ID == "" {
			c.ID = id
		}
		switch reports.ReadinessOf(&c) {
		case reports.Ready:
			dbReady++
		case reports.NotRun, reports.NotVerified:
			dbNotRun = append(dbNotRun, c.ID)
			dbReasons = mdReasons(dbReasons, &c, lang)
		default:
			badDBs = append(badDBs, &c)
		}
	}
	dbTotal := dbReady + len(dbNotRun) + len(badDBs)
	if len(badDBs) > 0 {
		p("**%s**\n\n", i18nF(lang, "md_not_ready_dbs", len(badDBs), dbTotal))
		p("| %s | %s | %s | %s |\n|---|---|---|---|\n",
			i18nT(lang, "col_id"), i18nT(lang, "col_db"), i18nT(lang, "col_readiness"), i18nT(lang, "md_cause"))
		for _, v := range badDBs {
			p("| %s | %s | %s | %s |\n", mdEscape(v.ID), mdEscape(i18nItemName(v, lang)), reports.ReadinessOf(v), mdEscape(mdCause(v, lang)))
		}
		p("\n")
	}
	if len(dbNotRun) > 0 {
		p("%s%s\n\n", i18nF(lang, "md_not_run", len(dbNotRun), mdEscape(strings.Join(dbNotRun, ", "))), mdWhy(dbReasons))
	}
	switch {
	case dbTotal > 0 && dbReady == dbTotal:
		p("%s\n\n", i18nF(lang, "md_all_dbs", dbTotal))
	case dbReady > 0:
		p("%s\n\n", i18nF(lang, "md_others_dbs", dbReady))
	}

	// Platform systems not READY, one line each.
	var platform []string
	for _, id := range slices.Sorted(maps.Keys(s.Platform)) {
		v := s.Platform[id]
		if v == nil {
			continue
		}
		if r := reports.ReadinessOf(v); r != reports.Ready {
			platform = append(platform, fmt.Sprintf("- %s %s — %s", mdCode(id), r, mdEscape(mdCause(v, lang))))
		}
	}
	if len(platform) > 0 {
		p("**%s**\n\n%s\n\n", i18nT(lang, "md_not_ready_platform"), strings.Join(platform, "\n"))
	}
	var warn []string
	for i := range s.Services {
		for _, w := range s.Services[i].Warnings {
			warn = append(warn, fmt.Sprintf("%s %s", mdCode(s.Services[i].ID), mdEscape(mdCell(w, 3*mdMaxCell))))
		}
	}
	if len(warn) > 0 {
		p("**%s**\n\n%s\n\n", i18nF(lang, "md_a11y_warnings", len(warn)), strings.Join(warn, "  \n"))
	}
	if len(s.Partial) > 0 {
		p("> ⚠ **%s** %s\n", i18nT(lang, "partial_title"), i18nT(lang, "partial_body"))
		for _, r := range i18nPartial(s.Partial, lang) {
			p("> · %s\n", mdEscape(r))
		}
		p("\n")
	}
	for _, n := range i18nHealthNotes(s.HealthNotes, lang) {
		p("> ⚠ %s\n\n", mdEscape(n))
	}
	if len(s.SuiteFailures) > 0 {
		p("**%s**\n\n", i18nF(lang, "md_suite", len(s.SuiteFailures)))
		for _, f := range s.SuiteFailures {
			p("- %s — %s\n", mdEscape(mdCell(f.Spec, 80)), mdEscape(mdCell(mdHeadline(f), mdMaxCell)))
		}
		p("\n")
	}

	// Where it comes from.
	where := mdCode(s.Target.Name)
	var extra []string
	if s.Target.Kind != "" {
		extra = append(extra, mdEscape(s.Target.Kind))
	}
	if s.Target.Province != "" {
		extra = append(extra, mdEscape(i18nProvince(s.Target.Province, lang)))
	}
	if len(extra) > 0 {
		where += " (" + strings.Join(extra, ", ") + ")"
	}
	p("---\n%s %s · %s %s · %s → %s (%s)", i18nT(lang, "run"), mdCode(s.RunID), strings.ToLower(i18nT(lang, "m_target")), where,
		i18nTime(s.StartedAt), i18nTime(s.FinishedAt), i18nT(lang, "tz"))
	if s.Meta.Harness != "" {
		p(" · dvcqa %s", mdEscape(htmlHarness(s)))
	}
	p("\n%s\n", i18nT(lang, "md_details"))
	return b.Flush()
}

// mdFailingCheck names the step that failed: the first failure's check,
// else the first failed (or flaky) matrix column.
func mdFailingCheck(v *reports.Verdict, lang string) string {
	for _, f := range v.Failures {
		if f.Check != "" {
			_, name := i18nCheckName(lang, f.Check)
			return name
		}
	}
	for _, want := range []string{reports.CheckFail, reports.CheckFlaky} {
		for _, c := range reports.CheckColumns {
			if v.Checks[c] == want {
				_, name := i18nCheckName(lang, c)
				return name
			}
		}
	}
	return "—"
}

// mdCause is the one-line reason: blocked by / the failure's headline / the
// waiver ticket.
func mdCause(v *reports.Verdict, lang string) string {
	var parts []string
	if len(v.BlockedBy) > 0 {
		parts = append(parts, i18nT(lang, "blocked_by")+" "+strings.Join(v.BlockedBy, ", "))
	}
	if len(v.Failures) > 0 {
		parts = append(parts, mdCell(mdHeadline(v.Failures[0]), mdMaxCell))
		if n := len(v.Failures) - 1; n > 0 {
			parts[len(parts)-1] += " (+" + strconv.Itoa(n) + ")"
		}
	}
	if v.Waiver != nil && v.Waiver.Ticket != "" {
		parts = append(parts, i18nT(lang, "waiver")+" "+v.Waiver.Ticket)
	}
	if len(v.Failures) == 0 && len(v.Unverified) > 0 {
		parts = append(parts, mdCell(i18nUnverified(v.Unverified[0], lang), mdMaxCell))
	}
	for _, w := range v.Warnings {
		parts = append(parts, mdCell(i18nT(lang, "a11y_warning")+": "+w, mdMaxCell))
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, "; ")
}

// mdReasons adds an item's distinct reasons for not being verified.
func mdReasons(rs []string, v *reports.Verdict, lang string) []string {
	for _, u := range v.Unverified {
		if r := i18nUnverified(u, lang); !slices.Contains(rs, r) {
			rs = append(rs, r)
		}
	}
	return rs
}

// mdWhy is the reasons after a "not verified" line, at most three.
func mdWhy(rs []string) string {
	if len(rs) == 0 {
		return ""
	}
	more := ""
	if len(rs) > 3 {
		more = fmt.Sprintf(" (+%d)", len(rs)-3)
		rs = rs[:3]
	}
	return " — " + mdEscape(mdCell(strings.Join(rs, "; "), 3*mdMaxCell)) + more
}

func mdHeadline(f reports.Failure) string {
	if f.Headline != "" {
		return f.Headline
	}
	return htmlFirstLine(f.Reason)
}

// mdCell makes text fit one table cell: one line, at most n characters.
func mdCell(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > n {
		r := []rune(s)
		s = strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}

// mdEscape keeps user-provided text literal in Markdown: no table breaks, no
// emphasis, links or raw HTML.
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '|', '*', '_', '`', '[', ']', '<', '>', '#', '~':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCode writes text as inline code (backticks inside are dropped).
func mdCode(s string) string {
	s = strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "`", "'")
	if s == "" {
		return "—"
	}
	return "`" + s + "`"
}

// mdRanges shortens a list of ids: DV01, DV02, DV03, DV05 → DV01–DV03, DV05.
func mdRanges(ids []string) string {
	split := func(id string) (string, int, int, bool) {
		i := len(id)
		for i > 0 && id[i-1] >= '0' && id[i-1] <= '9' {
			i--
		}
		if i == len(id) {
			return id, 0, 0, false
		}
		n, err := strconv.Atoi(id[i:])
		return id[:i], n, len(id) - i, err == nil
	}
	var out []string
	for i := 0; i < len(ids); {
		prefix, n, width, ok := split(ids[i])
		j := i + 1
		for ok && j < len(ids) {
			p2, n2, w2, ok2 := split(ids[j])
			if !ok2 || p2 != prefix || w2 != width || n2 != n+(j-i) {
				break
			}
			j++
		}
		switch j - i {
		case 1:
			out = append(out, ids[i])
		case 2:
			out = append(out, ids[i], ids[i+1])
		default:
			out = append(out, ids[i]+"–"+ids[j-1])
		}
		i = j
	}
	return strings.Join(out, ", ")
}
