package browser

import (
	"os"
	"strings"

	"context"
	"github.com/chromedp/chromedp"
	"slices"
	"testing"
	"time"
)

// BenchmarkTabCycle is a spec's browser overhead: open a tab (own browser
// context), load a small page, close the tab.
func BenchmarkTabCycle(b *testing.B) {
	br, err := Start(context.Background(), Options{})
	if err != nil {
		b.Skip(err)
	}
	defer br.Close()
	srv, _ := testServer(b)
	var open, load, closing []time.Duration
	for b.Loop() {
		start := time.Now()
		tab, err := br.NewTab(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		opened := time.Now()
		if err := tab.Navigate(srv.URL + "/form"); err != nil {
			b.Fatal(err)
		}
		loaded := time.Now()
		tab.Close()
		open, load, closing = append(open, opened.Sub(start)), append(load, loaded.Sub(opened)), append(closing, time.Since(loaded))
	}
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"open", open}, {"load", load}, {"close", closing}} {
		slices.Sort(m.d)
		b.ReportMetric(float64(m.d[len(m.d)/2])/float64(time.Millisecond), "median-ms/"+m.name)
	}
}

func init() {
	// DVCQA_AB_FLAGS=name,name… keeps only those of lowMemoryFlags (A/B).
	if v, ok := os.LookupEnv("DVCQA_AB_FLAGS"); ok {
		flagsOff = func() []chromedp.ExecAllocatorOption {
			var out []chromedp.ExecAllocatorOption
			for _, f := range strings.Split(v, ",") {
				switch f {
				case "":
				case "disable-features":
					out = append(out, chromedp.Flag(f, disabledFeatures))
				default:
					out = append(out, chromedp.Flag(f, true))
				}
			}
			return out
		}
	}
}
