package world

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dvcqgapi "github.com/dvcqa/dvcqa/api/dvcqg"
	portalapi "github.com/dvcqa/dvcqa/api/portal"
	ssoapi "github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
)

// Soak timings: the load runs for soakLoad, then the world is given
// soakSettle for what was in use to go idle and the world's sweep to give
// it back; the whole test ends within about 20 s.
const (
	soakLoad      = 7 * time.Second
	soakMaxLoad   = 11 * time.Second // on a loaded machine, go on until soakMinSubmit, up to this
	soakMinSubmit = 300              // enough to cross every bound several times
	// Retention.DossierIdle of the soaked world: 100 times the pinned
	// dossier's 50 ms reads; a machine loaded 12 times over its CPUs was
	// seen to stretch them to 2 s.
	soakIdle    = 5 * time.Second
	soakSettle  = 8 * time.Second // most time allowed for what was in use to go idle and be swept
	soakWorkers = 8
	// soakHeapLimit is how far the live heap may stay above the freshly
	// started world's after the load and a forced GC. Bounded, it comes
	// back within 1–2 MB; unbounded, every submission leaves about 11 KB
	// (dossier, national record, audit and log entries), so 1000 leave
	// 11 MB and the 30 s load of issue 11 left 450 MB. The retention counts
	// checked below catch an unbounded store however slow the machine.
	soakHeapLimit = 12 << 20
)

// soakRetention is small, so that a few seconds of load cross every bound
// many times over.
var soakRetention = Retention{Dossiers: 20, Attachments: 20, DossierIdle: soakIdle, NationalRecords: 50,
	Transactions: 20, AuditEntries: 50, LogEntries: 50, Grants: 10}

// TestSoakMemoryStaysBounded drives many submissions and lookups against a
// standalone world (loopback, its own port) with small retention bounds,
// and checks that the heap in use comes back under a limit after a forced
// GC, that every bound evicted, and that a dossier kept in use throughout
// — read by its owner and looked up at the national portal every 50 ms —
// is still there at the end, at both.
func TestSoakMemoryStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: about 15 s of load; `make soak` (part of `make test`) runs it")
	}
	w, err := Start(Options{Seed: 21, Retention: soakRetention})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	base := heapAfterGC()

	ctx, cancel := context.WithTimeout(context.Background(), soakLoad+soakSettle+10*time.Second)
	defer cancel()
	hc := &http.Client{Timeout: 5 * time.Second}
	provinces := []string{"01", "79", "48", "31"}
	login := func(province string, i int) (*portalapi.Client, error) {
		u := w.URLs(province)
		c := w.Citizens.Applicants(province)[i]
		tok, err := (&ssoapi.Client{Issuer: u.SSO, ClientID: PortalClient, RedirectURI: u.Portal + "/auth/callback", HTTP: hc}).Login(ctx, c.PersonalID, c.Password)
		if err != nil {
			return nil, fmt.Errorf("login %s: %w", c.PersonalID, err)
		}
		return &portalapi.Client{BaseURL: u.Portal, Token: tok.IDToken, HTTP: hc}, nil
	}
	submit := func(p *portalapi.Client, key string) (*portalapi.Dossier, error) {
		d, _, err := p.Submit(ctx, key, portalapi.SubmitRequest{ServiceID: "DV01", Fields: map[string]string{"LyDo": "Bổ sung hồ sơ vay vốn ngân hàng"}})
		return d, err
	}

	// The dossier in use: submitted first, read throughout.
	owner, err := login("01", 0)
	if err != nil {
		t.Fatal(err)
	}
	pinned, err := submit(owner, "pinned")
	if err != nil {
		t.Fatal(err)
	}
	prov, _ := w.Catalog.Province("01")
	national := &dvcqgapi.Client{BaseURL: w.URLs("01").DVCQG, Username: "portal-01", Password: fixtures.MockSecret(21, "dvcqg:portal-01"),
		DstCode: "DST01", AgencyID: prov.AgencyID, HTTP: hc}

	// Pushes to the national portal are asynchronous: wait for the first.
	for began := time.Now(); ; {
		if hs, err := national.Lookup(ctx, pinned.Code); err == nil && hs != nil {
			break
		}
		if time.Since(began) > soakSettle {
			t.Fatalf("the national portal never received dossier %s", pinned.Code)
		}
		time.Sleep(10 * time.Millisecond)
	}

	var peak atomic.Uint64
	// transient counts answers a loaded machine may give (timeouts, a
	// gateway's 502 when a database is slower than its 1 s budget): the
	// soak is about memory, so they are counted, not failures.
	var submitted, lookups, transient atomic.Int64
	var pinGap atomic.Int64 // longest time between two reads of the pinned dossier
	stop, unpin := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, soakWorkers+2)
	wg.Go(func() { // heap sampler
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if h := heapLive(); h > peak.Load() {
					peak.Store(h)
				}
			}
		}
	})
	var pinWG sync.WaitGroup
	pinWG.Go(func() { // the owner keeps the pinned dossier in use, through the settling too
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		last := time.Now()
		for {
			select {
			case <-unpin:
				return
			case <-tick.C:
				if gap := time.Since(last); gap.Nanoseconds() > pinGap.Load() {
					pinGap.Store(gap.Nanoseconds())
				}
				last = time.Now()
				if _, err := owner.Dossier(ctx, pinned.ID); lostAtPortal(err) {
					errs <- fmt.Errorf("the dossier in use was lost at the portal: %w", err)
					return
				} else if err != nil {
					transient.Add(1)
				}
				if _, err := national.Lookup(ctx, pinned.Code); lostAtNational(err) {
					errs <- fmt.Errorf("the dossier in use was lost at the national portal: %w", err)
					return
				} else if err != nil {
					transient.Add(1)
				}
			}
		}
	})
	for i := range soakWorkers {
		wg.Go(func() {
			province := provinces[i%len(provinces)]
			var p *portalapi.Client
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if n%10 == 0 || p == nil { // log in again now and then: SSO codes and refresh tokens pile up too
					var err error
					if p, err = login(province, 1+i); err != nil {
						transient.Add(1)
						continue
					}
				}
				d, err := submit(p, fmt.Sprintf("w%d-%d", i, n))
				if err != nil {
					transient.Add(1)
					continue
				}
				submitted.Add(1)
				if _, err := p.Dossier(ctx, d.ID); lostAtPortal(err) { // just created: in use, never evicted
					errs <- fmt.Errorf("worker %d: dossier %s just submitted: %w", i, d.Code, err)
					return
				} else if err != nil {
					transient.Add(1)
					continue
				}
				lookups.Add(1)
			}
		})
	}
	began := time.Now()
	tick := time.NewTicker(100 * time.Millisecond)
