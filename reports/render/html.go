package render

import (
	"bytes"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dvcqa/dvcqa/vocab"

	"github.com/dvcqa/dvcqa/reports"
)

// The HTML report is one self-contained file: the template and the style
// sheet are embedded here and inlined, screenshots are embedded as data:
// URIs, and no script, font, image or style sheet is fetched.
//
//go:embed templates/index.html.tmpl templates/report.css
var htmlTemplateFS embed.FS

// Limits on evidence embedded in index.html; larger files stay in the run
// folder and the report says so.
const (
	htmlMaxImage = 8 << 20   // a full-page screenshot is usually < 2 MiB
	htmlMaxText  = 256 << 10 // page source, console log
	htmlTrendMax = 12        // squares in a trend strip
)

// htmlTemplate is parsed once; each rendering clones it to bind the
// language of the "t" function.
var htmlTemplate = sync.OnceValues(func() (*template.Template, error) {
	return template.New("index.html.tmpl").
		Funcs(template.FuncMap{"t": func(string) (string, error) { return "", errors.New("t: language not bound") }}).
		ParseFS(htmlTemplateFS, "templates/index.html.tmpl")
})

// htmlCSS is the style sheet, inlined in <style>.
var htmlCSS = sync.OnceValues(func() (template.CSS, error) {
	b, err := htmlTemplateFS.ReadFile("templates/report.css")
	return template.CSS(b), err
})

// WriteHTML writes index.html: the readiness report of a run as one
// self-contained page that opens from disk and prints on A4 portrait.
// runDir is the run folder the evidence paths are relative to (screenshots
// and page sources are embedded from there); lang is "vi" (the default) or
// "en". Every value from the summary is escaped by html/template.
func WriteHTML(w io.Writer, s *reports.Summary, runDir, lang string) error {
	if s == nil {
		return errors.New("write html: no summary")
	}
	lang = i18nLang(lang)
	base, err := htmlTemplate()
	if err != nil {
		return fmt.Errorf("write html: template: %w", err)
	}
	css, err := htmlCSS()
	if err != nil {
		return fmt.Errorf("write html: style sheet: %w", err)
	}
	tmpl, err := base.Clone()
	if err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	tmpl.Funcs(template.FuncMap{"t": func(key string) (string, error) {
		s, ok := i18nText[lang][key]
		if !ok {
			return "", fmt.Errorf("no %q UI string for key %q", lang, key)
		}
		return s, nil
	}})
	v := buildHTMLView(s, runDir, lang)
	v.CSS = css
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, v); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// htmlView is what the template reads: everything precomputed and in the
// chosen language, so the template only lays it out.
type htmlView struct {
	Lang     string
	CSS      template.CSS
	Title    string
	RunID    string
	Started  string
	Finished string
	Duration string
	Gate     bool
	Headline string
	Seeded   bool
	Defects  []string
	Mock     bool
	Partial  []string // why this run cannot decide go-live
	// HealthNotes: probes that said down while specs using the system passed.
	HealthNotes []string
	Rules       []htmlRule
	Meta        []htmlKV
	Systems     []htmlSystem
	Columns     []htmlColumn
	Symbols     []htmlSymbol
	Services    []htmlItem
	Agencies    []htmlKV
	DBs         []htmlItem
	Platform    []htmlItem
	Provinces   []htmlProvince
	// ProvinceServices head the matrix's service columns: DV01 → "01".
	ProvinceServices []htmlKV
	Timings          []htmlTiming
	Failures         []htmlFailureGroup
	Legend           []htmlLegend
	HasTrend         bool
	Harness          string

	DBTable, PlatformTable htmlItemTable
}

// htmlItemTable is the matrix of national databases or platform systems.
type htmlItemTable struct {
	Kind    string
	NameCol string
	Items   []htmlItem
	Trend   bool
}

type htmlKV struct {
	Key, Value string
	Warn       bool // highlighted (seeded defects)
	Code       bool // monospace
}

type htmlRule struct {
	ID, Text, Want, Got string
	Items               string // what keeps the rule from passing
	Passed              bool
}

type htmlSystem struct {
	System, Version, Status, Detail string
	OK, Known, Unknown, Slow        bool // Unknown: no probe, or one that proves nothing
}

