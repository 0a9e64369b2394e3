package trial

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"

	"github.com/dvcqa/dvcqa/internal/atomicfile"
)

// Report files in the campaign's report folder.
const (
	FileJSON     = "trial.json"
	FileMarkdown = "trial.md"
	FileHTML     = "trial.html"
	FileJUnit    = "junit.xml"
)

// DefaultDir is the campaign's report folder under runs.
func DefaultDir(runs, id string) string { return filepath.Join(runs, "trial-"+id) }

// Write writes the report as JSON, Markdown, HTML and JUnit into dir, each
// file atomically (a reader never sees half of one).
func Write(dir string, r *Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report folder: %w", err)
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	junit, err := JUnit(r)
	if err != nil {
		return err
	}
	var html bytes.Buffer
	if err := htmlPage.Execute(&html, r); err != nil {
		return fmt.Errorf("render %s: %w", FileHTML, err)
	}
	for name, data := range map[string][]byte{FileJSON: append(js, '\n'), FileMarkdown: []byte(Markdown(r)),
		FileHTML: html.Bytes(), FileJUnit: junit} {
		if err := atomicfile.WriteBytes(filepath.Join(dir, name), data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// columns of every figures table, Vietnamese first with an English gloss.
var columns = []string{"Nộp (submitted)", "Tiếp nhận (received)", "Đang xử lý (in process)", "Trả kết quả (returned)",
	"Đúng hạn (on time)", "Quá hạn (overdue)", "Đồng bộ DVCQG (synced)", "Độ trễ trung vị / tối đa (lag median / max)",
	"Thanh toán (paid / with fee)"}

func (f Figures) cells() []string {
	return []string{fmt.Sprint(f.Submitted), fmt.Sprint(f.Received), fmt.Sprint(f.InProcess), fmt.Sprint(f.Returned),
		fmt.Sprintf("%d (%s)", f.OnTime, Percent(f.OnTimePct)), fmt.Sprint(f.Overdue),
		fmt.Sprintf("%d (%s)", f.Synced, Percent(f.SyncedPct)), lagText(f), fmt.Sprintf("%d/%d", f.Paid, f.WithFee)}
}

func lagText(f Figures) string {
	if f.LagMedianSeconds == nil {
		return "—"
	}
	return fmt.Sprintf("%gs / %gs", *f.LagMedianSeconds, *f.LagMaxSeconds)
}

// Markdown is the report as Markdown.
func Markdown(r *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", r.Headline)
	fmt.Fprintf(&b, "Target %s · started %s · report %s · marker `%s`\n\n", r.Target,
		r.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"), r.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"), r.Marker)
	table := func(title, key string, rows [][]string) {
		fmt.Fprintf(&b, "## %s\n\n| %s | %s |\n|%s\n", title, key, strings.Join(columns, " | "), strings.Repeat("---|", len(columns)+1))
		for _, row := range rows {
			fmt.Fprintf(&b, "| %s |\n", strings.Join(row, " | "))
		}
		b.WriteString("\n")
	}
	table("Tổng (overall)", "", [][]string{append([]string{"tổng"}, r.Overall.cells()...)})
	var rows [][]string
	for _, g := range r.ByService {
		rows = append(rows, append([]string{g.Service}, g.cells()...))
	}
	table("Theo dịch vụ (per service)", "Dịch vụ", rows)
	rows = nil
	for _, g := range r.ByProvince {
		rows = append(rows, append([]string{g.Province}, g.cells()...))
	}
	table("Theo tỉnh (per province)", "Tỉnh", rows)
	b.WriteString("## Hồ sơ (dossiers)\n\n| Mã hồ sơ | Dịch vụ | Tỉnh | Trạng thái | Hạn (due) | Trả (delivered) | Đúng hạn | Đồng bộ | Lỗi |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, d := range r.Dossiers {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", d.Code, d.Service, d.Province, d.Status,
			when(d.Due), when(d.DeliveredAt), yes(d.OnTime), yes(d.Synced), strings.ReplaceAll(d.LastError, "|", "/"))
	}
	return b.String()
}

func yes(b bool) string {
	if b {
		return "có"
	}
	return "không"
}

var htmlPage = template.Must(template.New("trial").Funcs(template.FuncMap{"when": when, "yes": yes}).Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{{.Headline}}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #999;padding:.3em .6em;text-align:left}</style>
</head><body>
<h1 id="headline">{{.Headline}}</h1>
<p>Target {{.Target}} · marker <code>{{.Marker}}</code> · report {{when .GeneratedAt}}</p>
{{define "figs"}}<table><thead><tr><th>{{.Key}}</th>{{range .Cols}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</tbody></table>{{end}}
<h2>Tổng (overall)</h2>{{template "figs" .Tables.Overall}}
<h2>Theo dịch vụ (per service)</h2>{{template "figs" .Tables.Service}}
<h2>Theo tỉnh (per province)</h2>{{template "figs" .Tables.Province}}
<h2>Hồ sơ (dossiers)</h2>
<table><thead><tr><th>Mã hồ sơ</th><th>Dịch vụ</th><th>Tỉnh</th><th>Trạng thái</th><th>Hạn (due)</th><th>Trả (delivered)</th><th>Đúng hạn</th><th>Đồng bộ</th><th>Lỗi</th></tr></thead><tbody>
{{range .Dossiers}}<tr><td>{{.Code}}</td><td>{{.Service}}</td><td>{{.Province}}</td><td>{{.Status}}</td><td>{{when .Due}}</td><td>{{when .DeliveredAt}}</td><td>{{yes .OnTime}}</td><td>{{yes .Synced}}</td><td>{{.LastError}}</td></tr>
{{end}}</tbody></table>
</body></html>
`))

type htmlTable struct {
	Key  string
	Cols []string
	Rows [][]string
}

// Tables are the report's figures as HTML tables.
func (r *Report) Tables() map[string]htmlTable {
	out := map[string]htmlTable{"Overall": {Key: "", Cols: columns, Rows: [][]string{append([]string{"tổng"}, r.Overall.cells()...)}}}
	s := htmlTable{Key: "Dịch vụ", Cols: columns}
	for _, g := range r.ByService {
		s.Rows = append(s.Rows, append([]string{g.Service}, g.cells()...))
	}
	p := htmlTable{Key: "Tỉnh", Cols: columns}
	for _, g := range r.ByProvince {
		p.Rows = append(p.Rows, append([]string{g.Province}, g.cells()...))
	}
	out["Service"], out["Province"] = s, p
	return out
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure"`
	Skipped   *junitMessage `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnit is one testcase per service × province: a failure once all its
// dossiers are returned and some were overdue or are unsynchronised,
// skipped while some are still being processed.
func JUnit(r *Report) ([]byte, error) {
	s := junitSuite{Name: "dvcqa trial " + r.Campaign, Time: "0"}
	for _, g := range r.Cells {
		c := junitCase{Name: g.Service + " · " + g.Province, ClassName: "trial." + r.Campaign, Time: "0",
			SystemOut: strings.Join(g.cells(), "\n")}
		switch {
		case !g.AllReturned():
			c.Skipped = &junitMessage{Message: fmt.Sprintf("%d/%d returned: judged once all are", g.Returned, g.Submitted)}
			s.Skipped++
		case g.Overdue > 0 || g.Unsynced() > 0:
			msg := fmt.Sprintf("%d overdue, %d not synchronised to DVCQG of %d", g.Overdue, g.Unsynced(), g.Submitted)
			c.Failure = &junitMessage{Message: msg, Type: "trial", Text: msg}
			s.Failures++
		}
		s.Cases = append(s.Cases, c)
	}
	s.Tests = len(s.Cases)
	all := junitSuites{Name: r.Headline, Tests: s.Tests, Failures: s.Failures, Time: "0", Suites: []junitSuite{s}}
	out, err := xml.MarshalIndent(all, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", FileJUnit, err)
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
