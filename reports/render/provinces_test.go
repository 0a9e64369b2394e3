package render

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/dvcqa/dvcqa/reports"
)

// provSummary is a run over two provinces and three services: DV02 failed
// in 79 only, DV03 was not verified in 01.
func provSummary() *reports.Summary {
	s := rendSummary()
	s.Services = s.Services[:3]
	cells := func(r ...string) []reports.ProvinceCell {
		var out []reports.ProvinceCell
		for i, v := range r {
			out = append(out, reports.ProvinceCell{ID: s.Services[i].ID, Readiness: v})
		}
		return out
	}
	s.Provinces = []reports.ProvinceRow{
		{Province: "01", ServicesReady: 2, ServicesTotal: 3, DBsReady: 2, DBsTotal: 2, SyncOK: true, DVCQGConnected: true, DBsConnected: true,
			Services: cells(reports.Ready, reports.Ready, reports.NotVerified)},
		{Province: "79", ServicesReady: 2, ServicesTotal: 3, DBsReady: 1, DBsTotal: 2, Services: cells(reports.Ready, reports.NotReady, reports.Ready)},
	}
	s.Headline.ProvincesTotal, s.Headline.ProvincesDVCQG, s.Headline.ProvincesDBs = 2, 1, 1
	s.Headline.ServicesReady, s.Headline.ServicesTotal, s.Headline.ServicesWaived, s.Headline.ServicesNotVerified = 1, 3, 0, 1
	return s
}

func TestProvinceHeadlineIsTheMinistriesForm(t *testing.T) {
	h := provSummary().Headline
	for lang, want := range map[string]string{
		"vi": "Kết nối Cổng DVCQG: 1/2 tỉnh · Kết nối CSDL quốc gia: 1/2 tỉnh · Toàn trình: 1/3 dịch vụ (1 chưa kiểm chứng)",
		"en": "Connected to the national portal (DVCQG): 1/2 provinces · Connected to the national databases: 1/2 provinces · End to end: 1/3 services (1 not verified)",
	} {
		if got := i18nHeadline(h, lang); got != want {
			t.Errorf("%s headline:\n got %q\nwant %q", lang, got, want)
		}
	}
}

func TestProvinceMatrixInMarkdown(t *testing.T) {
	md := rendMarkdown(t, provSummary(), "vi")
	for _, want := range []string{
		"**Tỉnh × dịch vụ**",
		"| Mã | Tỉnh, thành phố | DVCQG | CSDL | 01 | 02 | 03 |",
		"| 01 | thành phố Hà Nội | ✓ | ✓ | ✓ | ✓ | ? |",
		"| 79 | TP Hồ Chí Minh | ✗ | ✗ | ✓ | ✗ | ✓ |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("summary.md lacks %q:\n%s", want, md)
		}
	}
}

func TestProvinceMatrixInHTML(t *testing.T) {
	_, doc := rendHTML(t, provSummary(), t.TempDir(), "vi")
	rows := rendFind(doc, func(n *html.Node) bool { return n.DataAtom == atom.Tr && rendHasClass(n, "prov") })
	if len(rows) != 2 {
		t.Fatalf("province rows: %d, want 2", len(rows))
	}
	want := [][]string{{"01", "thành phố Hà Nội", "✓", "✓", "✓", "✓", "?"}, {"79", "TP Hồ Chí Minh", "✗", "✗", "✓", "✗", "✓"}}
	for i, row := range rows {
		var got []string
		for c := row.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.Td {
				got = append(got, strings.TrimSpace(textOf(c)))
			}
		}
		if strings.Join(got, "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: got %q, want %q", i, got, want[i])
		}
	}
}

func textOf(n *html.Node) string {
	var b bytes.Buffer
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
