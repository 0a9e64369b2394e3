package trial

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestProgressPlainLines: off a terminal, a line at each tenth of the
// work (and after 5 s without one), errors counted.
func TestProgressPlainLines(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b)
	clock := time.Unix(0, 0)
	p.now = func() time.Time { return clock }
	p.Begin("follow", 20)
	for i := range 20 {
		var err error
		if i == 3 {
			err = errors.New("down")
		}
		p.Step(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 11 || lines[0] != "follow: 20 to do" || lines[10] != "follow  20/20 · 1 error(s)" {
		t.Errorf("plain progress:\n%s", b.String())
	}
	b.Reset()
	p.Begin("slow", 1000)
	p.Step(nil)
	clock = clock.Add(6 * time.Second)
	p.Step(nil)
	if got := strings.Count(b.String(), "\n"); got != 2 || !strings.Contains(b.String(), "2/1000 · 0 error(s) · ETA 49m54s") {
		t.Errorf("after 6 s without a line: %q", b.String())
	}
}
