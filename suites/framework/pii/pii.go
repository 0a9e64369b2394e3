// Package pii is what a suite process knows of personal data: every
// personal value it has read (records through the gateway, prefilled forms,
// dossiers), learnt structurally by key and shape, so that failure
// messages, HTTP excerpts and pages are masked also for a real target whose
// citizens the harness cannot know in advance. The framework and the
// browser both feed and read it; a Ginkgo process runs one spec at a time,
// but HTTP calls and the fail handler may run on other goroutines, hence
// the locking inside redact.Known.
package pii

import "github.com/dvcqa/dvcqa/internal/redact"

var (
	known  = redact.NewKnown()
	masker = redact.NewMasker().WithKnown(known)
)

// Learn records the personal values of a JSON body.
func Learn(body []byte) { known.Learn(body) }

// Add records one personal value of kind k.
func Add(k redact.Kind, v string) { known.Add(k, v) }

// Values are the personal values known so far, longest first.
func Values() []string { return known.Values() }

// Mask masks text with every rule and every known value.
func Mask(s string) string { return masker.Text(s) }

// Body masks a body by its content type (see redact.Masker.Body).
func Body(contentType string, body []byte) string { return masker.Body(contentType, body) }
