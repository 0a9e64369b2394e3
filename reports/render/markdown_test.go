package render

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/reports"
)

func rendMarkdown(t *testing.T, s *reports.Summary, lang string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, s, lang); err != nil {
		t.Fatalf("WriteMarkdown(%s): %v", lang, err)
	}
	return buf.String()
}

// rendMDRows returns the rows of the Markdown tables (headers included,
// separators not), keyed by first cell, and how many there are.
func rendMDRows(md string) (map[string]string, int) {
	rows := map[string]string{}
	n := 0
	for line := range strings.Lines(md) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "|---") {
			continue
		}
		n++
		first := strings.TrimSpace(strings.SplitN(line[2:], " | ", 2)[0])
		rows[first] = line
	}
	return rows, n
}

func TestMarkdownSummary(t *testing.T) {
	s := rendSummary()
	s.Provinces = nil // one province: no matrix (the matrix: provinces_test.go)
	for _, tc := range []struct {
		lang                                     string
		title, gate, rule, others, notRun, dbs   string
		seeded, dbOthers, blocked, waived, check string
	}{
		{lang: "vi",
			title:    "# Báo cáo sẵn sàng vận hành — mock (tỉnh Nghệ An)\n",
			gate:     "**✗ KHÔNG ĐẠT** · Toàn trình: 2/8 dịch vụ (1 được miễn trừ) · CSDL quốc gia: 1/2 kết nối · Đồng bộ DVCQG: đạt\n",
			rule:     "- ✗ Dịch vụ toàn trình — yêu cầu ≥ 7, thực tế 2\n",
			others:   "2 dịch vụ còn lại: READY.",
			notRun:   "Chưa kiểm chứng (1): DV07.",
			dbs:      "**CSDL quốc gia chưa sẵn sàng (1/2)**",
			dbOthers: "1 CSDL còn lại: READY.",
			seeded:   "> ⚠ **CÓ LỖI CÀI SẴN — KHÔNG PHẢI KẾT LUẬN VẬN HÀNH**: `prefill-wrong-citizen@DV03`",
			blocked:  "bị chặn bởi db:population",
			waived:   "miễn trừ DVC-123",
			check:    "| DV03 | Đăng ký thường trú | NOT READY | điền sẵn từ CSDL quốc gia | prefill: HoVaTen",
		},
		{lang: "en",
			title:    "# Go-live readiness report — mock (Nghe An province)\n",
			gate:     "**✗ FAILED** · End to end: 2/8 services (1 waived) · National databases: 1/2 connected · DVCQG sync: passed\n",
			rule:     "- ✗ Services end to end — required ≥ 7, actual 2\n",
			others:   "All 2 other services: READY.",
			notRun:   "Not verified (1): DV07.",
			dbs:      "**National databases not READY (1/2)**",
			dbOthers: "All 1 other national databases: READY.",
			seeded:   "> ⚠ **SEEDED DEFECTS — NOT A GO-LIVE VERDICT**: `prefill-wrong-citizen@DV03`",
			blocked:  "blocked by db:population",
			waived:   "waiver DVC-123",
			check:    "| DV03 | Permanent residence registration | NOT READY | prefill from national databases | prefill: HoVaTen",
		},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			md := rendMarkdown(t, s, tc.lang)
			t.Logf("summary.md (%s):\n%s", tc.lang, md)
			if !strings.HasPrefix(md, tc.title) {
				t.Errorf("title line: want %q", tc.title)
			}
			for _, want := range []string{tc.gate, tc.rule, tc.others, tc.notRun, tc.dbs, tc.dbOthers, tc.seeded, tc.blocked, tc.waived, tc.check,
				"`20261122-170047-e0ed`", "22/11/2026 17:00", "`mock`"} {
				if !strings.Contains(md, want) {
					t.Errorf("summary.md lacks %q", want)
				}
			}
			if n := strings.Count(md, "\n- "); n != len(s.Gate.Rules)+len(s.SuiteFailures) {
				t.Errorf("%d list items, want %d gate rules + %d suite failures", n, len(s.Gate.Rules), len(s.SuiteFailures))
			}
			// Only the rows that are not READY: not DV01, DV02 (READY), not
			// DV07 (NOT RUN, listed in one line), not tax (READY).
			rows, n := rendMDRows(md)
			for _, id := range []string{"DV03", "DV04", "DV05", "DV06", "DV08", "population"} {
				if _, ok := rows[id]; !ok {
					t.Errorf("no row for %s", id)
				}
			}
			for _, id := range []string{"DV01", "DV02", "DV07", "tax"} {
				if _, ok := rows[id]; ok {
					t.Errorf("row for %s, which is not to be listed", id)
				}
			}
			if n != 2+6 { // two header rows
				t.Errorf("%d table rows, want 8: %v", n, rows)
			}
			for id, row := range rows {
				if n := strings.Count(strings.ReplaceAll(row, `\|`, ""), "|"); n != 6 && n != 5 {
					t.Errorf("row %s has %d cell separators: %q", id, n, row)
				}
			}
			// Hostile text stays text.
			if !strings.Contains(md, `\<img src=x onerror=alert(1)\> \| not JSON`) || !strings.Contains(md, `\<b\>`) {
				t.Error("hostile text is not escaped")
			}
			if m := regexp.MustCompile(`(^|[^\\])<`).FindString(md); m != "" {
				t.Errorf("unescaped < in %q", m)
			}
			if len(md) > 4000 {
				t.Errorf("summary.md is %d bytes: too long to paste", len(md))
			}
		})
	}
}

func TestMarkdownAllReady(t *testing.T) {
	s := &reports.Summary{RunID: "r2", Target: reports.TargetInfo{Name: "staging", Kind: "staging", Province: "79"},
		Gate:        reports.GateResult{Passed: true},
		Headline:    reports.Headline{ServicesReady: 2, ServicesTotal: 2, DBsReady: 1, DBsTotal: 1, SyncOK: true},
		Services:    []reports.Verdict{{ID: "DV01", NameVI: "Một", Readiness: reports.Ready}, {ID: "DV02", NameVI: "Hai", Readiness: reports.Ready}},
		NationalDBs: map[string]*reports.Verdict{"tax": {ID: "tax", NameVI: "Thuế", Readiness: reports.Ready}},
	}
	md := rendMarkdown(t, s, "vi")
	for _, want := range []string{"# Báo cáo sẵn sàng vận hành — staging (TP Hồ Chí Minh)\n", "**✓ ĐẠT** · Toàn trình: 2/2 dịch vụ · CSDL quốc gia: 1/1 kết nối · Đồng bộ DVCQG: đạt",
		"Cả 2 dịch vụ: READY.", "Cả 1 CSDL quốc gia: READY."} {
		if !strings.Contains(md, want) {
			t.Errorf("summary.md lacks %q:\n%s", want, md)
		}
	}
	for _, bad := range []string{"|", "⚠", "LỖI CÀI SẴN", "mock"} {
		if strings.Contains(md, bad) {
			t.Errorf("summary.md of an all-READY run without defects has %q:\n%s", bad, md)
		}
	}
}

func TestMarkdownRanges(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"DV01", "DV02", "DV03", "DV05", "DV06", "DV08", "DV09", "DV10", "DV11"}, "DV01–DV03, DV05, DV06, DV08–DV11"},
		{[]string{"DV07"}, "DV07"},
		{[]string{"tax", "land", "DV01", "DV02"}, "tax, land, DV01, DV02"},
		{nil, ""},
	} {
		if got := mdRanges(tc.in); got != tc.want {
			t.Errorf("mdRanges(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
