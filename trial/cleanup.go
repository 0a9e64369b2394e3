package trial

import (
	"context"
	"fmt"
	"time"

	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/store"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// CleanupResult is what a cleanup did.
type CleanupResult struct {
	Withdrawn int      // withdrawn now, or found withdrawn
	Final     int      // left alone: already delivered or rejected
	Failed    []string // "code: reason"
}

// Cleanup withdraws, as its citizen, every campaign dossier not yet in a
// final state, and records withdrawn_at. A dossier whose note is not the
// campaign's marker is never touched. Running it again changes nothing.
func Cleanup(ctx context.Context, st *store.Store, e *framework.Env, c *Campaign, p *Progress) (CleanupResult, error) {
	var res CleanupResult
	if err := e.Permit(framework.ActWithdraw); err != nil {
		return res, fmt.Errorf("trial cleanup: %w", err)
	}
	ds, err := Dossiers(ctx, st, c.ID)
	if err != nil {
		return res, err
	}
	r := &reader{e: e, tokens: map[int]string{}}
	p.Begin("trial cleanup "+c.ID, len(ds))
	defer p.End()
	for _, d := range ds {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		done, err := r.withdraw(ctx, c, d)
		switch {
		case err != nil:
			res.Failed = append(res.Failed, d.Code+": "+err.Error())
		case done:
			res.Withdrawn++
			if err = setWithdrawn(ctx, st, c.ID, d.Code, time.Now()); err != nil {
				return res, fmt.Errorf("dossier %s: %w", d.Code, err)
			}
		default:
			res.Final++
		}
		p.Step(err)
	}
	if len(res.Failed) == 0 {
		if err := setCampaignStatus(ctx, st, c.ID, StatusCleaned); err != nil {
			return res, fmt.Errorf("campaign %s: %w", c.ID, err)
		}
	}
	return res, nil
}

// withdraw withdraws one dossier; done is false for one already delivered
// or rejected (nothing to withdraw).
func (r *reader) withdraw(ctx context.Context, c *Campaign, d Dossier) (done bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, dossierBudget(r.e))
	defer cancel()
	cur, err := r.portalDossier(ctx, d)
	switch {
	case err != nil:
		return false, err
	case cur.Note != "" && cur.Note != c.Marker:
		return false, fmt.Errorf("its note is %q, not the campaign's marker %q: left alone", cur.Note, c.Marker)
	case cur.Status == portal.StatusWithdrawn:
		return true, nil
	case final(cur.Status):
		return false, nil
	}
	n, _ := accountIndex(d.AccountRef)
	if _, err := r.e.Portal(r.tokens[n]).Withdraw(ctx, d.DossierID); err != nil {
		return false, fmt.Errorf("withdraw: %w", err)
	}
	return true, nil
}
