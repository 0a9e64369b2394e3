package framework

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/api/sso"
)

// CheckDialects asks each external system one cheap question in the
// dialect the target profile names for it, before any spec runs. A system
// that answers in another dialect makes every spec that touches it fail
// the same way; that is a profile mistake (or a system that changed its
// protocol), so the run stops at once with one error naming each system
// and its dialect, instead of dozens of failures. Other errors (a system
// down, a refusal) are left to the health probes and the specs.
func (e *Env) CheckDialects(ctx context.Context) error {
	probes := map[string]func(context.Context) error{
		"sso": func(ctx context.Context) error {
			if e.SSO == nil {
				return nil
			}
			_, err := e.SSO.Discover(ctx)
			return err
		},
		"dvcqg": e.DVCQG.Login,
		"payment": func(ctx context.Context) error {
			// A reference nobody made: any dialect-correct answer is a refusal.
			_, err := e.Payment.Query(ctx, "DVCQA-DIALECT-PROBE")
			return err
		},
		"gateway": func(ctx context.Context) error {
			_, err := e.Gateway.Lookup(ctx, "population", "SoDinhDanh", e.unknownID, "dvcqa dialect probe")
			return err
		},
	}
	var (
		mu                   sync.Mutex
		problems, mismatched []string
		wg                   sync.WaitGroup
	)
	for sys, probe := range probes {
		wg.Go(func() {
			if err := probe(ctx); isDialectMismatch(err) {
				mu.Lock()
				problems = append(problems, fmt.Sprintf("%s (profile %s.dialect %q): %v", sys, sys, e.Target.Dialects()[sys], err))
				mismatched = append(mismatched, fmt.Sprintf("%s is not %s", sys, e.Target.Dialects()[sys]))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(problems) == 0 {
		return nil
	}
	slices.Sort(problems)
	slices.Sort(mismatched)
	return fmt.Errorf("dialect mismatch (%s): target %s names dialects its systems do not speak; no spec ran — fix the dialect keys or the URLs:\n  %s",
		strings.Join(mismatched, ", "), e.Target.Name, strings.Join(problems, "\n  "))
}

// isDialectMismatch says whether err is a driver's dialect error.
func isDialectMismatch(err error) bool {
	if err == nil {
		return false
	}
	_, dv := errors.AsType[*dvcqg.DialectError](err)
	_, pay := errors.AsType[*payment.DialectError](err)
	_, gw := errors.AsType[*gateway.DialectError](err)
	_, id := errors.AsType[*sso.DialectError](err)
	return dv || pay || gw || id
}
