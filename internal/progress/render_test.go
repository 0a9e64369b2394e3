package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

var (
	passed = Event{Kind: KindSpec, State: "passed", Subject: "DV09", Text: "rejects unauthenticated calls with 401", Duration: 12 * time.Millisecond}
	failed = Event{Kind: KindSpec, State: "failed", Subject: "db:population", Text: "records its lookups in the audit log",
		FullText: "National databases population records its lookups in the audit log", Duration: 2500 * time.Millisecond,
		Location: "/w/suites/nationaldb/audit.go:42", Node: "It", Step: "reading the gateway's audit log",
		Message: "audit entry ≠ the lookup:\n  subject: want \"001*******24\", got \"\"",
		Entries: []Entry{{Name: "screenshot", Value: "/runs/x/evidence/a.png"}}}
	skipped = Event{Kind: KindSpec, State: "skipped", Subject: "sso", Text: "refreshes a token", Message: "the target has no refresh tokens\nmore"}
)

// TestLine: one line per spec, its mark, subject, text and duration; a
// long text is cut with an ellipsis, a skip gives its reason's first line,
// an unusual failure its state.
func TestLine(t *testing.T) {
	for _, tc := range []struct {
		e    Event
		want string
	}{
		{passed, "✓ DV09                     rejects unauthenticated calls with 401  0.01s"},
		{failed, "✗ db:population            records its lookups in the audit log  2.5s"},
		{skipped, "– sso                      refreshes a token  0.00s (skipped: the target has no refresh tokens)"},
		{Event{Kind: KindSpec, State: "timedout", Subject: "DV01", Text: "x", Duration: 90 * time.Second}, "✗ DV01                     x  90.0s (timedout)"},
		{Event{Kind: KindSpec, State: "passed", Subject: "DV02", Text: "y", Duration: time.Second, Attempts: 2}, "✓ DV02                     y  1.0s (FLAKY: passed on attempt 2)"},
	} {
		if got := Line(tc.e); got != tc.want {
			t.Errorf("Line(%s)\n got %q\nwant %q", tc.e.State, got, tc.want)
		}
	}
	long := passed
	long.Text = strings.Repeat("rất dài ", 20)
	got := Line(long)
	if !strings.Contains(got, "…") || strings.Contains(got, "\n") {
		t.Errorf("a long text is not cut to one line: %q", got)
	}
}

// TestDetail: a failure in full — name, Ginkgo's [FAILED] in [node] -
// location, the step, every line of the message, the evidence — and
// nothing for a pass.
func TestDetail(t *testing.T) {
	if d := Detail(passed); d != "" {
		t.Errorf("a passed spec has detail %q", d)
	}
	want := "    National databases population records its lookups in the audit log\n" +
		"    [FAILED] in [It] - /w/suites/nationaldb/audit.go:42\n" +
		"    step: reading the gateway's audit log\n" +
		"    audit entry ≠ the lookup:\n" +
		"      subject: want \"001*******24\", got \"\"\n" +
		"    screenshot:\n" +
		"      /runs/x/evidence/a.png\n"
	if got := Detail(failed); got != want {
		t.Errorf("Detail\n got %q\nwant %q", got, want)
	}
}

// clock is a fake clock the test moves.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// TestRendererPlain: without a terminal, a line per finished spec, the
// failure in full under its line, no escape code, and nothing at the end.
func TestRendererPlain(t *testing.T) {
	var out bytes.Buffer
	c := &clock{time.Unix(0, 0)}
	r := NewRenderer(&out, nil, c.now)
	r.Handle(Event{Kind: KindStart, Total: 3})
	for _, e := range []Event{passed, failed, skipped} {
		r.Handle(e)
	}
	if err := r.Finish(); err != nil {
		t.Fatal(err)
	}
	want := Line(passed) + "\n" + Line(failed) + "\n" + Detail(failed) + Line(skipped) + "\n"
	if out.String() != want {
		t.Errorf("plain console\n got %q\nwant %q", out.String(), want)
	}
	if strings.ContainsAny(out.String(), "\x1b\r") {
		t.Errorf("plain console has escape codes: %q", out.String())
	}
	if done, nfail := r.Counts(); done != 3 || nfail != 1 {
		t.Errorf("counts %d done, %d failed; want 3, 1", done, nfail)
	}
}

// TestRendererTerminal: on a terminal only the progress line is redrawn
// for a pass (done/total, failures, ETA from the pace so far); a failure
// is printed in full above it; a tick moves its time; the last progress
// line stays.
func TestRendererTerminal(t *testing.T) {
	var out bytes.Buffer
	var statuses []string
	status := func(s string) error {
		statuses = append(statuses, s)
		out.WriteString("<" + s + ">")
		return nil
	}
	c := &clock{time.Unix(0, 0)}
	r := NewRenderer(&out, status, c.now)
	r.Handle(Event{Kind: KindStart, Total: 4})
	c.t = c.t.Add(10 * time.Second)
	r.Handle(passed)
	if got, want := statuses[len(statuses)-1], "1/4 specs · 0 failed · 10s · ETA 30s"; got != want {
		t.Errorf("progress line %q, want %q", got, want)
	}
	c.t = c.t.Add(10 * time.Second)
	r.Handle(failed)
	if got, want := statuses[len(statuses)-1], "2/4 specs · 1 failed · 20s · ETA 20s"; got != want {
		t.Errorf("progress line %q, want %q", got, want)
	}
	c.t = c.t.Add(100 * time.Second)
	r.Tick()
	if got, want := statuses[len(statuses)-1], "2/4 specs · 1 failed · 2m00s · ETA 2m00s"; got != want {
		t.Errorf("progress line after a tick %q, want %q", got, want)
	}
	r.Handle(passed)
	if err := r.Finish(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Contains(got, Line(passed)) {
		t.Errorf("a passed spec has its own line on a terminal: %q", got)
	}
	wantFail := "<>" + Line(failed) + "\n" + Detail(failed) + "<2/4 specs · 1 failed · 20s · ETA 20s>"
	if !strings.Contains(got, wantFail) {
		t.Errorf("the failure is not printed in full above the progress line:\n%q\nwant within it %q", got, wantFail)
	}
	if want := "<>3/4 specs · 1 failed · 2m00s · ETA 40s\n"; !strings.HasSuffix(got, want) {
		t.Errorf("the console does not end with the last progress line %q: %q", want, got)
	}
}
