package framework

import (
	"crypto/sha256"
	"sync"

	"github.com/dvcqa/dvcqa/suites/framework/pii"
)

// learnOnce teaches the pii set a body's personal values, once per distinct
// body: the same answers (a portal's service list, a province's catalog)
// come back on every spec, and learning walks every string through the
// shape rules.
func learnOnce(body []byte) {
	sum := sha256.Sum256(body)
	learnt.mu.Lock()
	seen := learnt.sums[sum]
	learnt.mu.Unlock()
	if seen {
		return
	}
	// Marked only once learnt, so no caller skips a body still being read.
	pii.Learn(body)
	learnt.mu.Lock()
	if len(learnt.sums) >= maxLearnt {
		learnt.sums = map[[32]byte]bool{} // forget: learning again is only slower
	}
	learnt.sums[sum] = true
	learnt.mu.Unlock()
}

const maxLearnt = 1 << 14

var learnt = struct {
	mu   sync.Mutex
	sums map[[32]byte]bool
}{sums: map[[32]byte]bool{}}
