package trial

import (
	"context"
	"fmt"
	"slices"

	"github.com/dvcqa/dvcqa/api/officer"
	"github.com/dvcqa/dvcqa/store"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// OfficerOptions say who acts and what they do.
type OfficerOptions struct {
	Actions  []string // in order, e.g. receive, assign (officer.Processing's names)
	Username string   // "" = the profile's officers.username
	Password string   // "" = the profile's (officers.password_env, or the mock's seed-derived one)
}

// OfficerResult is what the test officer did.
type OfficerResult struct {
	Acted   int      // actions taken
	Skipped int      // actions the dossier's state did not allow (the back office's list)
	Failed  []string // "code action: reason"
}

// Officers acts as the test officer on the back office (docs/officers.md):
// on each open dossier of the campaign, in order, each action the
// dossier's state allows now. This is what moves a campaign on a target
// with manual officers between two follows.
func Officers(ctx context.Context, st *store.Store, e *framework.Env, c *Campaign, opts OfficerOptions, p *Progress) (OfficerResult, error) {
	var res OfficerResult
	for _, a := range opts.Actions {
		if !slices.Contains(officer.AllActions, a) {
			return res, fmt.Errorf("officer action %q: want one of %v", a, officer.AllActions)
		}
	}
	t := e.Target
	user, pass := opts.Username, opts.Password
	if user == "" {
		user = t.OfficerUsername()
	}
	if pass == "" {
		if user != t.OfficerUsername() {
			return res, fmt.Errorf("officer %s: give its password (--officer-password-env)", user)
		}
		var err error
		if pass, err = t.OfficerPassword(); err != nil {
			return res, err
		}
	}
	if user == "" {
		return res, fmt.Errorf("target %s: no test officer (officers.username, or --officer)", t.Name)
	}
	oc := officer.New(t.OfficerURL(), e.HTTP)
	lctx, cancel := context.WithTimeout(ctx, t.Timeouts.Request)
	_, err := oc.Login(lctx, user, pass)
	cancel()
	if err != nil {
		return res, fmt.Errorf("log in to the back office %s as %s: %w", t.OfficerURL(), user, err)
	}
	ds, err := Dossiers(ctx, st, c.ID)
	if err != nil {
		return res, err
	}
	p.Begin("trial officers "+c.ID, len(ds))
	defer p.End()
	for _, d := range ds {
		if d.Closed {
			continue
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var stepErr error
		for _, a := range opts.Actions {
			acted, err := act(ctx, oc, e, c, d.Code, a)
			switch {
			case err != nil:
				res.Failed = append(res.Failed, fmt.Sprintf("%s %s: %v", d.Code, a, err))
				stepErr = err
			case acted:
				res.Acted++
			default:
				res.Skipped++
			}
			if err != nil {
				break // the next action would act on a state the officer did not reach
			}
		}
		p.Step(stepErr)
	}
	return res, nil
}

// act takes one action if the back office allows it now.
func act(ctx context.Context, oc *officer.Client, e *framework.Env, c *Campaign, code, action string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*e.Target.Timeouts.Request)
	defer cancel()
	cur, err := oc.Dossier(ctx, code)
	if err != nil {
		return false, fmt.Errorf("read: %w", err)
	}
	if !slices.Contains(cur.Actions, action) {
		return false, nil
	}
	// One key per campaign, dossier and action: a retried call is the same act.
	key := "dvcqa-trial-" + c.ID + "-" + code + "-" + action
	if _, err := oc.Act(ctx, code, action, c.Marker, key); err != nil {
		return false, err
	}
	return true, nil
}