load:
	for {
		select {
		case <-tick.C:
			if took := time.Since(began); took >= soakMaxLoad || took >= soakLoad && submitted.Load() >= soakMinSubmit {
				break load
			}
		case err := <-errs:
			t.Error(err)
			break load
		}
	}
	tick.Stop()
	loadTook := time.Since(began)
	close(stop)
	wg.Wait()

	// With no more traffic, the world's sweep gives back what was in use
	// once it goes idle (officers finish within a few world days of 10 ms):
	// each portal comes back to its bound (+1: the pinned dossier).
	kept := func() (most int) {
		for _, p := range w.portals {
			d, _ := p.Kept()
			most = max(most, d)
		}
		return most
	}
	settled := time.Now()
	for kept() > soakRetention.Dossiers+1 && time.Since(settled) < soakSettle {
		time.Sleep(50 * time.Millisecond)
	}
	settleTook := time.Since(settled)
	if _, err := owner.Dossier(ctx, pinned.ID); err != nil {
		t.Errorf("the dossier kept in use was lost: %v", err)
	}
	close(unpin)
	pinWG.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	after := heapAfterGC()
	ev := w.Evicted()
	t.Logf("soak: %d submissions, %d lookups (%d transient errors) in %v over %d provinces; live heap (HeapAlloc): fresh world %s, peak %s, after GC %s (limit fresh + %s)",
		submitted.Load(), lookups.Load(), transient.Load(), loadTook.Round(100*time.Millisecond), len(provinces), mb(base), mb(peak.Load()), mb(after), mb(soakHeapLimit))
	t.Logf("soak: evicted %v; most dossiers kept by one portal %d (bound %d) %v after the load; the pinned dossier read at least every %v",
		ev, kept(), soakRetention.Dossiers, settleTook.Round(10*time.Millisecond), time.Duration(pinGap.Load()).Round(time.Millisecond))
	if after > base+soakHeapLimit {
		t.Errorf("heap in use after the load and a GC is %s, more than the fresh world's %s + %s", mb(after), mb(base), mb(soakHeapLimit))
	}
	if k := kept(); k > soakRetention.Dossiers+1 {
		t.Errorf("a portal keeps %d dossiers, bound %d (+1 in use)", k, soakRetention.Dossiers)
	}
	if submitted.Load() < soakMinSubmit {
		t.Logf("soak: only %d submissions on this machine in %v: not checking that every bound was crossed", submitted.Load(), loadTook)
		return
	}
	for _, kind := range []string{"portal dossiers", "national portal dossiers", "gateway audit entries", "request log entries", "sso grants"} {
		if ev[kind] == 0 {
			t.Errorf("nothing evicted from %s: the load did not cross its bound", kind)
		}
	}
}

// lostAtPortal: the portal answered 404 (an evicted dossier reads as one
// that never existed).
func lostAtPortal(err error) bool {
	ae, ok := errors.AsType[*portalapi.APIError](err)
	return ok && ae.Status == http.StatusNotFound
}

// lostAtNational: the national portal answered TraCuuHoSo with an error
// (it has no such dossier), as opposed to a transport failure.
func lostAtNational(err error) bool {
	_, ok := errors.AsType[*dvcqgapi.Error](err)
	return ok
}

func heapLive() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func heapAfterGC() uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	return heapLive()
}

func mb(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
