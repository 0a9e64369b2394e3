package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Renderer turns events into the run's console. Without a status function
// (CI, a log file) it prints one plain line per finished spec; with one (a
// terminal) it keeps a single progress line redrawn in place and prints
// only what must stay: every failure, in full, and a closing line. Safe
// for concurrent use.
type Renderer struct {
	mu      sync.Mutex
	out     io.Writer
	status  func(string) error // draws the progress line in place; "" clears it
	now     func() time.Time
	started time.Time
	total   int
	done    int
	failed  int
	err     error
}

// NewRenderer writes to out; status is nil for plain lines.
func NewRenderer(out io.Writer, status func(string) error, now func() time.Time) *Renderer {
	return &Renderer{out: out, status: status, now: now, started: now()}
}

// Handle renders one event.
func (r *Renderer) Handle(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e.Kind {
	case KindStart:
		r.total = e.Total
		r.draw()
	case KindSpec:
		r.done++
		if e.Failed() {
			r.failed++
		}
		if r.status == nil || e.Failed() {
			r.clear()
			r.write(Line(e) + "\n" + Detail(e))
		}
		r.draw()
	}
}

// Finish ends the console: on a terminal the progress line stays as the
// run's last line.
func (r *Renderer) Finish() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.status != nil && r.done > 0 {
		r.clear()
		r.write(r.progressText() + "\n")
	}
	return r.err
}

// Tick redraws the progress line (its time and ETA move between specs).
func (r *Renderer) Tick() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.total > 0 {
		r.draw()
	}
}

// Total is the run's spec count, 0 before process 1 said it.
func (r *Renderer) Total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total
}

// Counts are the specs finished and failed so far.
func (r *Renderer) Counts() (done, failed int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done, r.failed
}

func (r *Renderer) draw() {
	if r.status != nil && r.err == nil {
		r.err = r.status(r.progressText())
	}
}

func (r *Renderer) clear() {
	if r.status != nil && r.err == nil {
		r.err = r.status("")
	}
}

func (r *Renderer) write(s string) {
	if s != "" && r.err == nil {
		_, r.err = io.WriteString(r.out, s)
	}
}

// progressText is the live line: done/total, failures so far, time and ETA.
func (r *Renderer) progressText() string {
	elapsed := r.now().Sub(r.started)
	var b strings.Builder
	if r.total > 0 {
		fmt.Fprintf(&b, "%d/%d specs", r.done, r.total)
	} else {
		fmt.Fprintf(&b, "%d specs", r.done)
	}
	fmt.Fprintf(&b, " · %d failed · %s", r.failed, shortDuration(elapsed))
	if r.total > r.done && r.done > 0 {
		eta := time.Duration(float64(elapsed) / float64(r.done) * float64(r.total-r.done))
		fmt.Fprintf(&b, " · ETA %s", shortDuration(eta))
	}
	return b.String()
}

// subjectWidth fits db:business_registration, the longest subject.
const subjectWidth = 24

// textWidth bounds a spec's text on its line; a failure's detail has it whole.
const textWidth = 80

// Line is a finished spec's one line: ✓, ✗ or –, its subject, its text and
// its duration; a failure other than a plain one says its state, a skip
// its reason, a pass after a retry that it is flaky.
func Line(e Event) string {
	mark := "✓"
	switch {
	case e.Failed():
		mark = "✗"
	case e.State == "skipped":
		mark = "–"
	}
	line := fmt.Sprintf("%s %-*s %s  %s", mark, subjectWidth, e.Subject, cut(e.Text, textWidth), seconds(e.Duration))
	switch {
	case e.Failed() && e.State != "failed":
		line += " (" + e.State + ")"
	case e.State == "skipped" && e.Message != "":
		line += " (skipped: " + cut(firstLine(e.Message), textWidth) + ")"
	case e.State == "passed" && e.Attempts > 1:
		line += fmt.Sprintf(" (FLAKY: passed on attempt %d)", e.Attempts)
	}
	return line
}

// Detail is a failure in full, indented under its line: the spec's full
// name, where it failed, the step it was at, the whole message and the
// report entries shown with a failure (evidence files); "" for a spec that
// did not fail.
func Detail(e Event) string {
	if !e.Failed() {
		return ""
	}
	var b strings.Builder
	put := func(s string) {
		for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
			b.WriteString(strings.TrimRight("    "+l, " ") + "\n")
		}
	}
	put(e.FullText)
	// Ginkgo's own words, which CI users grep for: [FAILED] in [It] - file:line.
	at := "[" + strings.ToUpper(e.State) + "]"
	if e.Node != "" {
		at += " in [" + e.Node + "]"
	}
	if e.Location != "" {
		at += " - " + e.Location
	}
	put(at)
	if e.Step != "" {
		put("step: " + e.Step)
	}
	if e.Message != "" {
		put(e.Message)
	}
	for _, en := range e.Entries {
		put(en.Name + ":")
		put("  " + strings.ReplaceAll(strings.TrimRight(en.Value, "\n"), "\n", "\n  "))
	}
	return b.String()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// cut shortens s to n runes, marking the cut with an ellipsis.
func cut(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// seconds is a spec's duration: 0.49s, 12.3s.
func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// shortDuration is a run's time: 45s, 2m05s.
func shortDuration(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}
