package services

import (
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/api/officer"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// actedAs is the harness's officer of a delivered testService dossier:
// it made the entries from accepted on, with officerNote's notes.
func actedAs(known bool) (*actedBy, officer.Officer) {
	o := officer.Officer{Username: "canbo.01", FullName: "Trần Thị Hoa", Title: "Công chức một cửa", Unit: "UBND Hà Nội"}
	by := &actedBy{Officer: o, Known: known, Notes: map[string]string{"accepted": officerNote(officer.Receive),
		"processing": officerNote(officer.Assign), "finished": officerNote(officer.Sign), "delivered": officerNote(officer.Return)}}
	return by, o
}

// byOfficer makes the dossier's officer entries the acting officer's.
func byOfficer(d *portal.Dossier, o officer.Officer, by *actedBy) {
	for i := range d.History {
		if note, ok := by.Notes[d.History[i].Status]; ok {
			d.History[i].Officer, d.History[i].Title, d.History[i].Unit, d.History[i].Note = o.FullName, o.Title, o.Unit, note
		}
	}
}

// TestHistoryNamesTheActingOfficer: with manual officers the entries the
// harness's officer made name who it logged in as and carry its notes;
// the others (submitted, payment_required) are judged as before.
func TestHistoryNamesTheActingOfficer(t *testing.T) {
	by, o := actedAs(true)
	r, good := delivered(t)
	r.ActedBy = by
	byOfficer(good, o, by)
	var d framework.Diffs
	dossierDiffs(&d, ansDossier, r, good)
	if err := d.Err("dossier"); err != nil {
		t.Fatal(err)
	}
	for field, spoil := range map[string]func(*portal.Dossier){
		"history[accepted].officer":  func(x *portal.Dossier) { x.History[2].Officer = "Nguyễn Văn Bình" }, // a synthetic officer's name
		"history[finished].unit":     func(x *portal.Dossier) { x.History[4].Unit = "Phòng khác" },
		"history[delivered].note":    func(x *portal.Dossier) { x.History[5].Note = "Trả kết quả" }, // the note sent lost
		"history[submitted].officer": func(x *portal.Dossier) { x.History[0].Officer = "" },         // not the officer's, still judged
	} {
		_, got := delivered(t)
		byOfficer(got, o, by)
		spoil(got)
		var d framework.Diffs
		dossierDiffs(&d, ansDossier, r, got)
		failsNaming(t, "dossier", &d, field)
	}

	// The web driver's pages name nobody: the entries are held to form
	// and to the notes sent.
	unknown, _ := actedAs(false)
	r.ActedBy = unknown
	_, other := delivered(t)
	byOfficer(other, officer.Officer{FullName: "Phạm Minh Tuấn", Title: "Chuyên viên", Unit: "Sở Tư pháp"}, unknown)
	d = framework.Diffs{}
	dossierDiffs(&d, ansDossier, r, other)
	if err := d.Err("dossier"); err != nil {
		t.Errorf("web driver, another well-formed officer: %v", err)
	}
	other.History[3].Officer = "canbo.01"
	d = framework.Diffs{}
	dossierDiffs(&d, ansDossier, r, other)
	failsNaming(t, "dossier", &d, "history[processing].officer")
}

func TestOfficerNote(t *testing.T) {
	for _, a := range officer.AllActions {
		if n := officerNote(a); !strings.HasPrefix(n, actionNotesVI[a]) || actionNotesVI[a] == "" || !strings.Contains(n, "dvcqa test run") {
			t.Errorf("note of %s = %q", a, n)
		}
	}
}

func TestOfficerNegativeService(t *testing.T) {
	cat := framework.Catalog()
	i, svc, ok := officerNegativeService(cat)
	if !ok || svc.FeeVND != 0 || len(svc.Chain) != 0 || cat.Services[i].ID != svc.ID {
		t.Errorf("officer negative service %d %+v %v", i, svc.ID, ok)
	}
}
