package redact

import "sync"

// textMemo remembers what Masker.text made of a string, for as long as
// the masker's known values are those it was computed with.
type textMemo struct {
	mu      sync.Mutex
	version int
	m       map[string]string
}

const (
	memoMaxEntries = 1 << 15
	memoMaxLen     = 1 << 10 // longer strings (bodies) are rarely seen twice; at most ~32 MB kept
)

func newTextMemo() *textMemo { return &textMemo{m: map[string]string{}} }

func (t *textMemo) get(s string, version int) (string, bool) {
	if t == nil || len(s) > memoMaxLen {
		return "", false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.version != version {
		return "", false
	}
	out, ok := t.m[s]
	return out, ok
}

func (t *textMemo) put(s string, version int, out string) {
	if t == nil || len(s) > memoMaxLen {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.version != version || len(t.m) >= memoMaxEntries {
		// The known values grew (or the memo is full): start again.
		t.m, t.version = map[string]string{}, version
	}
	t.m[s] = out
}
