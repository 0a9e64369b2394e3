package trial

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Progress shows long work: on a terminal one live line rewritten with
// \r (done/total, errors, ETA); elsewhere (CI logs) a plain line every
// 10 % or every 5 s, whichever comes first. A nil *Progress shows nothing.
type Progress struct {
	out  io.Writer
	live bool
	now  func() time.Time
	// OnStep, when set, is called after each step with the steps done (a
	// test cuts a follow short with it, as a crash would).
	OnStep func(done int)

	mu         sync.Mutex
	what       string
	total      int
	done, errs int
	began      time.Time
	lastLine   time.Time
	lastTenth  int
}

// plainEvery is the longest gap between plain progress lines.
const plainEvery = 5 * time.Second

// NewProgress writes to out, live when out is a terminal.
func NewProgress(out io.Writer) *Progress {
	return &Progress{out: out, live: isTerminal(out), now: time.Now}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Begin starts a piece of work of total steps.
func (p *Progress) Begin(what string, total int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.what, p.total, p.done, p.errs, p.lastTenth = what, total, 0, 0, 0
	p.began, p.lastLine = p.now(), p.now()
	if !p.live {
		fmt.Fprintf(p.out, "%s: %d to do\n", what, total)
	}
}

// Step counts one step done; a non-nil err counts as an error.
func (p *Progress) Step(err error) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if err != nil {
		p.errs++
	}
	if p.OnStep != nil {
		defer p.OnStep(p.done)
	}
	now := p.now()
	if p.live {
		fmt.Fprintf(p.out, "\r%s  %s\033[K", p.what, p.status(now))
		return
	}
	tenth := 0
	if p.total > 0 {
		tenth = p.done * 10 / p.total
	}
	if tenth > p.lastTenth || now.Sub(p.lastLine) >= plainEvery {
		p.lastTenth, p.lastLine = tenth, now
		fmt.Fprintf(p.out, "%s  %s\n", p.what, p.status(now))
	}
}

// End finishes the live line.
func (p *Progress) End() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live && p.done > 0 {
		fmt.Fprintln(p.out)
	}
}

// status is "done/total · errors · ETA". The caller holds p.mu.
func (p *Progress) status(now time.Time) string {
	s := fmt.Sprintf("%d/%d · %d error(s)", p.done, p.total, p.errs)
	if p.done > 0 && p.done < p.total {
		per := now.Sub(p.began) / time.Duration(p.done)
		s += " · ETA " + (per * time.Duration(p.total-p.done)).Round(time.Second).String()
	}
	return s
}
