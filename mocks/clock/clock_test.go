package clock

import (
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

var start = time.Date(2026, 3, 2, 8, 0, 0, 0, vocab.Vietnam)

// run schedules f at world time at on tl and waits for it, returning the
// timeline's time inside the callback.
func run(t *testing.T, tl *Timeline, at time.Time) time.Time {
	t.Helper()
	got := make(chan time.Time, 1)
	tl.AfterFunc(at, func() { got <- tl.Now() })
	select {
	case now := <-got:
		return now
	case <-time.After(5 * time.Second):
		t.Fatalf("callback at %v never ran", at)
		return time.Time{}
	}
}

func TestNowIsMonotonicAndInVietnamTime(t *testing.T) {
	c := New(start, 10*time.Millisecond)
	defer c.Stop()
	tl := c.Timeline(time.Time{})
	prev := tl.Now()
	if prev.Before(start) || prev.Sub(start) > time.Minute {
		t.Fatalf("a new timeline reads %v, want about %v", prev, start)
	}
	if _, off := prev.Zone(); off != 7*3600 {
		t.Fatalf("Now() zone offset = %d, want +7h", off)
	}
	if _, off := c.Now().Zone(); off != 7*3600 {
		t.Fatalf("clock Now() zone offset = %d, want +7h", off)
	}
	for i := range 10000 {
		switch i {
		case 100: // busy: compressed
			tl.AfterFunc(prev.Add(1000*worldDay), func() {})
		case 5000: // an earlier event must not pull the world back
			tl.AfterFunc(prev.Add(-worldDay), func() {})
		}
		now := tl.Now()
		if now.Before(prev) {
			t.Fatalf("Now() went backwards at %d: %v after %v", i, now, prev)
		}
		prev = now
	}
}

func TestCompressedOnlyWhileBusy(t *testing.T) {
	c := New(start, 10*time.Millisecond) // one world day per 10 ms
	defer c.Stop()
	idle := c.Timeline(start)
	busy := c.Timeline(start)
	stop := busy.AfterFunc(start.Add(1000*worldDay), func() {})
	time.Sleep(50 * time.Millisecond)
	if el := idle.Now().Sub(start); el < 50*time.Millisecond || el > time.Second {
		t.Errorf("an idle timeline advanced %v in 50ms, want real time", el)
	}
	// 50 ms real = 5 world days; allow scheduling slack upwards.
	if el := busy.Now().Sub(start); el < 5*worldDay || el > 30*worldDay {
		t.Errorf("a busy timeline advanced %v in 50ms, want about 5 days", el)
	}
	if !stop() {
		t.Fatal("stop of a pending callback returned false")
	}
	at := busy.Now()
	time.Sleep(20 * time.Millisecond)
	if el := busy.Now().Sub(at); el < 20*time.Millisecond || el > time.Second {
		t.Errorf("a timeline with nothing pending advanced %v in 20ms, want real time", el)
	}
}

func TestTimelineWaitsForItsNextEvent(t *testing.T) {
	fake := NewFake(start)
	c := NewWall(fake, 10*time.Millisecond)
	defer c.Stop()
	tl := c.Timeline(start)
	next := start.Add(3 * worldDay)
	release := make(chan struct{})
	tl.AfterFunc(start.Add(time.Hour), func() { <-release }) // holds the clock's goroutine
	tl.AfterFunc(next, func() {})
	time.Sleep(20 * time.Millisecond)
	fake.Advance(24 * time.Hour) // the process "sleeps" a day with officers at work
	if now := tl.Now(); now.After(next) {
		t.Errorf("timeline at %v ran past its next event %v", now, next)
	}
	close(release)
}

func TestRealTimeWhenDayIsZero(t *testing.T) {
	c := New(time.Time{}, 0)
	defer c.Stop()
	if diff := c.Now().Sub(time.Now()); diff > time.Second || diff < -time.Second {
		t.Fatalf("real-time clock is %v off real time", diff)
	}
	tl := c.Timeline(time.Time{})
	tl.AfterFunc(tl.Now().Add(time.Hour), func() {})
	time.Sleep(10 * time.Millisecond)
	if diff := tl.Now().Sub(time.Now()); diff > time.Second || diff < -time.Second {
		t.Fatalf("busy timeline on an uncompressed clock is %v off real time", diff)
	}
}

func TestScaleDoesNotOverflow(t *testing.T) {
	if got := scale(1000*time.Hour, 24*time.Hour, time.Millisecond); got <= 0 {
		t.Fatalf("scale overflowed to %v", got)
	}
	if got := scale(3*time.Millisecond, 24*time.Hour, 2*time.Millisecond); got != 36*time.Hour {
		t.Fatalf("scale(3ms) at 2ms/day = %v, want 36h", got)
	}
	if got, want := scaleUp(time.Second, 10*time.Millisecond, worldDay), time.Duration(116); got != want {
		t.Fatalf("scaleUp(1s) at 10ms/day = %v, want %v (rounded up)", got, want)
	}
}

func TestAfterFuncFiresInWorldOrder(t *testing.T) {
	c := New(start, 20*time.Millisecond)
	defer c.Stop()
	tl := c.Timeline(time.Time{})
	var mu sync.Mutex
	var got []int
	done := make(chan struct{})
	base := tl.Now()
	// Scheduled out of order, and two at the same instant (scheduling order wins).
	for _, n := range []int{3, 1, 2, 4, 5} {
		at := base.Add(time.Duration(n) * 3 * time.Hour)
		if n == 5 {
			at = base.Add(12 * time.Hour) // same instant as 4
		}
		tl.AfterFunc(at, func() {
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

func TestAfterFuncSeesItsWorldTime(t *testing.T) {
	c := New(start, 20*time.Millisecond)
	defer c.Stop()
	tl := c.Timeline(time.Time{})
	at := tl.Now().Add(36 * time.Hour)
	// Nothing else is pending: after its event the timeline follows real time.
	if now := run(t, tl, at); now.Before(at) || now.Sub(at) > time.Second {
		t.Fatalf("callback saw world %v, want %v", now, at)
	}
	if now := tl.Now(); now.Before(at) {
		t.Fatalf("after the callback the timeline reads %v, before %v", now, at)
	}
}

// TestTimelinesAreIndependent: each dossier's time is its own; a busy one
// does not move another.
func TestTimelinesAreIndependent(t *testing.T) {
	c := New(start, 10*time.Millisecond)
	defer c.Stop()
	a, b := c.Timeline(start), c.Timeline(start.Add(30*worldDay))
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string][]time.Time{}
	for i := 1; i <= 5; i++ {
		for name, tl := range map[string]*Timeline{"a": a, "b": b} {
			wg.Add(1)
			at := start.Add(time.Duration(i) * worldDay)
			if name == "b" {
				at = at.Add(30 * worldDay)
			}
			tl.AfterFunc(at, func() {
				defer wg.Done()
				mu.Lock()
				defer mu.Unlock()
				seen[name] = append(seen[name], tl.Now())
			})
		}
	}
	wg.Wait()
	for i := range 5 {
		// A callback sees at least its time, and at most the next event's.
		wantA := start.Add(time.Duration(i+1) * worldDay)
		if got := seen["a"][i]; got.Before(wantA) || got.After(wantA.Add(worldDay)) {
			t.Errorf("timeline a callback %d at %v, want %v", i, got, wantA)
		}
		if got, want := seen["b"][i], wantA.Add(30*worldDay); got.Before(want) || got.After(want.Add(worldDay)) {
			t.Errorf("timeline b callback %d at %v, want %v", i, got, want)
		}
	}
}

func TestStopFuncAndStopCancel(t *testing.T) {
	c := New(start, 10*time.Millisecond)
	tl := c.Timeline(time.Time{})
	var mu sync.Mutex
	fired := map[string]bool{}
	mark := func(name string) func() {
		return func() { mu.Lock(); fired[name] = true; mu.Unlock() }
	}
	stopOne := tl.AfterFunc(tl.Now().Add(24*time.Hour), mark("cancelled"))
	if !stopOne() {
		t.Fatal("stop of a pending callback returned false")
	}
	if stopOne() {
		t.Fatal("second stop returned true")
	}
	tl.AfterFunc(tl.Now().Add(1000*24*time.Hour), mark("pending at Stop"))
	due := make(chan struct{})
	c.Timeline(time.Time{}).AfterFunc(tl.Now().Add(time.Hour), func() { mark("due")(); close(due) })
	select {
	case <-due:
	case <-time.After(2 * time.Second):
		t.Fatal("callback due before Stop did not fire")
	}
	c.Stop() // returns once the loop goroutine is gone: nothing can fire after it
	tl.AfterFunc(tl.Now(), mark("after Stop"))
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

// TestFastForwardYears runs a 15-working-day schedule on a fresh timeline
// after the wall has been moved forward by 30 minutes, a week, a year and
// a century: processing still takes milliseconds and dates stay next to
// the wall's date, where the old single world clock had saturated.
func TestFastForwardYears(t *testing.T) {
	fake := NewFake(start)
	c := NewWall(fake, 10*time.Millisecond)
	defer c.Stop()
	for _, jump := range []time.Duration{30 * time.Minute, 7 * worldDay, 365 * worldDay, 100 * 365 * worldDay} {
		fake.Advance(jump)
		wall := c.Now()
		tl := c.Timeline(time.Time{})
		began := time.Now()
		deliver := tl.Now().Add(21 * worldDay)
		if now := run(t, tl, deliver); now.Before(deliver) || now.Sub(deliver) > time.Second {
			t.Fatalf("after +%v: delivered at %v, want %v", jump, now, deliver)
		}
		if el := time.Since(began); el > 2*time.Second {
			t.Errorf("after +%v: 21 world days took %v of real time", jump, el)
		}
		if d := deliver.Sub(wall); d < 21*worldDay || d > 22*worldDay {
			t.Errorf("after +%v: delivery %v is %v from the wall %v", jump, deliver, d, wall)
		}
	}
}
