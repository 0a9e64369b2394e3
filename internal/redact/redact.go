// Package redact masks personal data and secrets in text and in bodies.
// Every report writer, the suites' failure messages, HTTP excerpts and
// pages, and the console of `dvcqa run` go through it.
//
// Masking is structural, not a list of known people: a value is personal by
// the key it stands under (HoTenMe, ngay_sinh, SoDienThoai, address, …, in
// any casing — see KeyKind) or by its shape (a family name and two to four
// capitalised words, an address with a house number or an administrative
// unit, a bare date, a phone number, an e-mail, a plate, a 9–12-digit
// number). Values a run has read (Known) and the test citizens' names are
// masked wherever they appear. Protocol values stay readable: timestamps
// with a time, dossier codes, amounts, status codes, field names.
package redact

import (
	"regexp"
	"strings"
)

// Personal IDs are 12 digits, old ID cards 9, tax codes, insurance and
// phone numbers 10; all are masked where they stand alone — but not after a
// '.', where nine digits are the nanoseconds of a timestamp. JWTs (three
// base64url parts starting eyJ) are cut entirely.
var (
	idRe  = regexp.MustCompile(`(^|[^0-9.])([0-9]{9,12})([^0-9]|$)`)
	jwtRe = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`)
)

// ID masks one personal ID: the first 3 digits (province of birth) and the
// last 2 stay, so a QA engineer can still tell test citizens apart.
func ID(id string) string {
	if len(id) < 6 {
		return strings.Repeat("*", len(id))
	}
	return id[:3] + strings.Repeat("*", len(id)-5) + id[len(id)-2:]
}

// Masker masks IDs, tokens, known secret values, known names and personal
// values found by shape (names, addresses, dates, phones, e-mails) or by
// the key they stand under ("HoTenMe": "…", SoDienThoai=…).
type Masker struct {
	words []string // old, new pairs
	r     *strings.Replacer
	known *Known
	cache *knownCache
	memo  *textMemo
}

// NewMasker returns a masker that also removes the given secret values
// (passwords, client secrets) wherever they appear.
func NewMasker(secrets ...string) *Masker {
	m := &Masker{cache: &knownCache{}, memo: newTextMemo()}
	for _, s := range secrets {
		if len(s) >= 4 {
			m.words = append(m.words, s, "[secret]")
		}
	}
	m.r = strings.NewReplacer(m.words...)
	return m
}

// WithNames returns a masker that also replaces these personal names (of
// test citizens) by a placeholder; names of fewer than two words are kept,
// they would mask ordinary words.
func (m *Masker) WithNames(names ...string) *Masker {
	out := &Masker{words: append([]string(nil), m.words...), known: m.known, cache: &knownCache{}, memo: newTextMemo()}
	for _, n := range names {
		if strings.Count(strings.TrimSpace(n), " ") >= 1 {
			out.words = append(out.words, n, mark(KindName, n))
		}
	}
	out.r = strings.NewReplacer(out.words...)
	return out
}

// WithKnown returns a masker that also replaces the values of k (which may
// grow while the masker is in use).
func (m *Masker) WithKnown(k *Known) *Masker {
	return &Masker{words: m.words, r: m.r, known: k, cache: &knownCache{}, memo: newTextMemo()}
}

// Text masks s.
func (m *Masker) Text(s string) string { return unmark(m.text(s)) }

// text masks s, leaving markers (see mark) for the caller to turn into
// placeholders once the whole body is masked.
func (m *Masker) text(s string) string {
	if s == "" {
		return s
	}
	// A report repeats the same strings thousands of times (spec texts,
	// locations, report entries of 34 provinces): each is masked once per
	// state of the known values.
	version := m.known.Version()
	if out, ok := m.memo.get(s, version); ok {
		return out
	}
	out := m.mask(s)
	m.memo.put(s, version, out)
	return out
}

func (m *Masker) mask(s string) string {
	if m.r != nil {
		s = m.r.Replace(s)
	}
	if m.known != nil && m.cache != nil {
		s = m.known.replacer(m.cache).Replace(s)
	}
	s = jwtRe.ReplaceAllString(s, "[token]")
	s = maskKeyed(s)
	s = maskShapes(s)
	return maskIDs(s)
}

// maskIDs masks 9- to 12-digit numbers (personal IDs, old ID cards, tax
// and insurance numbers, licences), except under a protocol key
// (random_seed=1796114861).
func maskIDs(s string) string {
	return replaceGroupUnless(s, idRe, func(s string, from, _ int) bool { return underProtocolKey(s[:from]) }, ID)
}
