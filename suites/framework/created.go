package framework

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/internal/runrecord"
)

// newAllowGuard puts the allow guard over next, recording every dossier a
// submit creates into this process's part of the run's record (package
// runrecord), at once: `dvcqa cleanup <run-id>` withdraws them.
func (e *Env) newAllowGuard(next http.RoundTripper) *allowGuard {
	g := newAllowGuard(next, e.Target.URLs.Portal)
	run := RunConfig()
	if run.RunDir == "" {
		return g // no run folder (go test outside `dvcqa run`): nothing to clean up later
	}
	l := &createdLog{dir: run.RunDir, proc: ginkgo.GinkgoParallelProcess(), rec: runrecord.Record{RunID: run.RunID}}
	g.onCreated = func(d portal.Dossier) { l.add(d, e.accountOf(d.Applicant.SoDinhDanh)) }
	return g
}

// createdLog is this process's part of the run's record.
type createdLog struct {
	dir  string
	proc int

	mu  sync.Mutex
	rec runrecord.Record
}

func (l *createdLog) add(d portal.Dossier, account int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if slices.ContainsFunc(l.rec.Dossiers, func(x runrecord.Dossier) bool { return x.ID == d.ID }) {
		return // a replayed submit: the same dossier
	}
	l.rec.Dossiers = append(l.rec.Dossiers, runrecord.Dossier{ID: d.ID, Code: d.Code, ServiceID: d.ServiceID,
		Account: account, CreatedAt: time.Now().UTC()})
	if err := runrecord.WritePart(l.dir, l.proc, l.rec); err != nil {
		// The dossier exists either way; say loudly that cleanup will miss it.
		fmt.Fprintf(os.Stderr, "dvcqa: dossier %s is not in the run's record (dvcqa cleanup will not withdraw it): %v\n", d.Code, err)
	}
}

// accountOf is the index of the test account with that personal ID (the
// order of Accounts), -1 when none has it.
func (e *Env) accountOf(personalID string) int {
	return slices.IndexFunc(e.citizens, func(c Citizen) bool { return c.PersonalID == personalID })
}

// AccountIndex is the index of the test account with that personal ID, as
// the run's record of created dossiers names it (-1: none); `dvcqa
// cleanup` numbers the accounts the same way.
func (e *Env) AccountIndex(personalID string) int { return e.accountOf(personalID) }
