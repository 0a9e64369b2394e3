package render

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"unicode/utf8"

	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/vocab"
)

// mdMaxCell bounds a headline in the Markdown table.
const mdMaxCell = 140

//go:embed templates/summary.md.tmpl
var mdTemplateText string

// mdTemplate lays summary.md out; the view fills it.
var mdTemplate = template.Must(template.New("summary.md").Parse(mdTemplateText))

// mdView is what summary.md shows, every value already escaped for
// Markdown: the template only lays it out.
type mdView struct {
	Title, Verdict, Headline string
	SeededTitle, Defects     string // Defects: the seeded defects, "" when none
	MockNote                 string // the mock world's note, when no defect is seeded
	RulesTitle               string
	Rules                    []string
	Services, DBs            *mdItems
	Provinces                *mdItems // a run over several provinces: the province × service matrix
	PlatformTitle, Platform  string
	WarningsTitle, Warnings  string
	PartialTitle             string
	PartialBody              string
	Partial                  []string
	HealthNotes              []string
	SuiteTitle               string
	Suite                    []string
	Footer, Details          string
}

// mdItems is one kind of item (services, national databases): the table of
// those not READY, the line of those not verified, and the line of the rest.
type mdItems struct {
	Title      string
	Head       []string
	Rows       [][]string
	NotRun, OK string
}

// WriteMarkdown writes summary.md: the gate result, the ministry line, the
// gate rules and only what is not READY, short enough to paste into a chat
// or a ticket. lang is "vi" (the default) or "en".
func WriteMarkdown(w io.Writer, s *reports.Summary, lang string) error {
	if s == nil {
		return errors.New("write markdown: no summary")
	}
	b := bufio.NewWriter(w)
	if err := mdTemplate.Execute(b, buildMDView(s, i18nLang(lang))); err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return b.Flush()
}

