// Package clock is the mock world's time. Real working days cannot pass
// during a test run, so statutory processing runs on compressed time: one
// world day lasts a configurable real duration (e.g. 10 ms).
//
// There is no single world clock racing ahead of real time (it would leave
// the holiday calendar's years within minutes, and overflow after about 18
// minutes at 10 ms a day). Instead each dossier has its own Timeline,
// anchored at its real submission time. A timeline runs compressed only
// while something is scheduled on it (officers at work) and never past its
// next scheduled event; otherwise it follows real time. A dossier's dates
// are therefore its submission date plus its statutory period, however long
// the mock has been running.
//
// The real time itself comes from a Wall: the machine's clock, or a Fake
// that a test moves forward to simulate a mock running for days.
package clock

import (
	"container/heap"
	"math"
	"math/bits"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

const worldDay = 24 * time.Hour

// Wall is the source of real time. Its readings should carry Go's monotonic
// clock (time.Now, or time.Now().Add(offset)) so that durations between
// them are immune to changes of the system clock.
type Wall interface {
	Now() time.Time
}

// shifted is real time moved by a fixed offset.
type shifted struct{ offset time.Duration }

func (w shifted) Now() time.Time { return time.Now().Add(w.offset) }

// Fake is a wall clock for tests: real time shifted by an offset that
// Advance moves forward, so that a test can fast-forward the mock by
// minutes or months without waiting. Between jumps it runs at real rate, so
// compressed processing still takes its few real milliseconds.
type Fake struct {
	mu     sync.Mutex
	offset time.Duration
}

// NewFake returns a fake wall that reads start now.
func NewFake(start time.Time) *Fake { return &Fake{offset: time.Until(start)} }

// Now is the fake real time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return time.Now().Add(f.offset)
}

// Advance moves the fake real time forward by d (negative d is ignored).
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.offset += max(d, 0)
}

// Clock turns a wall clock into timelines that run compressed while they
// have work scheduled, and runs their callbacks. The zero value is not
// usable; call New or NewWall.
type Clock struct {
	wall Wall
	day  time.Duration

	mu      sync.Mutex
	queue   timelineHeap // timelines with pending callbacks, by real due time of their next one
	seq     uint64
	wake    chan struct{} // nudges the loop when an earlier callback arrives
	done    chan struct{} // closed by Stop
	running bool          // loop goroutine started
	stopped bool
	loopWG  sync.WaitGroup
}

// New returns a clock on real time shifted so that it reads start now (a
// zero start means unshifted real time), where one world day passes in day
// of real time on a busy timeline. day <= 0 means no compression.
func New(start time.Time, day time.Duration) *Clock {
	var off time.Duration
	if !start.IsZero() {
		off = time.Until(start)
	}
	return NewWall(shifted{off}, day)
}

// NewWall is New on a given wall clock, such as a Fake.
func NewWall(wall Wall, day time.Duration) *Clock {
	if day <= 0 {
		day = worldDay
	}
	return &Clock{
		wall: wall,
		day:  day,
		wake: make(chan struct{}, 1),
		done: make(chan struct{}),
	}
}

// Day is the real duration of one world day on a busy timeline.
func (c *Clock) Day() time.Duration { return c.day }

// Now is the current real (wall) time, in Vietnam time: what a system
// without a timeline of its own, or a new dossier, takes as "now".
func (c *Clock) Now() time.Time { return c.wall.Now().In(vocab.Vietnam) }

// Timeline starts a timeline whose world time is at now (a zero at means
// c.Now()). A dossier gets one at submission.
func (c *Clock) Timeline(at time.Time) *Timeline {
	wall := c.wall.Now()
	if at.IsZero() {
		at = wall
	}
	return &Timeline{c: c, world: at.In(vocab.Vietnam), wall: wall, index: -1}
}

// Timeline is one thread of world time, such as a dossier's. Its world time
// never goes backwards. While callbacks are pending it advances one world
// day per Clock.Day of real time, but never beyond its earliest pending
// callback; while none is pending it advances at real rate.
type Timeline struct {
	c *Clock
	// Guarded by c.mu.
	world   time.Time // world time at wall: the anchor, moved on every change
	wall    time.Time
	pending timerHeap // by world time, then scheduling order
	due     time.Time // real time the earliest pending callback is due
	index   int       // position in c.queue, -1 when not queued
}

// Now is the timeline's current world time, in Vietnam time.
func (tl *Timeline) Now() time.Time {
	tl.c.mu.Lock()
	defer tl.c.mu.Unlock()
	return tl.nowAt(tl.c.wall.Now())
}

// nowAt is the world time at real time wall. The caller holds c.mu.
func (tl *Timeline) nowAt(wall time.Time) time.Time {
	elapsed := max(wall.Sub(tl.wall), 0)
	if len(tl.pending) == 0 {
		return tl.world.Add(elapsed)
	}
	t := tl.world.Add(scale(elapsed, worldDay, tl.c.day))
	if next := tl.pending[0].at; t.After(next) {
		t = next // the world waits for its next event to happen
	}
	if t.Before(tl.world) {
		t = tl.world
	}
	return t
}

