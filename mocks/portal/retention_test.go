package portal

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	api "github.com/dvcqa/dvcqa/api/portal"
)

// TestDossiersAreBounded: past MaxDossiers the oldest dossiers no longer in
// use go (their owner then reads 404, and the list no longer has them), the
// newest stay; an idempotency key is forgotten with its dossier.
func TestDossiersAreBounded(t *testing.T) {
	e := newEnvFrom(t, envConfig{day: worldDay, tweak: func(o *Options) {
		o.Retention = Retention{MaxDossiers: 3, MaxAttachments: 100, DossierIdle: time.Nanosecond}
	}})
	c := e.as(an)
	ctx := context.Background()
	var ids []string
	var first api.SubmitRequest
	for i := range 5 {
		req := e.birthRequest(c)
		if i == 0 {
			first = req
		}
		d, _, err := c.Submit(ctx, fmt.Sprint("k", i), req)
		if err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		e.waitFor(c, d.ID, "delivered", delivered) // no longer being processed
		ids = append(ids, d.ID)
	}
	_, err := c.Dossier(ctx, ids[0])
	apiErr(t, err, http.StatusNotFound)
	if _, err := c.Dossier(ctx, ids[4]); err != nil {
		t.Errorf("the newest dossier: %v", err)
	}
	list, err := c.Dossiers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kept, _ := e.portal.Kept()
	evicted, _ := e.portal.Evicted()
	if kept > 3 || len(list) != kept || evicted != 5-kept {
		t.Errorf("kept %d (listed %d), evicted %d; want ≤ 3, the same, the rest", kept, len(list), evicted)
	}
	// The key of an evicted dossier is free again: the same request makes a new dossier.
	d, replayed, err := c.Submit(ctx, "k0", first)
	if err != nil || replayed || d.ID == ids[0] {
		t.Errorf("resubmit with an evicted dossier's key: %v, replayed %v, id %s", err, replayed, d.ID)
	}
}

// TestDossiersInUseAreKept: dossiers used within DossierIdle are never
// evicted, however far over the bound.
func TestDossiersInUseAreKept(t *testing.T) {
	e := newEnvFrom(t, envConfig{day: worldDay, tweak: func(o *Options) {
		o.Retention = Retention{MaxDossiers: 2, DossierIdle: time.Hour}
	}})
	c := e.as(an)
	var ids []string
	for i := range 4 {
		d, _, err := c.Submit(context.Background(), fmt.Sprint("k", i), e.birthRequest(c))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	for _, id := range ids {
		if _, err := c.Dossier(context.Background(), id); err != nil {
			t.Errorf("dossier %s in use was lost: %v", id, err)
		}
	}
	if ev, _ := e.portal.Evicted(); ev != 0 {
		t.Errorf("evicted %d dossiers in use", ev)
	}
}

// TestUploadsAreBounded: past MaxAttachments the oldest idle uploads go; a
// submission naming one is refused as naming an unknown attachment.
func TestUploadsAreBounded(t *testing.T) {
	e := newEnvFrom(t, envConfig{day: worldDay, tweak: func(o *Options) {
		o.Retention = Retention{MaxAttachments: 2, DossierIdle: time.Nanosecond}
	}})
	c := e.as(an)
	old := e.birthRequest(c) // its upload is the oldest
	for range 3 {
		e.upload(c, "giay_chung_sinh", "application/pdf", pdfBytes)
	}
	if _, atts := e.portal.Kept(); atts != 2 {
		t.Errorf("kept %d uploads, want 2", atts)
	}
	if _, ev := e.portal.Evicted(); ev != 2 {
		t.Errorf("evicted %d uploads, want 2", ev)
	}
	_, _, err := c.Submit(context.Background(), "k", old)
	apiErr(t, err, http.StatusUnprocessableEntity)
}

// TestWebSessionsAreBounded: past MaxSessions the oldest sessions not used
// recently end; the newest stay.
func TestWebSessionsAreBounded(t *testing.T) {
	e := newEnvFrom(t, envConfig{day: worldDay, tweak: func(o *Options) { o.Retention = Retention{MaxSessions: 2} }})
	f := e.portal.web
	f.sessBusy = 0 // every session idle enough to go
	for range 5 {
		e.portal.startSession(httptest.NewRecorder(), citizen{ID: an.ID, Name: an.Name})
	}
	f.mu.Lock()
	n, ev := len(f.sessions), f.order.Evicted()
	f.mu.Unlock()
	if n != 2 || ev != 3 {
		t.Errorf("kept %d sessions, evicted %d; want 2, 3", n, ev)
	}
}

// TestTrimGivesBackWithoutNewTraffic: dossiers over the bound that were in
// use go once idle when Trim is called (the world's sweep), with no new
// submission.
func TestTrimGivesBackWithoutNewTraffic(t *testing.T) {
	e := newEnvFrom(t, envConfig{day: worldDay, tweak: func(o *Options) {
		o.Retention = Retention{MaxDossiers: 2, DossierIdle: time.Second}
	}})
	c := e.as(an)
	for i := range 4 {
		d, _, err := c.Submit(context.Background(), fmt.Sprint("k", i), e.birthRequest(c))
		if err != nil {
			t.Fatal(err)
		}
		e.waitFor(c, d.ID, "delivered", delivered)
	}
	if kept, _ := e.portal.Kept(); kept != 4 { // a loaded machine: some went idle before the last submission
		t.Logf("kept %d while in use (4 on an idle machine)", kept)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		e.portal.Trim()
		if kept, _ := e.portal.Kept(); kept == 2 {
			break
		}
		if time.Now().After(deadline) {
			kept, _ := e.portal.Kept()
			t.Fatalf("still %d dossiers 5 s after they went idle, want 2", kept)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
