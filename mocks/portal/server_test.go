package portal

import (
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/vocab"
)

func TestNewChecksOptions(t *testing.T) {
	good := Options{BaseURL: "http://p.test", Province: testProvince, Catalog: testCatalog(), SSOIssuer: issuer}
	for name, mutate := range map[string]func(*Options){
		"BaseURL":   func(o *Options) { o.BaseURL = "" },
		"Province":  func(o *Options) { o.Province = fixtures.Province{} },
		"Catalog":   func(o *Options) { o.Catalog = nil },
		"SSOIssuer": func(o *Options) { o.SSOIssuer = "" },
	} {
		o := good
		mutate(&o)
		if _, err := New(o); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("without %s: %v", name, err)
		}
	}
	s, err := New(good)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.signer == nil || s.clock == nil || len(s.opts.Audiences) != 2 {
		t.Fatal("defaults not filled in")
	}
}

func TestCalendarDefaultsToTheCatalogs(t *testing.T) {
	cat := testCatalog()
	cat.Calendar = fixtures.Calendar{Holidays: []string{"2026-04-30", "2026-05-01"}} // data only: the portal counts with its own calendar
	s, err := New(Options{BaseURL: "http://p.test", Province: testProvince, Catalog: cat, SSOIssuer: issuer})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	wed := time.Date(2026, 4, 29, 10, 0, 0, 0, vocab.Vietnam)
	want := time.Date(2026, 5, 4, 17, 0, 0, 0, vocab.Vietnam) // Thu, Fri holidays; then the weekend
	if got := s.opts.Calendar.AddWorkingDays(wed, 1); !got.Equal(want) {
		t.Fatalf("appointment %v, want %v", got, want)
	}
}
