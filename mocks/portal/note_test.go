package portal

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestSubmitKeepsTheNote: a submission's note (the harness's run marker) is
// kept with the dossier and answered back as sent, by the submit answer,
// the dossier and the list; one over the contract's 500 characters is a
// 422 naming note, and nothing is created.
func TestSubmitKeepsTheNote(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	ctx := context.Background()
	req := e.birthRequest(c)
	req.Note = "dvcqa test run 20261201-150157-5aa9"
	d, _, err := c.Submit(ctx, "k-note", req)
	if err != nil {
		t.Fatal(err)
	}
	if d.Note != req.Note {
		t.Errorf("submit answered note %q, want %q", d.Note, req.Note)
	}
	got, err := c.Dossier(ctx, d.ID)
	if err != nil || got.Note != req.Note {
		t.Errorf("read back note %q (%v), want %q", got.Note, err, req.Note)
	}
	list, err := c.Dossiers(ctx)
	if err != nil || len(list) != 1 || list[0].Note != req.Note {
		t.Errorf("listed %+v (%v), want the one dossier with its note", list, err)
	}

	long := e.birthRequest(c)
	long.Note = strings.Repeat("ư", 501) // characters, not bytes
	_, _, err = c.Submit(ctx, "k-long", long)
	if ae := apiErr(t, err, http.StatusUnprocessableEntity); ae.Field("note") == nil {
		t.Errorf("422 does not name note: %v", ae)
	}
	if list, _ := c.Dossiers(ctx); len(list) != 1 {
		t.Errorf("a refused note created a dossier: %d dossiers", len(list))
	}
	// Without a note the dossier has none (absent from the JSON).
	plain := e.birthRequest(c)
	d, _, err = c.Submit(ctx, "k-plain", plain)
	if err != nil || d.Note != "" {
		t.Errorf("a dossier without a note: %q, %v", d.Note, err)
	}
}
