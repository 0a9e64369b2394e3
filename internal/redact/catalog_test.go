package redact_test

import (
	"testing"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
)

// TestCatalogTextsStay: the words reports are made of — service, agency,
// database, province, field, option, attachment and result names — are
// never taken for personal data, so masking keeps reports readable.
func TestCatalogTextsStay(t *testing.T) {
	cat, err := fixtures.Load()
	if err != nil {
		t.Fatal(err)
	}
	m := redact.NewMasker()
	var texts []string
	for _, a := range cat.Agencies {
		texts = append(texts, a.NameVI, a.NameEN)
	}
	for _, p := range cat.Provinces {
		texts = append(texts, p.NameVI, p.NameEN)
	}
	for _, d := range cat.Databases {
		texts = append(texts, d.NameVI, d.NameEN)
	}
	for _, s := range cat.Services {
		texts = append(texts, s.ID+" "+s.NameVI, s.NameEN, s.Result.NameVI, s.Result.NameEN)
		for _, f := range s.Form {
			texts = append(texts, f.Name, f.LabelVI, f.LabelEN)
			texts = append(texts, f.Options...)
		}
		for _, a := range s.Attachments {
			texts = append(texts, a.NameVI, a.NameEN)
		}
		for _, c := range s.Chain {
			texts = append(texts, c.NameVI, c.NameEN)
		}
	}
	for _, s := range texts {
		if got := m.Text(s); got != s {
			t.Errorf("catalog text masked: %q → %q", s, got)
		}
	}
	t.Logf("%d catalog texts kept", len(texts))
}