type htmlColumn struct{ ID, Abbr, Name string }

type htmlSymbol struct{ Sym, Class, Text string }

type htmlLegend struct{ Code, Class, Gloss, Meaning string }

type htmlCell struct{ Sym, Class, Title string }

type htmlItem struct {
	ID, Name, Agency, AgencyName string
	Checks                       []htmlCell
	Readiness, Class, Gloss      string
	Notes                        []string // blocked by …, waiver ticket …
	Passed, Failed               int
	Trend                        htmlTrend
	Anchor                       string // of its failures, when it has some
}

type htmlTrend struct {
	Width int
	Boxes []htmlBox
	Title string
}

type htmlBox struct {
	X       int
	Class   string
	Current bool
}

type htmlProvince struct {
	Code, Name              string
	Services, DBs           string
	ServicesOK, DBsOK, Sync bool
	Cells                   []htmlProvCell // one per catalog service: the province × service matrix
}

// htmlProvCell is one service in one province.
type htmlProvCell struct {
	Mark, Class, Title string
}

type htmlTiming struct {
	Layer, Check, Median, Max string
	Count                     int
	MedianW, MaxW             int // bar lengths out of 100
}

type htmlFailureGroup struct {
	Anchor, GClass          string
	Kind, ID, Name          string
	Readiness, Class, Gloss string
	Notes                   []string
	Waiver                  string
	Failures                []htmlFailure
}

type htmlFailure struct {
	Spec, Check, Attempt, Headline, Reason, Location, HTTP string
	FullReason                                             bool // the reason says more than the headline
	Fields                                                 []vocab.FieldDiff
	Evidence                                               []htmlEvidence
}

type htmlEvidence struct {
	Kind, Label, Path string
	Image             template.URL // data: URI of a screenshot
	Text              string       // page source or console log, shown as text
	Truncated         bool
	Problem           string // why it is not embedded
	Size              string
}

// htmlReadinessClass is the CSS class of a readiness verdict.
func htmlReadinessClass(r string) string {
	switch r {
	case reports.Ready:
		return "r-ready"
	case reports.NotReady:
		return "r-notready"
	case reports.Blocked:
		return "r-blocked"
	case reports.Flaky:
		return "r-flaky"
	case reports.Waived:
		return "r-waived"
	case reports.NotVerified:
		return "r-notverified"
	case reports.NotRun:
		return "r-notrun"
	}
	return "r-unknown"
}

func htmlGloss(r, lang string) string {
	if g, ok := i18nVerdict[lang][r]; ok {
		return g[0] + ": " + g[1]
	}
	return r
}

