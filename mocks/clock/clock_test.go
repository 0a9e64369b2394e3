package clock

import (
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
)

var start = time.Date(2026, 3, 2, 8, 0, 0, 0, fixtures.VietnamTZ)

func TestNowIsMonotonicAndInVietnamTime(t *testing.T) {
	c := New(start, 10*time.Millisecond)
	prev := c.Now()
	if prev.Before(start) {
		t.Fatalf("Now() = %v before start %v", prev, start)
	}
	if _, off := prev.Zone(); off != 7*3600 {
		t.Fatalf("Now() zone offset = %d, want +7h", off)
	}
	for range 10000 {
		now := c.Now()
		if now.Before(prev) {
			t.Fatalf("Now() went backwards: %v after %v", now, prev)
		}
		prev = now
	}
}

func TestCompressionFactor(t *testing.T) {
	c := New(start, 10*time.Millisecond) // one world day per 10 ms
	time.Sleep(50 * time.Millisecond)
	elapsed := c.Now().Sub(start)
	// 50 ms real = 5 world days; allow scheduling slack upwards.
	if elapsed < 5*24*time.Hour || elapsed > 30*24*time.Hour {
		t.Fatalf("after 50ms the world advanced %v, want about 5 days", elapsed)
	}
	d := c.RealDelay(c.Now().Add(24 * time.Hour))
	if d <= 0 || d > 10*time.Millisecond {
		t.Fatalf("RealDelay(one world day ahead) = %v, want (0, 10ms]", d)
	}
	if d := c.RealDelay(start.Add(-time.Hour)); d != 0 {
		t.Fatalf("RealDelay(past) = %v, want 0", d)
	}
}

func TestRealTimeWhenDayIsZero(t *testing.T) {
	c := New(time.Time{}, 0)
	if diff := c.Now().Sub(time.Now()); diff > time.Second || diff < -time.Second {
		t.Fatalf("real-time clock is %v off real time", diff)
	}
	if d := c.RealDelay(c.Now().Add(time.Hour)); d < 59*time.Minute || d > time.Hour {
		t.Fatalf("RealDelay(+1h) on a real-time clock = %v", d)
	}
}

func TestScaleDoesNotOverflow(t *testing.T) {
	if got := scale(1000*time.Hour, 24*time.Hour, time.Millisecond); got <= 0 {
		t.Fatalf("scale overflowed to %v", got)
	}
	if got := scale(3*time.Millisecond, 24*time.Hour, 2*time.Millisecond); got != 36*time.Hour {
		t.Fatalf("scale(3ms) at 2ms/day = %v, want 36h", got)
	}
}

func TestAfterFuncFiresInWorldOrder(t *testing.T) {
	c := New(start, 20*time.Millisecond)
	defer c.Stop()
	var mu sync.Mutex
	var got []int
	done := make(chan struct{})
	base := c.Now()
	// Scheduled out of order, and two at the same instant (scheduling order wins).
	for _, n := range []int{3, 1, 2, 4, 5} {
		at := base.Add(time.Duration(n) * 3 * time.Hour)
		if n == 5 {
			at = base.Add(12 * time.Hour) // same instant as 4
		}
		c.AfterFunc(at, func() {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, n)
			if len(got) == 5 {
				close(done)
			}
		})
	}
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("callbacks did not all fire")
	}
	want := []int{1, 2, 3, 4, 5}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("fired in order %v, want %v", got, want)
		}
	}
}

func TestAfterFuncDoesNotFireEarly(t *testing.T) {
	c := New(start, 20*time.Millisecond)
	defer c.Stop()
	at := c.Now().Add(36 * time.Hour)
	fired := make(chan time.Time, 1)
	c.AfterFunc(at, func() { fired <- c.Now() })
	select {
	case now := <-fired:
		if now.Before(at) {
			t.Fatalf("fired at world %v, before %v", now, at)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("did not fire")
	}
}

func TestStopFuncAndStopCancel(t *testing.T) {
	c := New(start, 10*time.Millisecond)
	var mu sync.Mutex
	fired := map[string]bool{}
	mark := func(name string) func() {
		return func() { mu.Lock(); fired[name] = true; mu.Unlock() }
	}
	stopOne := c.AfterFunc(c.Now().Add(24*time.Hour), mark("cancelled"))
	if !stopOne() {
		t.Fatal("stop of a pending callback returned false")
	}
	if stopOne() {
		t.Fatal("second stop returned true")
	}
	c.AfterFunc(c.Now().Add(1000*24*time.Hour), mark("pending at Stop"))
	due := make(chan struct{})
	c.AfterFunc(c.Now().Add(time.Hour), func() { mark("due")(); close(due) })
	select {
	case <-due:
	case <-time.After(2 * time.Second):
		t.Fatal("callback due before Stop did not fire")
	}
	c.Stop() // returns once the loop goroutine is gone: nothing can fire after it
	c.AfterFunc(c.Now(), mark("after Stop"))
	time.Sleep(20 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if !fired["due"] {
		t.Error("callback due before Stop did not fire")
	}
	for _, name := range []string{"cancelled", "pending at Stop", "after Stop"} {
		if fired[name] {
			t.Errorf("callback %q fired", name)
		}
	}
}
