package portal

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	api "github.com/dvcqa/dvcqa/api/portal"
)

// TestWithdraw: a dossier is withdrawn while it is processed (history
// entry, TrangThaiHoSo 7, officers stopped, asked again: the same answer);
// a delivered one is refused with 409 not_withdrawable saying why; another
// citizen's is not found.
func TestWithdraw(t *testing.T) {
	e := newEnvDay(t, time.Hour) // a slow world clock: officers do not get far
	c := e.as(an)
	ctx := context.Background()
	d, _, err := c.Submit(ctx, "k-w", e.birthRequest(c))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Withdraw(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := got.History[len(got.History)-1]
	if got.Status != api.StatusWithdrawn || got.StatusCode != 7 || last.Status != api.StatusWithdrawn || last.Officer == "" {
		t.Errorf("withdrawn dossier: status %q (%d), last history %+v", got.Status, got.StatusCode, last)
	}
	again, err := c.Withdraw(ctx, d.ID)
	if err != nil || again.Status != api.StatusWithdrawn || len(again.History) != len(got.History) {
		t.Errorf("withdrawn again: %+v, %v; want it unchanged", again, err)
	}
	if _, err := e.as(binh).Withdraw(ctx, d.ID); !api.IsNotFound(err) {
		t.Errorf("another citizen's withdrawal: %v, want 404", err)
	}
	if _, err := c.Withdraw(ctx, "hs-none"); !api.IsNotFound(err) {
		t.Errorf("unknown dossier: %v, want 404", err)
	}
}

func TestWithdrawRefusedOnceFinished(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	ctx := context.Background()
	d, _, err := c.Submit(ctx, "k-wf", e.birthRequest(c))
	if err != nil {
		t.Fatal(err)
	}
	d = e.waitFor(c, d.ID, "delivered", delivered)
	_, err = c.Withdraw(ctx, d.ID)
	var ae *api.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusConflict || !api.IsNotWithdrawable(err) ||
		!strings.Contains(ae.Message, "finished processing") || ae.MessageVI == "" {
		t.Fatalf("withdrawal of a delivered dossier: %v, want 409 not_withdrawable saying why", err)
	}
	if now, _ := c.Dossier(ctx, d.ID); now.Status != api.StatusDelivered {
		t.Errorf("refused withdrawal changed the dossier: %s", now.Status)
	}
}
