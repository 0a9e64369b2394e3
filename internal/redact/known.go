package redact

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Known is a set of personal values met during a run (records read through
// the gateway, prefilled forms, dossiers), each with its kind, so that a
// failure message or a page masks them wherever they appear, also where no
// shape rule would find them (a two-word name, a parcel code). It is safe
// for concurrent use.
type Known struct {
	mu      sync.Mutex
	values  map[string]Kind
	version int
}

// NewKnown returns an empty set.
func NewKnown() *Known { return &Known{values: map[string]Kind{}} }

// Add records a value of kind k. Values too short to be told from ordinary
// words or numbers (a given name alone, a parcel "412") are not kept: they
// would mask unrelated text.
func (k *Known) Add(kind Kind, v string) {
	v = strings.TrimSpace(v)
	if !kind.personal() || kind == KindBlob || masked(v) || !memorable(kind, v) {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.values[v]; !ok {
		k.values[v] = kind
		k.version++
	}
}

// memorable: the value is long enough and has the make-up of its kind, so
// that an odd field of a real portal (account_type: "personal") does not
// mask an ordinary word everywhere.
func memorable(kind Kind, v string) bool {
	n := utf8.RuneCountInString(v)
	digits := 0
	for _, r := range v {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	switch kind {
	case KindName:
		return n >= 5 && strings.Contains(v, " ") && strings.ContainsFunc(v, unicode.IsUpper)
	case KindBirthDate, KindDate:
		return n >= 8 && digits >= 6
	case KindAddress:
		return n >= 8 && strings.Contains(v, " ")
	case KindEmail:
		return strings.Contains(v, "@")
	case KindID, KindPhone:
		return n >= 6 && digits >= 5
	case KindPlate, KindParcel:
		return n >= 6 && digits >= 3
	}
	return false
}

// Learn records every personal value of a JSON body (by key, and by shape
// where the key says nothing). Bodies that are not JSON are ignored.
func (k *Known) Learn(body []byte) {
	walkJSON(body, func(kind Kind, v string) { k.Add(kind, v) })
}

// Version counts the changes to the set (0 for a nil set), so that what
// was masked with it can be remembered until it grows.
func (k *Known) Version() int {
	if k == nil {
		return 0
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.version
}

// Values returns the values, longest first (so a full name is replaced
// before a part of it).
func (k *Known) Values() []string {
	k.mu.Lock()
	out := make([]string, 0, len(k.values))
	for v := range k.values {
		out = append(out, v)
	}
	k.mu.Unlock()
	sortLongestFirst(out)
	return out
}

// Len is the number of values kept.
func (k *Known) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.values)
}

func sortLongestFirst(vs []string) {
	slices.SortFunc(vs, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
}

// replacer returns a replacer of the values by their placeholders, rebuilt
// only when the set changed since last.
func (k *Known) replacer(cache *knownCache) *strings.Replacer {
	k.mu.Lock()
	defer k.mu.Unlock()
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if cache.r != nil && cache.version == k.version {
		return cache.r
	}
	vs := make([]string, 0, len(k.values))
	for v := range k.values {
		vs = append(vs, v)
	}
	sortLongestFirst(vs)
	pairs := make([]string, 0, 2*len(vs))
	for _, v := range vs {
		pairs = append(pairs, v, mark(k.values[v], v))
	}
	cache.r, cache.version = strings.NewReplacer(pairs...), k.version
	return cache.r
}

type knownCache struct {
	mu      sync.Mutex
	r       *strings.Replacer
	version int
}
