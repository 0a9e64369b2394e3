package world

import (
	"time"

	"github.com/dvcqa/dvcqa/mocks/dvcqg"
	"github.com/dvcqa/dvcqa/mocks/gateway"
	"github.com/dvcqa/dvcqa/mocks/nationaldb"
	"github.com/dvcqa/dvcqa/mocks/payment"
	"github.com/dvcqa/dvcqa/mocks/portal"
	"github.com/dvcqa/dvcqa/mocks/sso"
)

// Retention bounds what the world's systems keep, so that a mock QA teams
// leave running under load stays within a steady amount of memory. Each
// bound is a count, the oldest entries evicted first; entries still in use
// are never evicted (see each package: a dossier is in use while an
// officer has a step scheduled on it or while it, or a follow-on of it,
// was used within DossierIdle; a national-portal record or a payment
// transaction while it was written or read within DossierIdle). Zero
// fields take each package's default (in brackets).
type Retention struct {
	Dossiers        int           // per province's portal, follow-on dossiers counted [portal.DefaultMaxDossiers, 2000]
	Attachments     int           // uploads per portal [portal.DefaultMaxAttachments, 4000]
	DossierIdle     time.Duration // how long a dossier, record or transaction stays in use after its last use [1 min]
	NationalRecords int           // dossiers at the national portal [dvcqg.DefaultMaxDossiers, 20000]
	Transactions    int           // payment transactions [payment.DefaultMaxTransactions, 20000]
	AuditEntries    int           // gateway audit entries [gateway.DefaultMaxAudit, 20000]
	Sessions        int           // web sessions per portal, besides their 30 min idle expiry [portal.DefaultMaxSessions, 5000]
	LogEntries      int           // each system's request log [10000]
	Grants          int           // each of the SSO's code, token-family, revocation and refresh-token tables [sso.DefaultMaxGrants, 20000]
}

// systems are the world's servers other than the portals, for Evicted.
type systems struct {
	sso     *sso.Server
	gateway *gateway.Server
	dbs     []*nationaldb.Server
	dvcqg   *dvcqg.Server
	payment *payment.Server
}

// sweepEvery is how often the world trims every store: half the idle time,
// between 100 ms and 30 s. Stores also trim as entries are added; the
// sweep gives memory back after a burst when nothing new arrives.
func sweepEvery(idle time.Duration) time.Duration {
	if idle <= 0 {
		idle = portal.DefaultDossierIdle
	}
	return min(max(idle/2, 100*time.Millisecond), 30*time.Second)
}

// sweep trims every store that bounds entries in use, until stop closes.
func (w *World) sweep(every time.Duration, stop <-chan struct{}) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			for _, p := range w.portals {
				p.Trim()
			}
			w.systems.dvcqg.Trim()
			w.systems.payment.Trim()
		}
	}
}

// Evicted counts what every system has dropped for its retention bound
// since the start, by kind.
func (w *World) Evicted() map[string]int {
	out := map[string]int{}
	for _, p := range w.portals {
		d, a := p.Evicted()
		out["portal dossiers"] += d
		out["portal uploads"] += a
	}
	s := w.systems
	grants, ssoLog := s.sso.Evicted()
	audit, gwLog := s.gateway.Evicted()
	out["sso grants"] = grants
	out["gateway audit entries"] = audit
	out["request log entries"] = ssoLog + gwLog
	for _, db := range s.dbs {
		out["request log entries"] += db.Evicted()
	}
	out["national portal dossiers"] = s.dvcqg.Evicted()
	out["payment transactions"] = s.payment.Evicted()
	return out
}
