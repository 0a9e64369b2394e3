package reports_test

import (
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/reports"
)

func keyed(id, province, filter string, defects []string, dv09 string) *reports.Summary {
	return &reports.Summary{RunID: id, LabelFilter: filter,
		Target:   reports.TargetInfo{Name: "mock", Kind: "mock", Province: province, Defects: defects},
		Services: []reports.Verdict{{ID: "DV09", Readiness: dv09}}}
}

func TestRunKey(t *testing.T) {
	a := keyed("a", "01", "", []string{"x@DV09", " b@DV01", "x@DV09"}, reports.Ready)
	if got := reports.KeyOf(a).Defects; got != "b@DV01,x@DV09" {
		t.Errorf("defects of the key: %q, want sorted, each once: b@DV01,x@DV09", got)
	}
	b := keyed("b", "79", "layer:api", []string{"x@DV09", "b@DV01"}, reports.Ready)
	got := strings.Join(reports.KeyOf(a).Differences(reports.KeyOf(b)), "; ")
	if want := `province "01" ≠ "79"; label filter "" ≠ "layer:api"`; got != want {
		t.Errorf("Differences = %q, want %q", got, want)
	}
	if err := reports.Comparable(a, b); err == nil || !strings.Contains(err.Error(), "runs a and b are not comparable") {
		t.Errorf("Comparable(a, b) = %v, want the runs named", err)
	}
	if err := reports.Comparable(a, keyed("c", "01", "", []string{"b@DV01", "x@DV09"}, reports.NotReady)); err != nil {
		t.Errorf("same key, other order of defects: %v, want comparable", err)
	}
}

// TestTrendKeepsOneKey: the trend strip and BuildTrend leave out runs of
// another key.
func TestTrendKeepsOneKey(t *testing.T) {
	runs := []*reports.Summary{
		keyed("1", "01", "", nil, reports.Ready),
		keyed("2", "01", "", []string{"result-unsigned@DV09"}, reports.NotReady),
		keyed("3", "79", "", nil, reports.NotReady),
		keyed("4", "01", "", nil, reports.NotReady),
		keyed("5", "01", "", nil, reports.Ready),
	}
	now := runs[4]
	reports.AttachTrend(now, runs[:4], 9)
	if got := strings.Join(now.Trend["DV09"], ","); got != "READY,NOT READY,READY" {
		t.Errorf("trend strip of DV09: %s, want runs 1, 4, 5 only: READY,NOT READY,READY", got)
	}
	tr := reports.BuildTrend(runs, reports.KeyOf(now), 2)
	var ids []string
	for _, r := range tr.Runs {
		ids = append(ids, r.RunID)
	}
	if strings.Join(ids, " ") != "4 5" || strings.Join(tr.Items["DV09"], ",") != "NOT READY,READY" {
		t.Errorf("BuildTrend(last 2): runs %v, DV09 %v; want 4 5, NOT READY,READY", ids, tr.Items["DV09"])
	}
}
