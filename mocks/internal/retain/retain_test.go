package retain

import (
	"slices"
	"testing"
)

func TestLogKeepsTheNewest(t *testing.T) {
	l := NewLog[int](3)
	for i := range 10 {
		l.Add(i)
	}
	if got := l.All(); !slices.Equal(got, []int{7, 8, 9}) || l.Len() != 3 || l.Evicted() != 7 {
		t.Errorf("All %v, Len %d, Evicted %d; want [7 8 9], 3, 7", got, l.Len(), l.Evicted())
	}
	var seen []int
	l.Each(func(v int) bool { seen = append(seen, v); return v < 8 })
	if !slices.Equal(seen, []int{7, 8}) {
		t.Errorf("Each saw %v, want [7 8]", seen)
	}
	short := NewLog[int](5)
	short.Add(1)
	short.Add(2)
	if got := short.All(); !slices.Equal(got, []int{1, 2}) || short.Evicted() != 0 {
		t.Errorf("short log: %v, evicted %d", got, short.Evicted())
	}
}

func TestOrderEvictsOldestButNotInUse(t *testing.T) {
	m := map[int]bool{} // value: in use
	var o Order[int]
	live := func(k int) bool { _, ok := m[k]; return ok }
	evict := func(k int) int {
		if m[k] {
			return 0
		}
		delete(m, k)
		return 1
	}
	for i := range 10 {
		m[i] = i == 1 // 1 is in use
		o.Add(i)
		o.Trim(len(m), 4, live, evict)
	}
	var keys []int
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []int{1, 7, 8, 9}) || o.Evicted() != 6 {
		t.Errorf("kept %v, evicted %d; want [1 7 8 9], 6", keys, o.Evicted())
	}
	// Keys the map drops by itself are forgotten once they pile up.
	for i := 10; i < 1000; i++ {
		m[i] = false
		o.Add(i)
		delete(m, i)
		o.Trim(len(m), 4, live, evict)
	}
	if o.Len() > 2*len(m)+64 {
		t.Errorf("order holds %d keys for a map of %d", o.Len(), len(m))
	}
}
