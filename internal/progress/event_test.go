package progress

import (
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// TestSpecEvent: a spec's event from its report — subject from its
// labels, the failure's location, node, step (the last By), message and
// the entries shown with a failure; a spec the label filter left out is
// no event.
func TestSpecEvent(t *testing.T) {
	loc := types.CodeLocation{FileName: "/w/suites/services/e2e.go", LineNumber: 75}
	r := types.SpecReport{
		ContainerHierarchyTexts:  []string{"Essential online public services", "DV09 Đăng ký khai sinh"},
		ContainerHierarchyLabels: [][]string{{}, {"service:DV09", "agency:btp"}},
		LeafNodeText:             "is processed end to end",
		LeafNodeLabels:           []string{"kind:e2e"},
		State:                    types.SpecStateFailed,
		RunTime:                  1900 * time.Millisecond,
		Failure:                  types.Failure{Message: "result ≠ the dossier", Location: loc, FailureNodeType: types.NodeTypeIt},
		SpecEvents: []types.SpecEvent{
			{SpecEventType: types.SpecEventByStart, Message: "submitting"},
			{SpecEventType: types.SpecEventByStart, Message: "verifying the signed result document"},
		},
		ReportEntries: types.ReportEntries{
			{Name: "dossier", Visibility: types.ReportEntryVisibilityAlways, Value: types.WrapEntryValue("000.00.00.H01-1")},
			{Name: "http", Visibility: types.ReportEntryVisibilityNever, Value: types.WrapEntryValue("GET /")},
		},
	}
	e, ok := SpecEvent(r)
	if !ok {
		t.Fatal("a failed spec is no event")
	}
	want := Event{Kind: KindSpec, State: "failed", Subject: "DV09", Text: "is processed end to end",
		FullText: "Essential online public services DV09 Đăng ký khai sinh is processed end to end", Duration: 1900 * time.Millisecond,
		Location: loc.String(), Node: "It", Message: "result ≠ the dossier", Step: "verifying the signed result document",
		Entries: []Entry{{Name: "dossier", Value: "000.00.00.H01-1"}}}
	if d := diffEvents(e, want); d != "" {
		t.Errorf("SpecEvent: %s", d)
	}

	filtered := types.SpecReport{LeafNodeText: "x", State: types.SpecStateSkipped}
	if _, ok := SpecEvent(filtered); ok {
		t.Error("a spec the label filter left out is an event")
	}
	runtimeSkip := types.SpecReport{LeafNodeText: "x", State: types.SpecStateSkipped, Failure: types.Failure{Message: "no refresh tokens"},
		LeafNodeLabels: []string{"system:sso"}}
	if e, ok := SpecEvent(runtimeSkip); !ok || e.Subject != "sso" || e.Message != "no refresh tokens" || e.Failed() {
		t.Errorf("a spec skipped while running: %+v, %v", e, ok)
	}
	if s := Subject([]string{"kind:connection", "db:population"}); s != "db:population" {
		t.Errorf("Subject of a database spec = %q", s)
	}
}

func diffEvents(got, want Event) string {
	var d []string
	if got.Kind != want.Kind || got.State != want.State || got.Subject != want.Subject || got.Text != want.Text {
		d = append(d, "kind/state/subject/text")
	}
	if got.FullText != want.FullText {
		d = append(d, "full text "+got.FullText)
	}
	if got.Duration != want.Duration || got.Location != want.Location || got.Node != want.Node {
		d = append(d, "duration/location/node "+got.Location+" "+got.Node)
	}
	if got.Message != want.Message || got.Step != want.Step {
		d = append(d, "message/step "+got.Step)
	}
	if len(got.Entries) != len(want.Entries) || (len(got.Entries) > 0 && got.Entries[0] != want.Entries[0]) {
		d = append(d, "entries")
	}
	return strings.Join(d, "; ")
}
