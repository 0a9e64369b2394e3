// Package retain keeps a mock's history within a bound: a mock left running
// for days by a QA team must not grow without end (issue 11: 56 MB to
// 506 MB in 30 s of load, never given back). Log is a bounded list of
// entries (request logs, audit logs); Order remembers a map's keys oldest
// first so the map can be held to a count, oldest first, skipping entries
// still in use. Neither locks: the owner's mutex guards them.
package retain

// Log is a list that keeps only its newest Max entries: a ring, so adding
// is O(1) and the memory of an evicted entry is released when its slot is
// reused. The zero value keeps nothing; make one with NewLog.
type Log[T any] struct {
	max     int
	buf     []T // grows to max, then wraps
	next    int // slot of the next entry once the ring is full
	evicted int
}

// NewLog keeps at most max entries (at least 1).
func NewLog[T any](limit int) *Log[T] { return &Log[T]{max: max(limit, 1)} }

// Add appends v, evicting the oldest entry when the log is full.
func (l *Log[T]) Add(v T) {
	if len(l.buf) < l.max {
		l.buf = append(l.buf, v)
		return
	}
	l.buf[l.next] = v
	l.next = (l.next + 1) % l.max
	l.evicted++
}

// All is a copy of the entries, oldest first.
func (l *Log[T]) All() []T {
	out := make([]T, 0, len(l.buf))
	out = append(out, l.buf[l.next:]...)
	return append(out, l.buf[:l.next]...)
}

// Each calls f on every entry, oldest first, until f returns false.
func (l *Log[T]) Each(f func(T) bool) {
	for i := range len(l.buf) {
		if !f(l.buf[(l.next+i)%len(l.buf)]) {
			return
		}
	}
}

// Len is the number of entries kept; Max the bound; Evicted how many were
// dropped since the start.
func (l *Log[T]) Len() int     { return len(l.buf) }
func (l *Log[T]) Max() int     { return l.max }
func (l *Log[T]) Evicted() int { return l.evicted }

// Order remembers the keys of a map in the order they were added, so that
// the map can be held to a count by evicting its oldest entries. Keys the
// map has dropped by itself (expired, taken) are forgotten as Trim walks
// past them, and at the latest when they outnumber the live ones.
type Order[K comparable] struct {
	keys    []K
	evicted int
}

// Add notes a new key, newest. Add each key once, when it enters the map.
func (o *Order[K]) Add(k K) { o.keys = append(o.keys, k) }

// Len is the number of keys noted (live or not yet forgotten).
func (o *Order[K]) Len() int { return len(o.keys) }

// Each calls f on every key noted, oldest first (some may be gone from the
// map), until f returns false.
func (o *Order[K]) Each(f func(K) bool) {
	for _, k := range o.keys {
		if !f(k) {
			return
		}
	}
}

// Evicted is how many entries Trim has evicted since the start.
func (o *Order[K]) Evicted() int { return o.evicted }

// Trim holds a map of size entries to max: it walks the keys oldest first,
// forgets those live reports gone, and while the map is over max asks
// evict to remove each: evict reports how many entries it removed (more
// than one when an entry takes others with it), 0 for an entry in use,
// which keeps its place. It returns how many were evicted. Walking stops once
// the map is within max, unless forgotten keys have piled up (more than
// twice the live ones), when it walks them all.
func (o *Order[K]) Trim(size, max int, live func(K) bool, evict func(K) int) int {
	sweep := len(o.keys) > 2*size+64
	if size <= max && !sweep {
		return 0
	}
	n := 0
	kept := o.keys[:0]
	i := 0
	for ; i < len(o.keys); i++ {
		if size <= max && !sweep {
			break
		}
		k := o.keys[i]
		if !live(k) {
			continue
		}
		if size > max {
			if gone := evict(k); gone > 0 {
				size -= gone
				n += gone
				continue
			}
		}
		kept = append(kept, k)
	}
	kept = append(kept, o.keys[i:]...)
	var zero K
	for j := len(kept); j < len(o.keys); j++ {
		o.keys[j] = zero // release what the dropped keys held
	}
	o.keys = kept
	if cap(o.keys) > 2*len(o.keys)+64 { // give a shrunk backing array back
		o.keys = append([]K(nil), o.keys...)
	}
	o.evicted += n
	return n
}
