package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/fixtures"
)

// TestRealAccountsMaskedInReports: the masker of a real target's reports and
// console knows its test accounts' passwords and personal IDs, whatever
// their shape.
func TestRealAccountsMaskedInReports(t *testing.T) {
	cat := fixtures.MustLoad()
	tg, err := fixtures.LoadTarget(filepath.Join("..", "..", "fixtures", "targets", "staging.example.yaml"), cat)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("DVCQA_CITIZEN1_ID", "0661-9900-1234")
	t.Setenv("DVCQA_CITIZEN1_PASSWORD", "mat-khau-1")
	m, err := maskerFor(tg, cat)
	if err != nil {
		t.Fatal(err)
	}
	got := m.Text("account 0661-9900-1234 with password mat-khau-1")
	if strings.Contains(got, "0661-9900-1234") || strings.Contains(got, "mat-khau-1") {
		t.Errorf("masked: %q", got)
	}
}
