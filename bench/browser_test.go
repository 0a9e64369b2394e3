package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
// catalog service, as the browser e2e spec clicks it, in a fresh tab, and
// measures the flow's physical floor (floor.go) in an untimed run after
// each timed one; it prints the medians and flow/floor.
func BenchmarkBrowserFlow(b *testing.B) {
	env := startFlowEnv(b)
	services := env.services
	// One untimed flow first: the first tab of a fresh Chromium pays for
	// warming its caches, which would otherwise be charged to DV01.
	if err := env.flow(b.Context(), services[0]); err != nil {
		b.Fatalf("warm-up flow: %v", err)
	}
	var flows, floors []time.Duration
	for _, svc := range services {
		b.Run(svc.ID, func(b *testing.B) {
			var took, loads, procs []time.Duration
			var pages int
			for b.Loop() {
				start := time.Now()
				if err := env.flow(b.Context(), svc); err != nil {
					b.Fatalf("%s: %v", svc.ID, err)
				}
				took = append(took, time.Since(start))
				// The floor pass in turn with the timed flow (flow, floor,
				// flow, floor …): a busy neighbour slows both alike.
				b.StopTimer()
				f, err := env.floorOf(b.Context(), svc)
				if err != nil {
					b.Fatalf("%s: floor: %v", svc.ID, err)
				}
				loads, procs, pages = append(loads, f.Loads), append(procs, f.Processing), f.Pages
				b.StartTimer()
			}
			f := floor{Loads: median(loads), Processing: median(procs), Pages: pages}
			m := median(took)
			flows, floors = append(flows, m), append(floors, f.total())
			b.ReportMetric(float64(m)/float64(time.Millisecond), "median-ms/flow")
			b.ReportMetric(float64(f.total())/float64(time.Millisecond), "floor-ms")
			b.ReportMetric(ratio(m, f.total()), "flow/floor")
			b.ReportMetric(treePSSMB(env.br.PID()), "chromium-pss-MB")
			figure("browser flow "+svc.ID, "flow median %s (%d runs) · floor %s (%d page loads, median %s + mock processing, median %s) · flow/floor %.2f",
				ms(m), len(took), ms(f.total()), f.Pages, ms(f.Loads), ms(f.Processing), ratio(m, f.total()))
		})
	}
	if len(flows) == len(services) {
		figure("browser flow vs floor (all services)", "sum of medians %s · sum of floors %s · flow/floor %.2f (aim ≤ 1.15) · median of per-service ratios %.2f",
			ms(sum(flows)), ms(sum(floors)), ratio(sum(flows), sum(floors)), medianRatio(flows, floors))
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
	_, err := e.run(ctx, svc, false)
	return err
}

// floorOf runs the same flow once more with the floor probe (floor.go):
// untimed, since the probe's own calls would be charged to the flow.
func (e *flowEnv) floorOf(ctx context.Context, svc fixtures.Service) (floor, error) {
	return e.run(ctx, svc, true)
}

type step struct {
	name string
	do   func() error
}

func (e *flowEnv) run(ctx context.Context, svc fixtures.Service, probing bool) (floor, error) {
	c := e.applicants[e.next%len(e.applicants)]
	e.next++
	tab, err := e.br.NewTab(ctx)
	if err != nil {
		return floor{}, err
	}
	defer tab.Close() // inside the timed flow, as in a spec
	var pr *probe
	if probing {
		if pr, err = newProbe(tab, e.profile.Pages.Dossier.StatusAttr, "delivered"); err != nil {
			return floor{}, err
		}
	}
	pollCtx, stopPolling := context.WithCancel(ctx)
	defer stopPolling()
	p := &browser.Portal{Tab: tab, Base: e.portal, P: e.profile}
	// The last citizen action before the officers' processing: the
	// payment, or the submit of a free service.
	lastAction := "submit"
	if svc.FeeVND > 0 {
		lastAction = "pay"
	}
	steps := []step{
		{"home", p.Home},
		{"login", func() error { return p.Login(c.PersonalID, c.Password) }},
		{"search", func() error { return p.Search(svc.NameVI) }},
		{"open service", func() error { return p.OpenService(svc.ID) }},
		{"start dossier", p.StartDossier},
		{"fill and attach", func() error { return fillAndAttach(p, svc) }},
		{"review", p.Review},
		{"submit", p.Submit},
		{"pay", func() error {
			if svc.FeeVND > 0 {
				return p.Pay()
			}
			return nil
		}},
		{"wait for delivered", func() error { return p.WaitStatus("delivered", e.result) }},
		{"open result", p.OpenResult},
		{"download result", func() error {
			raw, err := p.SignedResult()
			if err == nil && !bytes.HasPrefix(raw, []byte("%PDF-")) {
				err = errors.New("the signed result is not a PDF")
			}
			return err
		}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			return floor{}, err
		}
		if pr != nil && s.name == lastAction {
			if err := pr.startPolling(pollCtx); err != nil {
				return floor{}, fmt.Errorf("floor probe after %s: %w", s.name, err)
			}
		}
	}
	if pr == nil {
		return floor{}, nil
	}
	return pr.finish(e.result)
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

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func sum(d []time.Duration) time.Duration {
	var t time.Duration
	for _, x := range d {
		t += x
	}
	return t
}

// medianRatio is the median of a[i]/b[i].
func medianRatio(a, b []time.Duration) float64 {
	var r []float64
	for i := range min(len(a), len(b)) {
		r = append(r, ratio(a[i], b[i]))
	}
	if len(r) == 0 {
		return 0
	}
	slices.Sort(r)
	if n := len(r); n%2 == 0 {
		return (r[n/2-1] + r[n/2]) / 2
	}
	return r[len(r)/2]
}
