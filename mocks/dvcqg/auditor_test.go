package dvcqg

import (
	"context"
	"testing"

	"github.com/dvcqa/dvcqa/api/dvcqg"
)

func TestAuditorReadsEveryAgencyButCannotWrite(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	code01, code79 := agency01+"-260302-0001", agency79+"-260302-0001"
	if err := w.client("portal-01").SyncDossier(ctx, false, dossier(code01)); err != nil {
		t.Fatalf("sync 01: %v", err)
	}
	if err := w.client("portal-79").SyncDossier(ctx, false, dossier(code79)); err != nil {
		t.Fatalf("sync 79: %v", err)
	}

	a := w.client(auditor)
	for _, code := range []string{code01, code79} {
		if h, err := a.Lookup(ctx, code); err != nil || h.MaHoSo != code {
			t.Errorf("auditor Lookup %s = %v, %v", code, h, err)
		}
	}
	portalError(t, a.SyncDossier(ctx, false, dossier(agency01+"-260302-0002")), dvcqg.CodeFailed, dvcqg.MessageReadOnly)
	portalError(t, a.UpdateProgress(ctx, progressEntry(code01, "2", "A", "B", "20260302093000")), dvcqg.CodeFailed, dvcqg.MessageReadOnly)
	if h, _ := w.srv.Dossier(code01); len(h.QuaTrinhXuLy) != 0 {
		t.Error("auditor's progress was stored")
	}

	// A portal account reads its own agency only.
	_, err := w.client("portal-01").Lookup(ctx, code79)
	portalError(t, err, dvcqg.CodeFailed, code79)
	if dvcqg.IsNotFound(err) {
		t.Error("another agency's dossier should be refused, not reported missing")
	}
}
