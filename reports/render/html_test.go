package render

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/vocab"
)

const rendHostileSpec = `DV08 <script>alert(1)</script> is processed end to end`

// rendPNG is a tiny real PNG (4×3, the accent colour).
func rendPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for x := range 4 {
		for y := range 3 {
			img.Set(x, y, color.RGBA{11, 58, 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rendRunDir is a run folder with the evidence of the test summary: a
// screenshot and a page snapshot (the console log is missing on purpose).
func rendRunDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ev := filepath.Join(dir, "evidence")
	if err := os.MkdirAll(ev, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"DV03-prefill.png":  rendPNG(t),
		"DV03-prefill.html": []byte(`<html><body><form id="f"><input name="HoVaTen" value="Nguyễn Văn A"></form><script src="https://cdn.example/app.js"></script></body></html>`),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(ev, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A file outside the run folder that evidence paths must not reach.
	if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "outside.png"), rendPNG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func rendChecks(result string) map[string]string {
	m := map[string]string{}
	for _, c := range reports.CheckColumns {
		m[c] = result
	}
	return m
}

// rendSummary has services in every readiness, the population database
// down, the gate failed, a seeded defect, a failure with evidence and
// hostile text.
func rendSummary() *reports.Summary {
	start := time.Date(2026, 11, 22, 10, 0, 47, 0, time.UTC) // 17:00 in Vietnam
	failed := rendChecks(reports.CheckPass)
	failed["prefill"] = reports.CheckFail
	for _, c := range []string{"payment", "sync", "result"} {
		failed[c] = reports.CheckNotReached
	}
	failed["a11y"] = reports.CheckNA
	flaky := rendChecks(reports.CheckPass)
	flaky["sync"] = reports.CheckFlaky
	waived := rendChecks(reports.CheckPass)
	waived["a11y"] = reports.CheckFail
	hostile := rendChecks(reports.CheckPass)
	hostile["api_e2e"] = reports.CheckFail
	return &reports.Summary{
		SchemaVersion: reports.SchemaVersion,
		RunID:         "20261122-170047-e0ed",
		Target:        reports.TargetInfo{Name: "mock", Kind: "mock", Province: "40", Seed: 20250701, Defects: []string{"prefill-wrong-citizen@DV03"}},
		LabelFilter:   "layer:api || layer:browser",
		StartedAt:     start,
		FinishedAt:    start.Add(2*time.Minute + 48*time.Second),
		Meta: reports.SummaryMeta{Harness: "v0.9.0", Commit: "0123456789abcdef0123", Provinces: []string{"40"}, FlakeAttempts: 2,
			Waivers: "fixtures/waivers.yaml",
			Systems: []reports.SystemHealth{{System: "portal", Status: "ok", Version: "portal 3.2.1"}, {System: "db:population", Status: "down", Version: "2.0"}}},
		Health: []reports.SystemHealth{{System: "sso", Status: "ok"}, {System: "db:population", Status: "down", Detail: "GET /healthz: 503"}},
		Gate: reports.GateResult{Passed: false, Rules: []reports.RuleResult{
			{ID: "services_e2e", Description: "Services end to end", DescriptionVI: "Dịch vụ toàn trình", Want: "≥ 7", Got: "2", Passed: false},
			{ID: "dbs", Description: "National databases connected", DescriptionVI: "CSDL quốc gia kết nối", Want: "2/2", Got: "1/2", Passed: false},
			{ID: "sync", Description: "DVCQG sync", DescriptionVI: "Đồng bộ DVCQG", Want: "đạt", Got: "đạt", Passed: true},
		}},
		Headline: reports.Headline{ServicesReady: 2, ServicesTotal: 8, ServicesWaived: 1, DBsReady: 1, DBsTotal: 2, SyncOK: true},
		Services: []reports.Verdict{
			{ID: "DV01", NameVI: "Xác nhận số CMND", NameEN: "Old ID number confirmation", Agency: "bca", Verdict: reports.Pass, Readiness: reports.Ready, Checks: rendChecks(reports.CheckPass), Passed: 8},
			{ID: "DV02", NameVI: "Cấp lại, đổi thẻ căn cước", NameEN: "ID card renewal", Agency: "bca", Verdict: reports.Pass, Readiness: reports.Ready, Checks: rendChecks(reports.CheckPass), Passed: 8},
			{ID: "DV03", NameVI: "Đăng ký thường trú", NameEN: "Permanent residence registration", Agency: "bca", Verdict: reports.Fail, Readiness: reports.NotReady, Checks: failed, Passed: 5, Failed: 1,
				Failures: []reports.Failure{{
					Spec:     "Essential online public services DV03 Đăng ký thường trú is processed end to end in the browser",
					Headline: "prefill: HoVaTen is \"Trần Thị B\", the population database says \"Nguyễn Văn A\"",
					Reason:   "prefill: HoVaTen is \"Trần Thị B\", the population database says \"Nguyễn Văn A\"\nExpected\n    <string>: Trần Thị B\nto equal\n    <string>: Nguyễn Văn A",
					Location: "suites/services/browser.go:212",
					Check:    "prefill",
					HTTP:     "GET https://portal.example.gov.vn/portal/40/api/prefill?service=DV03 → 200\n{\"HoVaTen\":\"Trần Thị B\",\"SoDinhDanh\":\"001*******45\"}",
					Evidence: []reports.Evidence{
						{Kind: "screenshot", Path: "evidence/DV03-prefill.png"},
						{Kind: "page_html", Path: "evidence/DV03-prefill.html"},
						{Kind: "console", Path: "evidence/DV03-prefill.console.txt"},
						{Kind: "screenshot", Path: "../outside.png"},
					},
				}}},
			{ID: "DV04", NameVI: "Đăng ký tạm trú", NameEN: "Temporary residence registration", Agency: "bca", Verdict: reports.Skipped, Readiness: reports.Blocked, BlockedBy: []string{"db:population"}, Skipped: 8},
			{ID: "DV05", NameVI: "Khai báo tạm vắng", NameEN: "Temporary absence declaration", Agency: "bca", Verdict: reports.Pass, Readiness: reports.Flaky, Checks: flaky, Passed: 8, Flaky: 1,
				Failures: []reports.Failure{{Spec: "DV05 is synced to the national portal", Headline: "sync: TraCuuHoSo answered error_code 1", Reason: "sync: TraCuuHoSo answered error_code 1", Check: "sync", Attempt: 1,
					Fields: []vocab.FieldDiff{{System: "dvcqg", Operation: "TraCuuHoSo", Field: "NgayTiepNhan", Want: `"20260304093000"`, Got: `"<b>20260305093000</b>"`, Blame: "portal"}}}}},
			{ID: "DV06", NameVI: "Thông báo lưu trú", NameEN: "Stay notification", Agency: "bca", Verdict: reports.Fail, Readiness: reports.Waived, Checks: waived, Passed: 7, Failed: 1,
				Waiver:   &reports.WaiverRef{Reason: "contrast fix scheduled", Ticket: "DVC-123", Owner: "vendor", Approver: "Sở KH&CN", Expires: "2026-12-31"},
				Failures: []reports.Failure{{Spec: "DV06 a11y", Headline: "a11y: 3 color-contrast violations", Reason: "a11y: 3 color-contrast violations", Check: "a11y"}}},
			{ID: "DV07", NameVI: "Đăng ký, cấp biển số mô tô", NameEN: "Motorbike registration", Agency: "bca", Verdict: reports.Skipped, Readiness: reports.NotVerified, Checks: rendChecks(reports.CheckNotRun), Skipped: 8},
			{ID: "DV08", NameVI: "Nộp phạt <b>giao thông</b>", NameEN: "Traffic fine <b>payment</b>", Agency: "btp", Verdict: reports.Fail, Readiness: reports.NotReady, Checks: hostile, Failed: 1,
				Failures: []reports.Failure{{Spec: rendHostileSpec, Headline: `api: answer <img src=x onerror=alert(1)> | not JSON`, Reason: "</pre><script>alert(2)</script>", Check: "api_e2e"}}},
		},
		NationalDBs: map[string]*reports.Verdict{
			"tax":        {ID: "tax", NameVI: "CSDL thuế", NameEN: "Tax database", Verdict: reports.Pass, Readiness: reports.Ready, Passed: 6},
			"population": {ID: "population", NameVI: "CSDL quốc gia về dân cư", NameEN: "National Population Database", Verdict: reports.Fail, Readiness: reports.NotReady, Failed: 6, Failures: []reports.Failure{{Spec: "population is reachable through the gateway", Headline: "gateway: population answered 503", Reason: "gateway: population answered 503"}}},
		},
		Platform: map[string]*reports.Verdict{
			"sso":   {ID: "sso", NameVI: "Đăng nhập một lần", NameEN: "Single sign-on", Verdict: reports.Pass, Readiness: reports.Ready, Passed: 7},
			"dvcqg": {ID: "dvcqg", NameVI: "Cổng DVCQG", NameEN: "National portal", Verdict: reports.Pass, Readiness: reports.Ready, Passed: 3},
		},
		Provinces: []reports.ProvinceRow{
			{Province: "40", ServicesReady: 2, ServicesTotal: 8, DBsReady: 1, DBsTotal: 2, SyncOK: true},
			{Province: "01", ServicesReady: 8, ServicesTotal: 8, DBsReady: 2, DBsTotal: 2, SyncOK: true},
		},
		StepTimings: []reports.StepTiming{
			{Layer: "api", Check: "prefill", Count: 25, MedianMS: 41, MaxMS: 120},
			{Layer: "browser", Check: "payment", Count: 25, MedianMS: 1830.4, MaxMS: 12045},
		},
		SuiteFailures: []reports.Failure{{Spec: "SynchronizedBeforeSuite", Headline: "mock world: port in use", Reason: "listen tcp 127.0.0.1:8080: bind: address already in use"}},
		Totals:        reports.Totals{Specs: 64, Passed: 52, Failed: 4, Skipped: 8, Flaky: 1, ServicesPassed: 2, ServicesTotal: 8, DBsPassed: 1, DBsTotal: 2, Seconds: 168},
		Trend: map[string][]string{
			"DV01":       {reports.Ready, reports.Ready, reports.Ready},
			"DV03":       {reports.Ready, reports.Flaky, reports.NotReady},
			"population": {reports.Ready, reports.NotReady},
		},
	}
}

// writeHTMLPreview renders the report into a file under t.TempDir() and
// logs its path, for a look or a screenshot (go test -v -run HTMLPreview).
// The temporary folder is removed after the test; set
// DVCQA_HTML_PREVIEW_DIR to keep a copy there.
func writeHTMLPreview(t *testing.T, s *reports.Summary, runDir, lang string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, s, runDir, lang); err != nil {
		t.Fatalf("WriteHTML(%s): %v", lang, err)
	}
	path := filepath.Join(t.TempDir(), "index."+lang+".html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("HTML report (%s): %s", lang, path)
	if keep := os.Getenv("DVCQA_HTML_PREVIEW_DIR"); keep != "" {
		if err := os.MkdirAll(keep, 0o755); err != nil {
			t.Fatal(err)
		}
		kept := filepath.Join(keep, "index."+lang+".html")
		if err := os.WriteFile(kept, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("HTML report (%s) kept: %s", lang, kept)
	}
	return path
}

func rendHTML(t *testing.T, s *reports.Summary, runDir, lang string) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, s, runDir, lang); err != nil {
		t.Fatalf("WriteHTML(%s): %v", lang, err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("parse HTML (%s): %v", lang, err)
	}
	return buf.String(), doc
}

// HTML tree helpers.

func rendAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func rendHasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(rendAttr(n, "class")), class)
}

func rendFind(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

func rendText(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func rendByID(doc *html.Node, id string) *html.Node {
	if nodes := rendFind(doc, func(n *html.Node) bool { return rendAttr(n, "id") == id }); len(nodes) == 1 {
		return nodes[0]
	}
	return nil
}

func TestHTMLReport(t *testing.T) {
	s := rendSummary()
	runDir := rendRunDir(t)
	png := rendPNG(t)
	for _, tc := range []struct {
		lang, ministry, banner, title, rule string
	}{
		{"vi", "Toàn trình: 2/8 dịch vụ (1 được miễn trừ) · CSDL quốc gia: 1/2 kết nối · Đồng bộ DVCQG: đạt", "✗ KHÔNG ĐẠT",
			"Báo cáo sẵn sàng vận hành — mock (tỉnh Nghệ An)", "Dịch vụ toàn trình"},
		{"en", "End to end: 2/8 services (1 waived) · National databases: 1/2 connected · DVCQG sync: passed", "✗ FAILED",
			"Go-live readiness report — mock (Nghe An province)", "Services end to end"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			writeHTMLPreview(t, s, runDir, tc.lang)
			out, doc := rendHTML(t, s, runDir, tc.lang)

			if h := rendFind(doc, func(n *html.Node) bool { return n.DataAtom == atom.Html }); len(h) != 1 || rendAttr(h[0], "lang") != tc.lang {
				t.Errorf("<html lang> is not %q", tc.lang)
			}
			if h1 := rendFind(doc, func(n *html.Node) bool { return n.DataAtom == atom.H1 }); len(h1) != 1 || rendText(h1[0]) != tc.title {
				t.Errorf("title: want %q", tc.title)
			}
			gate := rendByID(doc, "gate")
			if gate == nil {
				t.Fatal("no gate banner")
			}
			if !rendHasClass(gate, "gate-fail") || rendHasClass(gate, "gate-pass") || !rendHasClass(gate, "gate-seeded") {
				t.Errorf("gate banner classes: %q", rendAttr(gate, "class"))
			}
			if got := rendText(gate); !strings.Contains(got, tc.banner) || !strings.Contains(got, tc.ministry) {
				t.Errorf("gate banner %q lacks %q or the ministry line %q", got, tc.banner, tc.ministry)
			}
			// Dates in Vietnam time.
			if !strings.Contains(out, "22/11/2026 17:00") || !strings.Contains(out, "22/11/2026 17:03") {
				t.Error("start/finish are not dd/MM/yyyy HH:mm in UTC+7")
			}
			// Gate rules: one row each, in the language.
			rules := rendFind(doc, func(n *html.Node) bool { return n.DataAtom == atom.Tr && rendHasClass(n, "rule") })
			if len(rules) != len(s.Gate.Rules) || !strings.Contains(rendText(rules[0]), tc.rule) || !strings.Contains(rendText(rules[0]), "✗") || !strings.Contains(rendText(rules[2]), "✓") {
				t.Errorf("gate rules: %d rows", len(rules))
			}
			// Seeded defects are impossible to miss.
			if len(rendFind(doc, func(n *html.Node) bool { return rendHasClass(n, "watermark") })) != 1 ||
				len(rendFind(doc, func(n *html.Node) bool { return rendHasClass(n, "seeded") })) != 1 ||
				len(rendFind(doc, func(n *html.Node) bool { return n.DataAtom == atom.Td && rendHasClass(n, "warn") })) != 1 {
				t.Error("seeded defects are not highlighted")
			}

			// Service matrix: one row per service, a pill with its readiness.
			rows := rendFind(doc, func(n *html.Node) bool { return n.DataAtom == atom.Tr && rendHasClass(n, "svc") })
			if len(rows) != len(s.Services) {
				t.Fatalf("service rows: got %d, want %d", len(rows), len(s.Services))
			}
			for i, row := range rows {
				sv := s.Services[i]
				if rendAttr(row, "data-id") != sv.ID {
					t.Errorf("row %d is %q, want %s", i, rendAttr(row, "data-id"), sv.ID)
				}
				pills := rendFind(row, func(n *html.Node) bool { return rendHasClass(n, "pill") })
				if len(pills) != 1 || rendText(pills[0]) != sv.Readiness || !rendHasClass(pills[0], htmlReadinessClass(sv.Readiness)) {
					t.Errorf("%s: pill is not %s", sv.ID, sv.Readiness)
				}
				if cells := rendFind(row, func(n *html.Node) bool { return rendHasClass(n, "chk") }); len(cells) != len(reports.CheckColumns) {
					t.Errorf("%s: %d check cells, want %d", sv.ID, len(cells), len(reports.CheckColumns))
				}
			}
			dv03 := rendText(rows[2])
			for _, sym := range []string{"✓", "✗", "·", "–"} {
				if !strings.Contains(dv03, sym) {
					t.Errorf("DV03 row lacks %q: %q", sym, dv03)
				}
			}
			if !strings.Contains(rendText(rows[4]), "~") {
				t.Error("DV05 (flaky) lacks ~")
			}
			if got := rendText(rows[3]); !strings.Contains(got, "db:population") {
				t.Errorf("DV04 row does not say what blocks it: %q", got)
			}
			if got := rendText(rows[5]); !strings.Contains(got, "DVC-123") {
				t.Errorf("DV06 row lacks the waiver ticket: %q", got)
			}
			if tc.lang == "en" && !strings.Contains(rendText(rows[0]), "Old ID number confirmation") {
				t.Error("English report does not use name_en")
			}
			if tc.lang == "vi" && !strings.Contains(rendText(rows[0]), "Xác nhận số CMND") {
				t.Error("Vietnamese report does not use name_vi")
			}
			// Trend strip: DV03 has 3 squares, the last one this run.
			if svg := rendFind(rows[2], func(n *html.Node) bool { return rendHasClass(n, "trend") }); len(svg) != 1 ||
				len(rendFind(svg[0], func(n *html.Node) bool { return n.Data == "rect" })) != 3 ||
				len(rendFind(svg[0], func(n *html.Node) bool { return rendHasClass(n, "now") && rendHasClass(n, "r-notready") })) != 1 {
				t.Error("DV03 trend strip is not 3 squares ending NOT READY")
			}
			// Legend: the verdicts with their Vietnamese gloss.
			legend := rendText(rendByID(doc, "legend").Parent)
			for _, code := range []string{reports.Ready, reports.NotReady, reports.Blocked, reports.Flaky, reports.Waived, reports.NotVerified} {
				if !strings.Contains(legend, code) {
					t.Errorf("legend lacks %s", code)
				}
			}
			if tc.lang == "vi" {
				for _, g := range []string{"Sẵn sàng", "Chưa đạt", "Bị chặn", "Không ổn định", "Được miễn trừ", "Chưa kiểm chứng"} {
					if !strings.Contains(legend, g) {
						t.Errorf("legend lacks %q", g)
					}
				}
			}
			if !strings.Contains(out, "dvcqa") || !strings.Contains(legend, map[string]string{"vi": "Báo cáo tạo bởi dvcqa", "en": "Report generated by dvcqa"}[tc.lang]) {
				t.Error("footer lacks the generator line")
			}

			// National databases sorted by id, platform, provinces, timings.
			items := rendFind(doc, func(n *html.Node) bool { return n.DataAtom == atom.Tr && rendHasClass(n, "item") })
			var ids []string
			for _, n := range items {
				ids = append(ids, rendAttr(n, "data-id"))
			}
			if want := []string{"population", "tax", "dvcqg", "sso"}; !slices.Equal(ids, want) {
				t.Errorf("database and platform rows: %v, want %v", ids, want)
			}
			if n := len(rendFind(doc, func(n *html.Node) bool { return n.DataAtom == atom.Tr && rendHasClass(n, "prov") })); n != 2 {
				t.Errorf("province rows: %d, want 2", n)
			}
			if n := len(rendFind(doc, func(n *html.Node) bool { return n.Data == "svg" && rendHasClass(n, "bar") })); n != 2 {
				t.Errorf("timing bars: %d, want 2", n)
			}
			if !strings.Contains(out, map[string]string{"vi": "12.045", "en": "12,045"}[tc.lang]) {
				t.Error("max ms is not grouped in thousands")
			}
			// Health: population down.
			if sys := rendText(doc); !strings.Contains(sys, "portal 3.2.1") || !strings.Contains(sys, "GET /healthz: 503") {
				t.Error("systems' versions and health are missing")
			}

			// Failures: groups for DV03, DV05, DV06, DV08, population, suite.
			groups := rendFind(doc, func(n *html.Node) bool { return rendHasClass(n, "fgroup") })
			if len(groups) != 6 {
				t.Errorf("failure groups: %d, want 6", len(groups))
			}
			links := rendFind(rows[2], func(n *html.Node) bool { return n.DataAtom == atom.A })
			if len(links) != 1 || rendByID(doc, strings.TrimPrefix(rendAttr(links[0], "href"), "#")) == nil {
				t.Error("DV03 does not link to its failure")
			}
			// The screenshot is embedded, byte for byte.
			imgs := rendFind(doc, func(n *html.Node) bool { return n.DataAtom == atom.Img })
			if len(imgs) != 1 {
				t.Fatalf("images: %d, want 1 (the outside one must not be embedded)", len(imgs))
			}
			src := rendAttr(imgs[0], "src")
			const prefix = "data:image/png;base64,"
			if !strings.HasPrefix(src, prefix) {
				t.Fatalf("screenshot src is not a PNG data: URI: %.60q", src)
			}
			if got, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, prefix)); err != nil || !bytes.Equal(got, png) {
				t.Errorf("embedded screenshot differs from the evidence file (%v)", err)
			}
			// The page snapshot is escaped source inside <details>, not live HTML.
			if rendFind(doc, func(n *html.Node) bool { return n.DataAtom == atom.Form || n.DataAtom == atom.Input }) != nil {
				t.Error("the page snapshot was rendered as live HTML")
			}
			sources := rendFind(doc, func(n *html.Node) bool { return n.DataAtom == atom.Pre && rendHasClass(n, "source") })
			if len(sources) != 1 || !strings.Contains(rendText(sources[0]), `<form id="f">`) || sources[0].Parent.DataAtom != atom.Details {
				t.Error("the page snapshot is not shown as source text inside <details>")
			}
			// Missing evidence is said, not fatal; a path out of the run folder is refused.
			missing := rendFind(doc, func(n *html.Node) bool { return rendHasClass(n, "missing") })
			if len(missing) != 2 || !strings.Contains(rendText(missing[0]), "DV03-prefill.console.txt") || !strings.Contains(rendText(missing[1]), "../outside.png") {
				t.Errorf("missing evidence: %d notes", len(missing))
			}
			// Headline bold, full reason collapsible, HTTP excerpt in <pre>.
			if !strings.Contains(out, `<p class="headline">prefill: HoVaTen is &#34;Trần Thị B&#34;`) {
				t.Error("failure headline missing")
			}
			if reasons := rendFind(doc, func(n *html.Node) bool {
				return n.DataAtom == atom.Pre && n.Parent.DataAtom == atom.Details && strings.Contains(rendText(n), "to equal")
			}); len(reasons) != 1 {
				t.Error("full reason is not in a <details>")
			}
			if https := rendFind(doc, func(n *html.Node) bool { return rendHasClass(n, "http") }); len(https) != 1 || !strings.Contains(rendText(https[0]), "001*******45") {
				t.Error("HTTP excerpt missing")
			}
			rendAssertSelfContained(t, out, doc)
			rendAssertEscaped(t, out, doc)
		})
	}
}

// rendAssertSelfContained: nothing is fetched when the file is opened.
func rendAssertSelfContained(t *testing.T, out string, doc *html.Node) {
	t.Helper()
	lower := strings.ToLower(out)
	for _, bad := range []string{"<script", "<link", "<iframe", "<object", "<embed", "@import", "url("} {
		if strings.Contains(lower, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.Script, atom.Link, atom.Iframe, atom.Object, atom.Embed, atom.Base:
			t.Errorf("element <%s> in a self-contained report", n.Data)
		case atom.Style:
			if css := strings.ToLower(rendText(n)); strings.Contains(css, "http:") || strings.Contains(css, "https:") {
				t.Error("style sheet references a URL")
			}
		}
		for _, a := range n.Attr {
			v := strings.ToLower(strings.TrimSpace(a.Val))
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s %s> event handler", n.Data, a.Key)
			}
			if strings.Contains(v, "http://") || strings.Contains(v, "https://") || strings.HasPrefix(v, "//") || strings.HasPrefix(v, "javascript:") {
				t.Errorf("<%s %s=%.60q> references a resource", n.Data, a.Key, a.Val)
			}
			switch a.Key {
			case "src", "href", "srcset", "action", "poster", "xlink:href", "data":
				if !strings.HasPrefix(v, "#") && !strings.HasPrefix(v, "data:image/") {
					t.Errorf("<%s %s=%.60q> is not a fragment or an embedded image", n.Data, a.Key, a.Val)
				}
			}
		}
	}
}

// rendAssertEscaped: text from the summary never becomes markup.
func rendAssertEscaped(t *testing.T, out string, doc *html.Node) {
	t.Helper()
	if !strings.Contains(out, "DV08 &lt;script&gt;alert(1)&lt;/script&gt; is processed") {
		t.Error("hostile spec name is not escaped")
	}
	if !strings.Contains(rendText(doc), rendHostileSpec) {
		t.Error("hostile spec name is not shown as text")
	}
	if rendFind(doc, func(n *html.Node) bool {
		return n.DataAtom == atom.B && (rendText(n) == "giao thông" || rendText(n) == "payment")
	}) != nil {
		t.Error("markup in a service name was rendered")
	}
	if !strings.Contains(rendText(doc), "</pre><script>alert(2)</script>") {
		t.Error("hostile reason is not shown as text")
	}
}

func TestHTMLGatePassedWithoutDefects(t *testing.T) {
	s := rendSummary()
	s.Target.Defects = nil
	s.Target.Kind = "staging"
	s.Target.Province = "01"
	s.Gate.Passed = true
	s.Headline = reports.Headline{ServicesReady: 25, ServicesTotal: 25, DBsReady: 9, DBsTotal: 9, SyncOK: true}
	for _, tc := range []struct{ lang, banner, ministry, title string }{
		{"vi", "✓ ĐẠT", "Toàn trình: 25/25 dịch vụ · CSDL quốc gia: 9/9 kết nối · Đồng bộ DVCQG: đạt", "(thành phố Hà Nội)"},
		{"en", "✓ PASSED", "End to end: 25/25 services · National databases: 9/9 connected · DVCQG sync: passed", "(Hanoi city)"},
	} {
		out, doc := rendHTML(t, s, t.TempDir(), tc.lang)
		gate := rendByID(doc, "gate")
		if gate == nil || !rendHasClass(gate, "gate-pass") || rendHasClass(gate, "gate-seeded") || !strings.Contains(rendText(gate), tc.banner) || !strings.Contains(rendText(gate), tc.ministry) {
			t.Errorf("%s: passed gate banner wrong: %q", tc.lang, rendText(gate))
		}
		if strings.Contains(out, `class="watermark"`) || strings.Contains(out, `class="seeded"`) {
			t.Errorf("%s: a run without seeded defects is marked as seeded", tc.lang)
		}
		if !strings.Contains(out, tc.title) {
			t.Errorf("%s: title lacks %q", tc.lang, tc.title)
		}
		// The evidence files are not there: said, not fatal.
		if n := len(rendFind(doc, func(n *html.Node) bool { return rendHasClass(n, "missing") })); n != 4 {
			t.Errorf("%s: %d missing-evidence notes, want 4", tc.lang, n)
		}
	}
}

func TestHTMLSchemaOneSummary(t *testing.T) {
	// A version-1 summary: no readiness, checks, gate or trend.
	s := &reports.Summary{SchemaVersion: 1, RunID: "r1", Target: reports.TargetInfo{Name: "mock", Kind: "mock", Province: "01"},
		Services: []reports.Verdict{
			{ID: "DV01", NameVI: "Một", Verdict: reports.Pass},
			{ID: "DV02", NameVI: "Hai", Verdict: reports.Fail, Failures: []reports.Failure{{Spec: "s", Reason: "boom\nmore"}}},
			{ID: "DV03", NameVI: "Ba", Verdict: reports.Skipped},
		},
		NationalDBs: map[string]*reports.Verdict{"tax": {NameVI: "Thuế", Verdict: reports.Pass}},
	}
	_, doc := rendHTML(t, s, "", "vi")
	var pills []string
	for _, row := range rendFind(doc, func(n *html.Node) bool { return rendHasClass(n, "svc") }) {
		for _, p := range rendFind(row, func(n *html.Node) bool { return rendHasClass(n, "pill") }) {
			pills = append(pills, rendText(p))
		}
	}
	if want := []string{reports.Ready, reports.NotReady, reports.NotRun}; !slices.Equal(pills, want) {
		t.Errorf("pills %v, want %v", pills, want)
	}
	if items := rendFind(doc, func(n *html.Node) bool { return rendHasClass(n, "item") }); len(items) != 1 || rendAttr(items[0], "data-id") != "tax" {
		t.Error("database keyed by id without an id field is not shown")
	}
	if h := rendFind(doc, func(n *html.Node) bool { return rendHasClass(n, "headline") }); len(h) != 1 || rendText(h[0]) != "boom" {
		t.Error("a failure without a headline does not show its first line")
	}
}

func TestHTMLI18nStringsComplete(t *testing.T) {
	vi, en := i18nText[LangVI], i18nText[LangEN]
	for k, v := range vi {
		if en[k] == "" || v == "" {
			t.Errorf("UI string %q: vi %q, en %q", k, v, en[k])
		}
	}
	for k := range en {
		if _, ok := vi[k]; !ok {
			t.Errorf("UI string %q has no Vietnamese", k)
		}
	}
	for _, lang := range []string{LangVI, LangEN} {
		for _, r := range i18nReadinessOrder {
			if g := i18nVerdict[lang][r]; g[0] == "" || g[1] == "" {
				t.Errorf("%s: no gloss for %s", lang, r)
			}
		}
		for _, c := range reports.CheckColumns {
			if n := i18nCheck[lang][c]; n[0] == "" || n[1] == "" {
				t.Errorf("%s: no name for check %s", lang, c)
			}
		}
		for _, sym := range i18nSymbol {
			if sym.Text[lang] == "" {
				t.Errorf("%s: no text for symbol of %s", lang, sym.Result)
			}
		}
	}
	if i18nLang("EN-gb") != LangEN || i18nLang("") != LangVI || i18nLang("fr") != LangVI {
		t.Error("language normalisation")
	}
}

// A failure's differing fields are a table of expected against actual,
// escaped, with the system that first told a wrong value.
func TestHTMLFieldTable(t *testing.T) {
	s := rendSummary()
	out, doc := rendHTML(t, s, rendRunDir(t), "en")
	tables := rendFind(doc, func(n *html.Node) bool { return n.DataAtom == atom.Table && rendHasClass(n, "fields") })
	if len(tables) != 1 {
		t.Fatalf("%d field tables, want 1", len(tables))
	}
	txt := rendText(tables[0])
	for _, want := range []string{"Expected", "Actual", "dvcqg", "TraCuuHoSo", "NgayTiepNhan", `"20260304093000"`, "first told by portal"} {
		if !strings.Contains(txt, want) {
			t.Errorf("field table %q lacks %q", txt, want)
		}
	}
	if strings.Contains(out, "<b>20260305093000</b>") {
		t.Error("field value not escaped")
	}
}
