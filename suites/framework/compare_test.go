package framework

import (
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/api/portal"
)

func TestDiffsNameEveryFieldByWireName(t *testing.T) {
	resetFields()
	want := portal.Dossier{Code: "A-1", Fee: portal.Fee{AmountVND: 150000}, History: []portal.HistoryEntry{{Status: "submitted"}, {Status: "accepted"}}}
	got := want
	got.Fee.AmountVND = 100000
	got.History = []portal.HistoryEntry{{Status: "submitted"}}
	var d Diffs
	d.Compare(Answer{"portal", "GET /api/v1/dossiers/{id}"}, want, got)
	err := d.Err("dossier A-1")
	if err == nil {
		t.Fatal("differing dossiers compared equal")
	}
	for _, line := range []string{
		"portal GET /api/v1/dossiers/{id} fee.amount_vnd: want 150000, got 100000",
		"portal GET /api/v1/dossiers/{id} history[accepted]: want {\"status\":\"accepted\"",
	} {
		if !strings.Contains(err.Error(), line) {
			t.Errorf("failure lacks %q:\n%s", line, err)
		}
	}
	if n := len(recordedFields()); n != 2 {
		t.Errorf("recorded %d fields, want 2", n)
	}
}

func TestDiffsBlameTheFirstTeller(t *testing.T) {
	resetFields()
	var d Diffs
	d.Field(Answer{"portal", "GET dossier"}, "submitted_at", "20260304093000", "20260305093000")
	d.Field(Answer{"dvcqg", "TraCuuHoSo"}, "NgayTiepNhan", "20260304093000", "20260305093000")
	l := d.List()
	if len(l) != 2 || l[0].Blame != "" || l[1].Blame != "portal" {
		t.Fatalf("blame = %+v, want the national portal's field blamed on the portal", l)
	}
	if s := l[1].String(); s != `dvcqg TraCuuHoSo NgayTiepNhan: want "20260304093000", got "20260305093000" — first told by portal` {
		t.Errorf("line = %s", s)
	}
}

func TestDiffsEqualIsNil(t *testing.T) {
	var d Diffs
	d.Compare(Answer{"portal", "x"}, portal.Fee{AmountVND: 1}, portal.Fee{AmountVND: 1})
	d.Form(Answer{"portal", "x"}, "id", "abc", true, "non-empty")
	if err := d.Err("fee"); err != nil {
		t.Fatal(err)
	}
	d.Form(Answer{"portal", "x"}, "id", "", false, "a non-empty id")
	if err := d.Err("fee"); err == nil || !strings.Contains(err.Error(), `portal x id: want a non-empty id, got ""`) {
		t.Fatalf("form rule: %v", err)
	}
}