func buildMDView(s *reports.Summary, lang string) *mdView {
	v := &mdView{Title: mdEscape(i18nTitle(s, lang)), Verdict: "✗ " + i18nT(lang, "gate_failed"), Headline: i18nHeadline(s.Headline, lang)}
	v.Provinces = mdProvinces(s, lang)
	if s.Gate.Passed {
		v.Verdict = "✓ " + i18nT(lang, "gate_passed")
	}
	if len(s.Target.Defects) > 0 {
		defects := make([]string, len(s.Target.Defects))
		for i, d := range s.Target.Defects {
			defects[i] = mdCode(d)
		}
		v.SeededTitle, v.Defects = i18nT(lang, "seeded_title"), strings.Join(defects, ", ")
	} else if strings.EqualFold(s.Target.Kind, vocab.TargetMock) {
		v.MockNote = i18nT(lang, "mock_note")
	}
	v.RulesTitle = i18nT(lang, "gate_rules")
	for _, r := range s.Gate.Rules {
		mark := "✗"
		if r.Passed {
			mark = "✓"
		}
		v.Rules = append(v.Rules, fmt.Sprintf("%s %s — %s %s, %s %s", mark, mdEscape(i18nRule(r, lang)),
			strings.ToLower(i18nT(lang, "col_want")), mdEscape(r.Want), strings.ToLower(i18nT(lang, "col_got")), mdEscape(r.Got)))
	}

	services := make([]*reports.Verdict, len(s.Services))
	for i := range s.Services {
		services[i] = &s.Services[i]
	}
	v.Services = mdItemsOf(services, lang, "services", mdRanges,
		[]string{i18nT(lang, "col_id"), i18nT(lang, "col_service"), i18nT(lang, "col_readiness"), i18nT(lang, "f_check"), i18nT(lang, "md_cause")},
		func(it *reports.Verdict) []string {
			return []string{mdEscape(it.ID), mdEscape(i18nItemName(it, lang)), reports.ReadinessOf(it), mdEscape(mdFailingCheck(it, lang)), mdEscape(mdCause(it, lang))}
		})
	var dbs []*reports.Verdict
	for _, id := range slices.Sorted(maps.Keys(s.NationalDBs)) {
		if it := s.NationalDBs[id]; it != nil {
			c := *it
			if c.ID == "" {
				c.ID = id
			}
			dbs = append(dbs, &c)
		}
	}
	v.DBs = mdItemsOf(dbs, lang, "dbs", func(ids []string) string { return strings.Join(ids, ", ") },
		[]string{i18nT(lang, "col_id"), i18nT(lang, "col_db"), i18nT(lang, "col_readiness"), i18nT(lang, "md_cause")},
		func(it *reports.Verdict) []string {
			return []string{mdEscape(it.ID), mdEscape(i18nItemName(it, lang)), reports.ReadinessOf(it), mdEscape(mdCause(it, lang))}
		})

	// Platform systems not READY, one line each.
	var platform []string
	for _, id := range slices.Sorted(maps.Keys(s.Platform)) {
		it := s.Platform[id]
		if it == nil {
			continue
		}
		if r := reports.ReadinessOf(it); r != reports.Ready {
			platform = append(platform, fmt.Sprintf("- %s %s — %s", mdCode(id), r, mdEscape(mdCause(it, lang))))
		}
	}
	v.PlatformTitle, v.Platform = i18nT(lang, "md_not_ready_platform"), strings.Join(platform, "\n")
	var warn []string
	for i := range s.Services {
		for _, w := range s.Services[i].Warnings {
			warn = append(warn, fmt.Sprintf("%s %s", mdCode(s.Services[i].ID), mdEscape(mdCell(w, 3*mdMaxCell))))
		}
	}
	v.WarningsTitle, v.Warnings = i18nF(lang, "md_a11y_warnings", len(warn)), strings.Join(warn, "  \n")
	if len(s.Partial) > 0 {
		v.PartialTitle, v.PartialBody = i18nT(lang, "partial_title"), i18nT(lang, "partial_body")
		for _, r := range i18nPartial(s.Partial, lang) {
			v.Partial = append(v.Partial, mdEscape(r))
		}
	}
	for _, n := range i18nHealthNotes(s.HealthNotes, lang) {
		v.HealthNotes = append(v.HealthNotes, mdEscape(n))
	}
	v.SuiteTitle = i18nF(lang, "md_suite", len(s.SuiteFailures))
	for _, f := range s.SuiteFailures {
		v.Suite = append(v.Suite, mdEscape(mdCell(f.Spec, 80))+" — "+mdEscape(mdCell(mdHeadline(f), mdMaxCell)))
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
	v.Footer = fmt.Sprintf("%s %s · %s %s · %s → %s (%s)", i18nT(lang, "run"), mdCode(s.RunID), strings.ToLower(i18nT(lang, "m_target")), where,
		i18nTime(s.StartedAt), i18nTime(s.FinishedAt), i18nT(lang, "tz"))
	if s.Meta.Harness != "" {
		v.Footer += " · dvcqa " + mdEscape(htmlHarness(s))
	}
	v.Details = i18nT(lang, "md_details")
	return v
}

// mdItemsOf sorts items into not READY (a table row each), not verified
// (one line, with the reasons) and READY (counted); kind names the texts
// (md_not_ready_<kind>, md_all_<kind>, md_others_<kind>), ids lists the
// not-verified ones.
func mdItemsOf(items []*reports.Verdict, lang, kind string, ids func([]string) string, head []string, row func(*reports.Verdict) []string) *mdItems {
	out := &mdItems{Head: head}
	var notRun, reasons []string
	bad, ready := 0, 0
	for _, it := range items {
		switch reports.ReadinessOf(it) {
		case reports.Ready:
			ready++
		case reports.NotRun, reports.NotVerified:
			notRun = append(notRun, it.ID)
			reasons = mdReasons(reasons, it, lang)
		default:
			bad++
			out.Rows = append(out.Rows, row(it))
		}
	}
	total := len(items)
	out.Title = i18nF(lang, "md_not_ready_"+kind, bad, total)
	if len(notRun) > 0 {
		out.NotRun = i18nF(lang, "md_not_run", len(notRun), mdEscape(ids(notRun))) + mdWhy(reasons)
	}
	switch {
	case total > 0 && ready == total:
		out.OK = i18nF(lang, "md_all_"+kind, total)
	case ready > 0:
		out.OK = i18nF(lang, "md_others_"+kind, ready)
	}
	return out
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

// mdProvinces is the province × service matrix of a run over several
// provinces, one character a cell (ReadinessMark); nil otherwise.
func mdProvinces(s *reports.Summary, lang string) *mdItems {
	if len(s.Provinces) < 2 {
		return nil
	}
	it := &mdItems{Title: mdEscape(i18nT(lang, "prov_matrix")), NotRun: mdEscape(i18nT(lang, "prov_matrix_note")),
		Head: []string{mdEscape(i18nT(lang, "col_id")), mdEscape(i18nT(lang, "col_province")), "DVCQG", "CSDL"}}
	for _, sv := range s.Services {
		it.Head = append(it.Head, strings.TrimPrefix(sv.ID, "DV"))
	}
	mark := func(ok bool) string {
		if ok {
			return "✓"
		}
		return "✗"
	}
	for _, p := range s.Provinces {
		row := []string{p.Province, mdEscape(i18nProvince(p.Province, lang)), mark(p.DVCQGConnected), mark(p.DBsConnected)}
		for _, c := range p.Services {
			row = append(row, ReadinessMark(c.Readiness))
		}
		it.Rows = append(it.Rows, row)
	}
	return it
}