// rebase moves the anchor to the present, before the rate or the next
// event changes. The caller holds c.mu.
func (tl *Timeline) rebase(wall time.Time) {
	tl.world, tl.wall = tl.nowAt(wall), wall
}

// AfterFunc runs f once the timeline reaches world time at; the timeline
// runs compressed until then. Callbacks of all timelines run one at a time
// on the clock's goroutine, a timeline's in order of world time (ties in
// order of scheduling), so they should be quick and must not call Stop.
// The returned stop cancels the call and reports whether it did so.
func (tl *Timeline) AfterFunc(at time.Time, f func()) (stop func() bool) {
	c := tl.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return func() bool { return false }
	}
	tl.rebase(c.wall.Now())
	c.seq++
	t := &timer{at: at, seq: c.seq, f: f}
	heap.Push(&tl.pending, t)
	c.requeue(tl)
	if !c.running {
		c.running = true
		c.loopWG.Add(1)
		go c.loop()
	} else if tl.index == 0 {
		c.nudge()
	}
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if t.index < 0 {
			return false
		}
		tl.rebase(c.wall.Now())
		heap.Remove(&tl.pending, t.index)
		c.requeue(tl)
		return true
	}
}

// requeue places tl in the clock's queue by the real due time of its
// earliest callback, or takes it out when it has none. The caller holds
// c.mu and has just rebased tl.
func (c *Clock) requeue(tl *Timeline) {
	if len(tl.pending) == 0 {
		if tl.index >= 0 {
			heap.Remove(&c.queue, tl.index)
		}
		return
	}
	tl.due = tl.wall.Add(scaleUp(tl.pending[0].at.Sub(tl.world), c.day, worldDay))
	if tl.index < 0 {
		heap.Push(&c.queue, tl)
	} else {
		heap.Fix(&c.queue, tl.index)
	}
}

// Stop cancels every pending callback and waits for a running one to
// return. Later AfterFunc calls do nothing; timelines go on at real rate.
func (c *Clock) Stop() {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.stopped = true
	now := c.wall.Now()
	for _, tl := range c.queue {
		tl.rebase(now)
		for _, t := range tl.pending {
			t.index = -1
		}
		tl.pending, tl.index = nil, -1
	}
	c.queue = nil
	close(c.done)
	c.mu.Unlock()
	c.loopWG.Wait()
}

func (c *Clock) nudge() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// loop sleeps until the earliest callback is due and runs it.
func (c *Clock) loop() {
	defer c.loopWG.Done()
	for {
		c.mu.Lock()
		if c.stopped {
			c.mu.Unlock()
			return
		}
		if len(c.queue) == 0 {
			c.mu.Unlock()
			select {
			case <-c.wake:
				continue
			case <-c.done:
				return
			}
		}
		tl := c.queue[0]
		now := c.wall.Now()
		d := tl.due.Sub(now)
		if d <= 0 {
			world := tl.nowAt(now) // the callback's time: the world has waited for it
			next := heap.Pop(&tl.pending).(*timer)
			tl.world, tl.wall = world, now
			if tl.world.Before(next.at) {
				tl.world = next.at
			}
			c.requeue(tl)
			c.mu.Unlock()
			next.f()
			continue
		}
		c.mu.Unlock()
		tm := time.NewTimer(d)
		select {
		case <-tm.C:
		case <-c.wake:
			tm.Stop()
		case <-c.done:
			tm.Stop()
			return
		}
	}
}

// scale returns d*num/den rounded down, scaleUp rounded up, without
// overflowing int64 on the way (128-bit product), saturating at the largest
// duration; zero for d <= 0. Exact integer arithmetic keeps Now monotonic,
// and rounding the real due time up means a callback never sees its
// timeline short of its world time.
func scale(d, num, den time.Duration) time.Duration   { return muldiv(d, num, den, false) }
func scaleUp(d, num, den time.Duration) time.Duration { return muldiv(d, num, den, true) }

func muldiv(d, num, den time.Duration, up bool) time.Duration {
	if d <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(d), uint64(num))
	if hi >= uint64(den) {
		return math.MaxInt64
	}
	q, r := bits.Div64(hi, lo, uint64(den))
	if up && r > 0 {
		q++
	}
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(q)
}

type timer struct {
	at    time.Time
	seq   uint64
	f     func()
	index int // position in its timeline's heap, -1 once removed
}

type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].at.Equal(h[j].at) {
		return h[i].seq < h[j].seq
	}
	return h[i].at.Before(h[j].at)
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}

// timelineHeap orders busy timelines by the real due time of their next
// callback, ties in scheduling order.
type timelineHeap []*Timeline

func (h timelineHeap) Len() int { return len(h) }
func (h timelineHeap) Less(i, j int) bool {
	if h[i].due.Equal(h[j].due) {
		return h[i].pending[0].seq < h[j].pending[0].seq
	}
	return h[i].due.Before(h[j].due)
}
func (h timelineHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timelineHeap) Push(x any) {
	tl := x.(*Timeline)
	tl.index = len(*h)
	*h = append(*h, tl)
}
func (h *timelineHeap) Pop() any {
	old := *h
	tl := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	tl.index = -1
	return tl
}
