// Package clock is the mock world's shared, compressed clock. Real working
// days cannot pass during a test run, so world time runs faster than real
// time: one world day lasts a configurable real duration (e.g. 10 ms).
// Every mock that schedules something in world time (the portal's officers)
// uses one Clock, so the systems agree on "now".
package clock

import (
	"container/heap"
	"math"
	"math/bits"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
)

const worldDay = 24 * time.Hour

// Clock maps real elapsed time onto world time and runs callbacks at world
// times. The zero value is not usable; call New.
type Clock struct {
	start     time.Time // world time at realStart
	realStart time.Time // carries the monotonic reading
	day       time.Duration

	mu      sync.Mutex
	timers  timerHeap
	seq     uint64
	wake    chan struct{} // nudges the loop when an earlier timer arrives
	done    chan struct{} // closed by Stop
	running bool          // loop goroutine started
	stopped bool
	loopWG  sync.WaitGroup
}

// New returns a clock whose world time is start now and advances by one
// world day per real duration day. day <= 0 means real time (no
// compression). A zero start means the current real time.
func New(start time.Time, day time.Duration) *Clock {
	if start.IsZero() {
		start = time.Now()
	}
	if day <= 0 {
		day = worldDay
	}
	return &Clock{
		start:     start.In(fixtures.VietnamTZ),
		realStart: time.Now(),
		day:       day,
		wake:      make(chan struct{}, 1),
		done:      make(chan struct{}),
	}
}

// Day is the real duration of one world day.
func (c *Clock) Day() time.Duration { return c.day }

// Now is the current world time, in Vietnam time. It never goes backwards
// because it is derived from the monotonic real clock.
func (c *Clock) Now() time.Time {
	return c.start.Add(scale(time.Since(c.realStart), worldDay, c.day))
}

// RealDelay is how long, in real time, until the world reaches t; zero when
// t is already past.
func (c *Clock) RealDelay(t time.Time) time.Duration {
	d := t.Sub(c.Now())
	if d <= 0 {
		return 0
	}
	return scale(d, c.day, worldDay)
}

// scale returns d*num/den without overflowing int64 on the way (128-bit
// product), saturating at the largest duration. Exact integer arithmetic
// keeps Now monotonic.
func scale(d, num, den time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(d), uint64(num))
	if hi >= uint64(den) {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, uint64(den))
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(q)
}

// AfterFunc runs f once the world reaches at. Callbacks run one at a time,
// in order of their world time (ties in order of scheduling), on the
// clock's own goroutine, so they should be quick and must not call Stop.
// The returned stop cancels the call and reports whether it did so.
func (c *Clock) AfterFunc(at time.Time, f func()) (stop func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return func() bool { return false }
	}
	c.seq++
	t := &timer{at: at, seq: c.seq, f: f}
	heap.Push(&c.timers, t)
	if !c.running {
		c.running = true
		c.loopWG.Add(1)
		go c.loop()
	} else if t.index == 0 {
		c.nudge()
	}
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if t.index < 0 {
			return false
		}
		heap.Remove(&c.timers, t.index)
		return true
	}
}

// Stop cancels every pending callback and waits for a running one to
// return. Later AfterFunc calls do nothing.
func (c *Clock) Stop() {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.stopped = true
	for _, t := range c.timers {
		t.index = -1
	}
	c.timers = nil
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

// loop sleeps until the earliest timer is due and runs it.
func (c *Clock) loop() {
	defer c.loopWG.Done()
	for {
		c.mu.Lock()
		if c.stopped {
			c.mu.Unlock()
			return
		}
		if len(c.timers) == 0 {
			c.mu.Unlock()
			select {
			case <-c.wake:
				continue
			case <-c.done:
				return
			}
		}
		next := c.timers[0]
		d := c.RealDelay(next.at)
		if d <= 0 {
			heap.Pop(&c.timers)
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

type timer struct {
	at    time.Time
	seq   uint64
	f     func()
	index int // position in the heap, -1 once removed
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
