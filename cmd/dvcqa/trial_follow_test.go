package main

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/store"
	"github.com/dvcqa/dvcqa/store/storetest"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/trial"
)

// followWorld is a manual-officers world with a campaign of DV01 × 2 and
// DV07 × 2 received and assigned, synced to DVCQG: nothing moves unless the
// test acts, so each dossier's history is known — DV01 submitted,
// accepted, processing; DV07 submitted, payment_required, accepted,
// processing; the same on DVCQG: (3 + 4) × 2 × 2 = 28 transitions.
const followWant = 28

func followCampaign(ctx context.Context, t *testing.T, target, storeURL, id string) {
	t.Helper()
	trialRun(ctx, t, "start", "--target", target, "--store", storeURL, "--services", "DV01,DV07", "--per-service", "2", "--id", id)
	trialRun(ctx, t, "officers", "--store", storeURL, "--id", id, "--do", "receive,assign")
	waitNational(ctx, t, target, storeURL, id, every(portal.StatusProcessing))
}

// openFollow is what a separate `dvcqa trial follow` process has: its own
// store handle and its own Env.
func openFollow(ctx context.Context, t *testing.T, target, storeURL, id string) (*store.Store, *framework.Env, *trial.Campaign) {
	t.Helper()
	cat := fixtures.MustLoad()
	tgt, err := fixtures.LoadTarget(target, cat)
	if err != nil {
		t.Fatal(err)
	}
	e, err := framework.Setup(tgt, cat)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, storeURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c, err := trial.LoadCampaign(ctx, st, id)
	if err != nil {
		t.Fatal(err)
	}
	return st, e, c
}

func countTransitions(ctx context.Context, t *testing.T, st *store.Store, id string) map[string]int {
	t.Helper()
	trs, err := trial.Transitions(ctx, st, id)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int{}
	for _, tr := range trs {
		by[tr.Code]++
	}
	return by
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestTrialFollowConcurrent: two follows at once, each with its own store
// handle, record every transition exactly once between them (their new
// transitions add up to the 28 there are), on every backend.
func TestTrialFollowConcurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs campaigns against a mock world; `make store` runs it on SQLite and PostgreSQL")
	}
	target := trialWorld(t, "manual")
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			followCampaign(ctx, t, target, b.URL, "concurrent")
			var wg sync.WaitGroup
			res := make([]trial.FollowResult, 2)
			errs := make([]error, 2)
			for i := range 2 {
				st, e, c := openFollow(ctx, t, target, b.URL, "concurrent")
				wg.Go(func() { res[i], errs[i] = trial.Follow(ctx, st, e, c, nil) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("follow %d: %v", i, err)
				}
				if res[i].Read != 4 || res[i].Errors != 0 {
					t.Errorf("follow %d: %+v, want 4 read, no error", i, res[i])
				}
			}
			if got := res[0].Added + res[1].Added; got != followWant {
				t.Errorf("the two follows added %d + %d transitions, want %d between them", res[0].Added, res[1].Added, followWant)
			}
			st, _, _ := openFollow(ctx, t, target, b.URL, "concurrent")
			if got := total(countTransitions(ctx, t, st, "concurrent")); got != followWant {
				t.Errorf("ledger holds %d transitions, want %d", got, followWant)
			}
		})
	}
}

// TestTrialFollowCutShort: a follow cancelled after two dossiers (as a
// crash would end it) keeps the transitions of those two, and the next
// follow records the rest, none twice.
func TestTrialFollowCutShort(t *testing.T) {
	if testing.Short() {
		t.Skip("runs campaigns against a mock world; `make store` runs it on SQLite and PostgreSQL")
	}
	target := trialWorld(t, "manual")
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			followCampaign(ctx, t, target, b.URL, "cut")
			st, e, c := openFollow(ctx, t, target, b.URL, "cut")
			cut, stop := context.WithCancel(ctx)
			p := trial.NewProgress(discard{})
			p.OnStep = func(done int) {
				if done == 2 {
					stop()
				}
			}
			res, err := trial.Follow(cut, st, e, c, p)
			if !errors.Is(err, context.Canceled) || res.Read != 2 {
				t.Fatalf("cut follow: %+v, %v; want 2 read, then context.Canceled", res, err)
			}
			ds, err := trial.Dossiers(ctx, st, "cut")
			if err != nil {
				t.Fatal(err)
			}
			by := countTransitions(ctx, t, st, "cut")
			if len(by) != 2 || by[ds[0].Code] == 0 || by[ds[1].Code] == 0 || total(by) != res.Added {
				t.Errorf("after the cut follow the ledger holds %v (%d added), want the first two dossiers' (%s, %s)", by, res.Added, ds[0].Code, ds[1].Code)
			}
			again, err := trial.Follow(ctx, st, e, c, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := total(countTransitions(ctx, t, st, "cut")); got != followWant || res.Added+again.Added != followWant {
				t.Errorf("after the next follow: %d transitions (%d + %d added), want %d", got, res.Added, again.Added, followWant)
			}
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
