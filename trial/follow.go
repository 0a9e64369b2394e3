package trial

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/store"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// FollowResult is what one follow did.
type FollowResult struct {
	Read    int // open dossiers read
	Added   int // transitions not recorded before
	Errors  int // dossiers a system failed for (each in its last_error)
	Closed  int // dossiers closed by this follow
	Pending int // open dossiers after it
}

// dossierBudget bounds the reads of one dossier on both systems.
func dossierBudget(e *framework.Env) time.Duration { return 3 * e.Target.Timeouts.Request }

// Follow reads every open dossier of the campaign from the portal (as its
// citizen) and from the national portal, and records each new history
// entry as a transition, one transaction per dossier: a follow cut short
// keeps what it recorded, and two at once record each transition once.
// A system failing for a dossier is kept in its last_error and counted,
// never fatal; a cancelled ctx stops the follow with ctx's error.
func Follow(ctx context.Context, st *store.Store, e *framework.Env, c *Campaign, p *Progress) (FollowResult, error) {
	var res FollowResult
	all, err := Dossiers(ctx, st, c.ID)
	if err != nil {
		return res, err
	}
	var open []Dossier
	for _, d := range all {
		if !d.Closed {
			open = append(open, d)
		}
	}
	row := followRow{started: time.Now()}
	if err := startFollow(ctx, st, c.ID, row.started); err != nil {
		return res, fmt.Errorf("record the follow: %w", err)
	}
	r := &reader{e: e, tokens: map[int]string{}}
	p.Begin("trial follow "+c.ID, len(open))
	defer p.End()
	for _, d := range open {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		o := r.observe(ctx, d)
		if err := ctx.Err(); err != nil {
			return res, err // a read cut short is not an error of the system
		}
		added, err := record(ctx, st, c.ID, d.Code, o)
		if err != nil {
			return res, fmt.Errorf("dossier %s: %w", d.Code, err)
		}
		res.Read++
		res.Added += added
		if o.lastError != "" {
			res.Errors++
		}
		if o.closed {
			res.Closed++
		} else {
			res.Pending++
		}
		var stepErr error
		if o.lastError != "" {
			stepErr = errors.New(o.lastError)
		}
		p.Step(stepErr)
	}
	row.finished, row.read, row.changed, row.errors = time.Now(), res.Read, res.Added, res.Errors
	if err := finishFollow(ctx, st, c.ID, row); err != nil {
		return res, fmt.Errorf("record the follow: %w", err)
	}
	return res, nil
}

// reader reads dossiers, logging each test account in once.
type reader struct {
	e      *framework.Env
	tokens map[int]string
}

// observe reads one dossier on both systems.
func (r *reader) observe(ctx context.Context, d Dossier) observation {
	ctx, cancel := context.WithTimeout(ctx, dossierBudget(r.e))
	defer cancel()
	now := time.Now()
	var o observation
	var errs []string
	pd, err := r.portalDossier(ctx, d)
	if err != nil {
		errs = append(errs, "portal: "+err.Error())
	} else {
		o.status = pd.Status
		for i, h := range pd.History {
			o.transitions = append(o.transitions, Transition{Code: d.Code, Source: SourcePortal, Seq: i,
				State: h.Status, StatusCode: h.StatusCode, At: h.At, ObservedAt: now})
		}
		if pd.Fee.Paid {
			o.paidAt = now
		}
	}
	hs, err := r.e.DVCQG.Lookup(ctx, d.Code)
	national := 0
	switch {
	case dvcqg.IsNotFound(err):
		// Not (yet) known there: that is the figure "synchronised", not an
		// error of the national portal.
	case err != nil:
		errs = append(errs, "dvcqg: "+err.Error())
	default:
		national, _ = strconv.Atoi(hs.TrangThaiHoSo)
		for i, t := range hs.QuaTrinhXuLy {
			code, _ := strconv.Atoi(t.TrangThai)
			at, perr := dvcqg.ParseTime(t.ThoiDiemXuLy)
			if perr != nil {
				errs = append(errs, fmt.Sprintf("dvcqg: history entry %d: %v", i, perr))
				continue
			}
			o.transitions = append(o.transitions, Transition{Code: d.Code, Source: SourceDVCQG, Seq: i,
				State: stateOf(code), StatusCode: code, At: at, ObservedAt: now})
		}
	}
	if code, ok := portal.StatusCode(o.status); ok && final(o.status) && national == code {
		o.closed = true // nothing more will happen on either system
	}
	o.lastError = strings.Join(errs, "; ")
	return o
}

// portalDossier reads the dossier as the citizen who owns it.
func (r *reader) portalDossier(ctx context.Context, d Dossier) (*portal.Dossier, error) {
	n, err := accountIndex(d.AccountRef)
	if err != nil {
		return nil, err
	}
	tok, ok := r.tokens[n]
	if !ok {
		c, found := r.e.Account(n)
		if !found {
			return nil, fmt.Errorf("%s is none of the target's test accounts", d.AccountRef)
		}
		toks, err := r.e.SignIn(ctx, c)
		if err != nil {
			return nil, err
		}
		tok = toks.IDToken
		r.tokens[n] = tok
	}
	pd, err := r.e.Portal(tok).Dossier(ctx, d.DossierID)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", d.Code, err)
	}
	return pd, nil
}

// final states: the dossier's story has ended on the portal.
func final(state string) bool {
	return state == portal.StatusDelivered || state == portal.StatusRejected || state == portal.StatusWithdrawn
}

// states are the workflow states the reference (portal.StatusCode) maps
// to the national portal's codes.
var states = []string{portal.StatusSubmitted, portal.StatusAccepted, portal.StatusRejected, portal.StatusProcessing,
	portal.StatusSupplementRequested, portal.StatusPaymentRequired, portal.StatusWithdrawn, portal.StatusStopped,
	portal.StatusFinished, portal.StatusDelivered}

// stateOf is the workflow state of a national portal's status code, ""
// for a code the reference does not know.
func stateOf(code int) string {
	for _, s := range states {
		if c, _ := portal.StatusCode(s); c == code {
			return s
		}
	}
	return ""
}
