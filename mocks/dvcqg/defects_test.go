package dvcqg

import (
	"context"
	"testing"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/mocks/defects"
)

func TestDefectLoginAnyPassword(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "dvcqg-login-any-password"})
	w := newWorldWith(t, set)
	ctx := context.Background()
	wrong := w.client("portal-01")
	wrong.Password = "sai-mat-khau"
	if err := wrong.Login(ctx); err != nil {
		t.Fatalf("wrong password with the defect on: %v, want a session", err)
	}
	// Still refused: an unknown account, an empty password, a wrong dstcode.
	unknown := w.client("portal-01")
	unknown.Username = "portal-00"
	empty := w.client("portal-01")
	empty.Password = ""
	dst := w.client("portal-01")
	dst.Password, dst.DstCode = "sai-mat-khau", "DST79"
	for name, c := range map[string]*dvcqg.Client{"unknown account": unknown, "empty password": empty, "wrong dstcode": dst} {
		if err := c.Login(ctx); err == nil {
			t.Errorf("%s with the defect on: a session, want a refusal", name)
		} else {
			portalError(t, err, dvcqg.CodeFailed)
		}
	}
	set.Replace(nil)
	err := wrong.Login(ctx)
	portalError(t, err, dvcqg.CodeFailed, "mật khẩu không đúng")
}

func TestDefectNotFoundWrongCode(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "dvcqg-notfound-wrong-code"})
	w := newWorldWith(t, set)
	ctx := context.Background()
	c := w.client("portal-01")
	unknown := agency01 + "-260302-0404"
	_, err := c.Lookup(ctx, unknown)
	portalError(t, err, codeNotFoundWrong, dvcqg.MessageNotFound)

	known := agency01 + "-260302-0001"
	if err := c.SyncDossier(ctx, false, dossier(known)); err != nil {
		t.Fatalf("SyncDossier: %v", err)
	}
	if _, err := c.Lookup(ctx, known); err != nil {
		t.Errorf("Lookup of a known dossier with the defect on: %v", err)
	}
	set.Replace(nil)
	_, err = c.Lookup(ctx, unknown)
	portalError(t, err, dvcqg.CodeFailed, dvcqg.MessageNotFound)
}

func TestDefectReceivedDateUTC(t *testing.T) {
	set := defects.NewSet(defects.Switch{Name: "dvcqg-received-date-utc"})
	w := newWorldWith(t, set)
	ctx := context.Background()
	c := w.client("portal-01")
	code := agency01 + "-260302-0001"
	sent := dossier(code) // received 2026-03-02 09:00 Vietnam time
	if err := c.SyncDossier(ctx, false, sent); err != nil {
		t.Fatalf("SyncDossier: %v", err)
	}
	got, err := c.Lookup(ctx, code)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if got.NgayTiepNhan != "20260302020000" || got.NgayHenTra != sent.NgayHenTra {
		t.Errorf("with the defect on: NgayTiepNhan %s, NgayHenTra %s; want 20260302020000 (UTC) and %s unchanged",
			got.NgayTiepNhan, got.NgayHenTra, sent.NgayHenTra)
	}
	set.Replace(nil)
	if got, err := c.Lookup(ctx, code); err != nil || got.NgayTiepNhan != sent.NgayTiepNhan {
		t.Errorf("after the switch went off: %+v, %v; want NgayTiepNhan %s", got, err, sent.NgayTiepNhan)
	}
}
