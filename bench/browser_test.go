package bench

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/mocks/world"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/suites/framework/browser"
)

// flowEnv is what every flow shares. It is started once, outside the timer:
// a flow in the suites also runs in an already running world and browser.
type flowEnv struct {
	services   []fixtures.Service
	br         *browser.Browser
	portal     string // the province portal's base URL
	profile    *fixtures.PortalProfile
	applicants []*citizens.Citizen
	next       int           // the next applicant: every flow logs in as another citizen
	result     time.Duration // how long a dossier may take to be delivered
}

// BenchmarkBrowserFlow times one citizen's whole flow in Chromium per
// catalog service, as the browser e2e spec clicks it, in a fresh tab.
func BenchmarkBrowserFlow(b *testing.B) {
	env := startFlowEnv(b)
	services := env.services
	// One untimed flow first: the first tab of a fresh Chromium pays for
	// warming its caches, which would otherwise be charged to DV01.
	if err := env.flow(b.Context(), services[0]); err != nil {
		b.Fatalf("warm-up flow: %v", err)
	}
	for _, svc := range services {
		b.Run(svc.ID, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				if err := env.flow(b.Context(), svc); err != nil {
					b.Fatalf("%s: %v", svc.ID, err)
				}
				took = append(took, time.Since(start))
			}
			b.ReportMetric(float64(median(took))/float64(time.Millisecond), "median-ms/flow")
			b.ReportMetric(treePSSMB(env.br.PID()), "chromium-pss-MB")
		})
	}
}

// startFlowEnv starts the mock world of the default target (its seed and
// province, as `make run` does) and one Chromium; both close at the end.
func startFlowEnv(b *testing.B) *flowEnv {
	cat, err := fixtures.Load()
	if err != nil {
		b.Fatal(err)
	}
	target, err := fixtures.DefaultTarget(cat)
	if err != nil {
		b.Fatal(err)
	}
	profile, err := fixtures.DefaultPortalProfile()
	if err != nil {
		b.Fatal(err)
	}
	br, err := browser.Start(b.Context(), browser.Options{RemoteURL: os.Getenv(browser.RemoteURLEnv)})
	if errors.Is(err, browser.ErrNoChromium) {
		b.Skipf("browser benchmarks need Chromium: %v", err)
	} else if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { br.Close() })
	w, err := world.Start(world.Options{Seed: target.Seed, Catalog: cat})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { w.Close() })
	applicants := w.Citizens.Applicants(target.Province)
	if len(applicants) == 0 {
		b.Fatalf("no applicants in province %s", target.Province)
	}
	return &flowEnv{services: cat.Services, br: br, portal: w.URLs(target.Province).Portal,
		profile: profile, applicants: applicants, result: target.Timeouts.Result}
}

// flow is the citizen flow of suites/services/browser.go without its
// checks (those are the suites' job): it fails only when a step fails.
func (e *flowEnv) flow(ctx context.Context, svc fixtures.Service) error {
	c := e.applicants[e.next%len(e.applicants)]
	e.next++
	tab, err := e.br.NewTab(ctx)
	if err != nil {
		return err
	}
	defer tab.Close() // inside the timed flow, as in a spec
	p := &browser.Portal{Tab: tab, Base: e.portal, P: e.profile}
	steps := []func() error{
		p.Home,
		func() error { return p.Login(c.PersonalID, c.Password) },
		func() error { return p.Search(svc.NameVI) },
		func() error { return p.OpenService(svc.ID) },
		p.StartDossier,
		func() error { return fillAndAttach(p, svc) },
		p.Review,
		p.Submit,
		func() error {
			if svc.FeeVND > 0 {
				return p.Pay()
			}
			return nil
		},
		func() error { return p.WaitStatus("delivered", e.result) },
		p.OpenResult,
		func() error {
			raw, err := p.SignedResult()
			if err == nil && !bytes.HasPrefix(raw, []byte("%PDF-")) {
				err = errors.New("the signed result is not a PDF")
			}
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// fillAndAttach types the fields the portal does not prefill (with the
// catalog's examples) and attaches the required documents.
func fillAndAttach(p *browser.Portal, svc fixtures.Service) error {
	for _, fd := range svc.Form {
		if fd.PrefillFrom == "" && fd.Example != "" {
			if err := p.FillField(fd, fd.Example); err != nil {
				return err
			}
		}
	}
	for _, a := range svc.Attachments {
		if a.Required {
			name, data := framework.SampleFile(a.MimeTypes[0])
			if err := p.Attach(a.Type, name, a.MimeTypes[0], data); err != nil {
				return err
			}
		}
	}
	return nil
}

// median of the iterations' durations: unlike ns/op (the mean), one slow
// outlier (a GC pause, a busy neighbour) does not move it.
func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