func buildHTMLView(s *reports.Summary, runDir, lang string) *htmlView {
	v := &htmlView{
		Lang:     lang,
		Title:    i18nTitle(s, lang),
		RunID:    s.RunID,
		Started:  i18nTime(s.StartedAt),
		Finished: i18nTime(s.FinishedAt),
		Duration: i18nDuration(s.FinishedAt.Sub(s.StartedAt), lang),
		Gate:     s.Gate.Passed,
		Headline: i18nHeadline(s.Headline, lang),
		Seeded:   len(s.Target.Defects) > 0,
		Defects:  s.Target.Defects,
		Mock:     strings.EqualFold(s.Target.Kind, vocab.TargetMock),
		Harness:  htmlHarness(s),
	}
	for _, r := range s.Gate.Rules {
		items := r.Items
		if len(items) > 8 {
			items = append(append([]string{}, items[:8]...), fmt.Sprintf("… +%d", len(r.Items)-8))
		}
		v.Rules = append(v.Rules, htmlRule{ID: r.ID, Text: i18nRule(r, lang), Want: r.Want, Got: r.Got, Items: strings.Join(items, " · "), Passed: r.Passed})
	}
	v.Partial = i18nPartial(s.Partial, lang)
	v.HealthNotes = i18nHealthNotes(s.HealthNotes, lang)
	v.Meta = htmlMeta(s, lang)
	v.Systems = htmlSystems(s, lang)
	for _, c := range reports.CheckColumns {
		abbr, name := i18nCheckName(lang, c)
		v.Columns = append(v.Columns, htmlColumn{ID: c, Abbr: abbr, Name: name})
	}
	for _, sym := range i18nSymbol {
		v.Symbols = append(v.Symbols, htmlSymbol{Sym: sym.Sym, Class: sym.Class, Text: sym.Text[lang]})
	}
	for _, r := range i18nReadinessOrder {
		g := i18nVerdict[lang][r]
		v.Legend = append(v.Legend, htmlLegend{Code: r, Class: htmlReadinessClass(r), Gloss: g[0], Meaning: g[1]})
	}

	anchors := map[string]int{}
	anchor := func(kind, id string) string {
		a := "f-" + kind + "-" + htmlAnchorSafe(id)
		anchors[a]++
		if n := anchors[a]; n > 1 {
			a += "-" + strconv.Itoa(n)
		}
		return a
	}
	agencies := map[string]bool{}
	item := func(kind string, it *reports.Verdict, withChecks bool) htmlItem {
		r := reports.ReadinessOf(it)
		h := htmlItem{ID: it.ID, Name: i18nItemName(it, lang), Agency: strings.ToUpper(it.Agency), AgencyName: i18nAgency(it.Agency, lang),
			Readiness: r, Class: htmlReadinessClass(r), Gloss: htmlGloss(r, lang), Notes: htmlNotes(it, lang),
			Passed: it.Passed, Failed: it.Failed, Trend: htmlTrendOf(s, kind, it.ID)}
		if len(h.Trend.Boxes) > 0 {
			v.HasTrend = true
		}
		if withChecks {
			for _, c := range reports.CheckColumns {
				h.Checks = append(h.Checks, htmlCheckCell(it.Checks[c], c, lang))
			}
		}
		if len(it.Failures) > 0 {
			h.Anchor = anchor(kind, it.ID)
			v.Failures = append(v.Failures, htmlGroup(kind, it, h, runDir, lang))
		}
		return h
	}
	for i := range s.Services {
		sv := &s.Services[i]
		if sv.Agency != "" {
			agencies[sv.Agency] = true
		}
		v.Services = append(v.Services, item("service", sv, true))
	}
	for _, id := range slices.Sorted(maps.Keys(s.NationalDBs)) {
		if db := s.NationalDBs[id]; db != nil {
			c := *db
			if c.ID == "" {
				c.ID = id
			}
			v.DBs = append(v.DBs, item("db", &c, false))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(s.Platform)) {
		if p := s.Platform[id]; p != nil {
			c := *p
			if c.ID == "" {
				c.ID = id
			}
			v.Platform = append(v.Platform, item("platform", &c, false))
		}
	}
	if len(s.SuiteFailures) > 0 {
		g := htmlFailureGroup{Anchor: anchor("suite", "setup"), GClass: "g-suite", Kind: i18nT(lang, "kind_suite")}
		for _, f := range s.SuiteFailures {
			g.Failures = append(g.Failures, htmlFailureOf(f, runDir, lang))
		}
		v.Failures = append(v.Failures, g)
	}
	for _, id := range slices.Sorted(maps.Keys(agencies)) {
		v.Agencies = append(v.Agencies, htmlKV{Key: strings.ToUpper(id), Value: i18nAgency(id, lang)})
	}
	if len(s.Provinces) > 1 {
		for _, sv := range s.Services {
			v.ProvinceServices = append(v.ProvinceServices, htmlKV{Key: strings.TrimPrefix(sv.ID, "DV"), Value: sv.ID + " " + i18nItemName(&sv, lang)})
		}
		for _, p := range s.Provinces {
			row := htmlProvince{Code: p.Province, Name: i18nProvince(p.Province, lang),
				Services: fmt.Sprintf("%d/%d", p.ServicesReady, p.ServicesTotal), ServicesOK: p.ServicesReady == p.ServicesTotal,
				DBs: fmt.Sprintf("%d/%d", p.DBsReady, p.DBsTotal), DBsOK: p.DBsConnected, Sync: p.DVCQGConnected}
			for _, c := range p.Services {
				row.Cells = append(row.Cells, htmlProvCell{Mark: ReadinessMark(c.Readiness), Class: htmlReadinessClass(c.Readiness),
					Title: c.ID + " · " + row.Name + ": " + c.Readiness})
			}
			v.Provinces = append(v.Provinces, row)
		}
	}
	v.Timings = htmlTimings(s.StepTimings, lang)
	v.DBTable = htmlItemTable{Kind: "dbs", NameCol: i18nT(lang, "col_db"), Items: v.DBs, Trend: v.HasTrend}
	v.PlatformTable = htmlItemTable{Kind: "platform", NameCol: i18nT(lang, "col_platform"), Items: v.Platform, Trend: v.HasTrend}
	return v
}

// htmlHarness is "v0.9.0 (0123456789ab)".
func htmlHarness(s *reports.Summary) string {
	h := s.Meta.Harness
	if s.Meta.Commit != "" {
		h = strings.TrimSpace(h + " (" + htmlShortCommit(s.Meta.Commit) + ")")
	}
	return h
}

func htmlShortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

func htmlMeta(s *reports.Summary, lang string) []htmlKV {
	var kv []htmlKV
	add := func(key, value string, code bool) {
		if value != "" {
			kv = append(kv, htmlKV{Key: i18nT(lang, key), Value: value, Code: code})
		}
	}
	add("m_target", s.Target.Name, false)
	add("m_kind", s.Target.Kind, false)
	add("m_target_file", s.Target.File, true)
	var provs []string
	if s.Target.Province != "" {
		provs = append(provs, s.Target.Province+" "+i18nProvince(s.Target.Province, lang))
	}
	for _, p := range s.Meta.Provinces {
		if p != s.Target.Province {
			provs = append(provs, p+" "+i18nProvince(p, lang))
		}
	}
	add("m_province", strings.Join(provs, " · "), false)
	if s.Target.Seed != 0 {
		add("m_seed", strconv.FormatInt(s.Target.Seed, 10), true)
	}
	filter := s.LabelFilter
	if filter == "" {
		filter = i18nT(lang, "m_filter_all")
	}
	add("m_filter", filter, s.LabelFilter != "")
	if len(s.Target.Defects) > 0 {
		kv = append(kv, htmlKV{Key: i18nT(lang, "m_defects"), Value: strings.Join(s.Target.Defects, ", "), Warn: true, Code: true})
	} else {
		add("m_defects", i18nT(lang, "m_none"), false)
	}
	add("m_harness", htmlHarness(s), true)
	if s.Meta.FlakeAttempts > 0 {
		add("m_flake", strconv.Itoa(s.Meta.FlakeAttempts), false)
	}
	add("m_waivers", s.Meta.Waivers, true)
	add("m_shards", strings.Join(s.Meta.Shards, ", "), true)
	t := s.Totals
	add("m_specs", i18nF(lang, "m_specs_fmt", t.Specs, t.Passed, t.Failed, t.Skipped, t.Flaky), false)
	return kv
}

// htmlSystems merges the versions the target reports with the health check
// taken at the start, one row per system.
func htmlSystems(s *reports.Summary, lang string) []htmlSystem {
	var rows []htmlSystem
	idx := map[string]int{}
	merge := func(h reports.SystemHealth, health bool) {
		i, ok := idx[h.System]
		if !ok {
			idx[h.System] = len(rows)
			rows = append(rows, htmlSystem{System: h.System})
			i = len(rows) - 1
		}
		r := &rows[i]
		if r.Version == "" {
			r.Version = h.Version
		}
		if h.Status != "" && (health || !r.Known) {
			r.Known = true
			r.OK = strings.EqualFold(h.Status, vocab.HealthOK)
			r.Unknown = strings.EqualFold(h.Status, vocab.HealthUnknown)
			r.Slow = strings.EqualFold(h.Status, vocab.HealthSlow)
			switch {
			case r.OK:
				r.Status = i18nT(lang, "health_ok")
			case r.Slow:
				r.Status = i18nT(lang, "health_slow")
			case r.Unknown:
				r.Status = i18nT(lang, "health_unknown")
			default:
				r.Status = i18nT(lang, "health_down")
			}
		}
		if h.Detail != "" && (health || r.Detail == "") {
			r.Detail = h.Detail
		}
	}
	for _, h := range s.Health {
		merge(h, true)
	}
	for _, h := range s.Meta.Systems {
		merge(h, false)
	}
	return rows
}

func htmlCheckCell(result, check, lang string) htmlCell {
	_, name := i18nCheckName(lang, check)
	if result == "" || result == reports.CheckNotRun {
		return htmlCell{Class: "c-notrun", Title: name + ": " + strings.ToLower(i18nVerdict[lang][reports.NotRun][0])}
	}
	for _, sym := range i18nSymbol {
		if sym.Result == result {
			return htmlCell{Sym: sym.Sym, Class: sym.Class, Title: name + ": " + sym.Text[lang]}
		}
	}
	return htmlCell{Sym: "?", Class: "c-unknown", Title: name + ": " + result}
}

func htmlNotes(v *reports.Verdict, lang string) []string {
	var notes []string
	if len(v.BlockedBy) > 0 {
		notes = append(notes, i18nT(lang, "blocked_by")+" "+strings.Join(v.BlockedBy, ", "))
	}
	if v.Waiver != nil {
		n := i18nT(lang, "waiver")
		if v.Waiver.Ticket != "" {
			n += " " + v.Waiver.Ticket
		}
		if v.Waiver.Expires != "" {
			n += " (" + i18nT(lang, "waiver_expires") + " " + v.Waiver.Expires + ")"
		}
		notes = append(notes, n)
	}
	for _, u := range v.Unverified {
		notes = append(notes, i18nUnverified(u, lang))
	}
	for _, w := range v.Warnings {
		notes = append(notes, i18nT(lang, "a11y_warning")+": "+w)
	}
	return notes
}

// htmlTrendOf is the trend strip of an item: the last runs' readiness,
// oldest first, this run last. Trend keys are item ids; "db:" and "system:"
// prefixed keys are accepted too.
func htmlTrendOf(s *reports.Summary, kind, id string) htmlTrend {
	past, ok := s.Trend[id]
	if !ok {
		switch kind {
		case "db":
			past = s.Trend[vocab.DB(id)]
		case "platform":
			past = s.Trend[vocab.Label(vocab.KeySystem, id)]
		}
	}
	if len(past) > htmlTrendMax {
		past = past[len(past)-htmlTrendMax:]
	}
	var t htmlTrend
	const box, gap = 7, 2
	for i, r := range past {
		t.Boxes = append(t.Boxes, htmlBox{X: 1 + i*(box+gap), Class: htmlReadinessClass(r), Current: i == len(past)-1})
	}
	if len(past) > 0 {
		t.Width = len(past)*(box+gap) + 1
		t.Title = strings.Join(past, " → ")
	}
	return t
}

func htmlTimings(ts []reports.StepTiming, lang string) []htmlTiming {
	var top float64
	for _, t := range ts {
		top = max(top, t.MaxMS, t.MedianMS)
	}
	var rows []htmlTiming
	for _, t := range ts {
		layer := t.Layer
		if l, ok := i18nLayer[lang][t.Layer]; ok {
			layer = l
		}
		_, check := i18nCheckName(lang, t.Check)
		r := htmlTiming{Layer: layer, Check: check, Count: t.Count, Median: i18nMS(t.MedianMS, lang), Max: i18nMS(t.MaxMS, lang)}
		if top > 0 {
			r.MedianW = int(100*t.MedianMS/top + 0.5)
			r.MaxW = int(100*t.MaxMS/top + 0.5)
		}
		rows = append(rows, r)
	}
	return rows
}

func htmlGroup(kind string, it *reports.Verdict, h htmlItem, runDir, lang string) htmlFailureGroup {
	g := htmlFailureGroup{Anchor: h.Anchor, GClass: "g-" + strings.TrimPrefix(h.Class, "r-"), Kind: i18nT(lang, "kind_"+kind), ID: it.ID, Name: h.Name,
		Readiness: h.Readiness, Class: h.Class, Gloss: h.Gloss}
	if len(it.BlockedBy) > 0 {
		g.Notes = []string{i18nT(lang, "blocked_by") + " " + strings.Join(it.BlockedBy, ", ")}
	}
	if w := it.Waiver; w != nil {
		g.Waiver = strings.TrimSpace(w.Reason + " — " + i18nF(lang, "f_waiver_fmt", htmlDash(w.Ticket), htmlDash(w.Owner), htmlDash(w.Approver), htmlDash(w.Expires)))
	}
	for _, f := range it.Failures {
		g.Failures = append(g.Failures, htmlFailureOf(f, runDir, lang))
	}
	return g
}

func htmlDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func htmlFailureOf(f reports.Failure, runDir, lang string) htmlFailure {
	out := htmlFailure{Spec: f.Spec, Headline: f.Headline, Reason: f.Reason, Location: f.Location, HTTP: f.HTTP, Fields: f.Fields}
	if out.Headline == "" {
		out.Headline = htmlFirstLine(f.Reason)
	}
	out.FullReason = strings.TrimSpace(f.Reason) != "" && strings.TrimSpace(f.Reason) != strings.TrimSpace(out.Headline)
	if f.Check != "" {
		abbr, name := i18nCheckName(lang, f.Check)
		out.Check = name
		if abbr != name {
			out.Check += " (" + abbr + ")"
		}
	}
	if f.Attempt > 0 {
		out.Attempt = i18nF(lang, "f_attempt_fmt", f.Attempt)
	}
	for _, e := range f.Evidence {
		out.Evidence = append(out.Evidence, htmlEvidenceOf(e, runDir, lang))
	}
	return out
}

func htmlFirstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// htmlEvidenceOf reads one evidence file from the run folder and embeds it:
// a screenshot as a data: URI, a page source or console log as text (shown
// escaped, never as live HTML). Paths cannot leave the run folder.
func htmlEvidenceOf(e reports.Evidence, runDir, lang string) htmlEvidence {
	ev := htmlEvidence{Kind: e.Kind, Path: e.Path}
	switch e.Kind {
	case "screenshot":
		ev.Label = i18nT(lang, "f_screenshot")
	case "page_html":
		ev.Label = i18nT(lang, "f_page")
	case "console":
		ev.Label = i18nT(lang, "f_console")
	default:
		ev.Label = i18nT(lang, "f_other")
	}
	if runDir == "" {
		runDir = "."
	}
	image := e.Kind == "screenshot"
	limit := int64(htmlMaxText)
	if image {
		limit = htmlMaxImage
	}
	// An image is embedded whole or not at all; a text is cut at the limit.
	data, size, err := htmlReadEvidence(runDir, e.Path, limit, !image)
	if err != nil {
		ev.Problem = i18nT(lang, "f_missing")
		return ev
	}
	ev.Size = htmlSize(size)
	if image {
		if size > limit {
			ev.Problem = i18nT(lang, "f_too_large")
			return ev
		}
		switch ct := http.DetectContentType(data); ct {
		case "image/png", "image/jpeg":
			// Only base64 of bytes sniffed as an image goes into src: safe.
			ev.Image = template.URL("data:" + ct + ";base64," + base64.StdEncoding.EncodeToString(data))
		default:
			ev.Problem = i18nT(lang, "f_not_image")
		}
		return ev
	}
	if e.Kind != "page_html" && e.Kind != "console" && !strings.HasPrefix(http.DetectContentType(data), "text/") {
		return ev // listed with its size, not shown
	}
	if size > limit {
		// Drop the character the limit cut in two before invalid bytes are
		// replaced, or it shows as "�".
		data = htmlTrimCutRune(data)
		ev.Truncated = true
	}
	ev.Text = strings.ToValidUTF8(string(data), "\uFFFD")
	return ev
}

// htmlTrimCutRune drops an incomplete UTF-8 sequence at the end of b.
func htmlTrimCutRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// htmlReadEvidence reads a file inside runDir (the root keeps "../" and
// symbolic links from leaving it) and returns its full size. A file larger
// than limit is cut there when truncate is set, else not read.
func htmlReadEvidence(runDir, rel string, limit int64, truncate bool) ([]byte, int64, error) {
	if rel == "" {
		return nil, 0, fs.ErrNotExist
	}
	f, err := os.OpenInRoot(runDir, filepath.FromSlash(rel))
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		return nil, 0, fs.ErrNotExist
	}
	if st.Size() > limit && !truncate {
		return nil, st.Size(), nil
	}
	data, err := io.ReadAll(io.LimitReader(f, limit))
	if err != nil {
		return nil, 0, err
	}
	return data, st.Size(), nil
}

func htmlSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// htmlAnchorSafe keeps letters, digits and dashes of an id for a fragment.
func htmlAnchorSafe(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}
