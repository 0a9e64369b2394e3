package trial

import (
	"context"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/store/storetest"
)

// TestRecordIsIdempotent: recording the same observation twice adds its
// transitions once, and a closed dossier stays closed, on every backend.
func TestRecordIsIdempotent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		st := storetest.Open(t, b)
		now := time.Now()
		c := &Campaign{ID: "c1", CreatedAt: now, TargetKind: "mock", Provinces: []string{"01"}, Services: []string{"DV01"},
			PerService: 1, Marker: "dvcqa test run c1", Status: StatusOpen}
		if err := createCampaign(ctx, st, c); err != nil {
			t.Fatal(err)
		}
		if err := createCampaign(ctx, st, c); err == nil {
			t.Error("a second campaign c1 was accepted")
		}
		if err := addDossier(ctx, st, Dossier{CampaignID: "c1", Code: "X", DossierID: "x", ServiceID: "DV01", Province: "01",
			AccountRef: AccountRef(0), SubmittedAt: now, Status: "submitted"}); err != nil {
			t.Fatal(err)
		}
		o := observation{status: "delivered", closed: true, transitions: []Transition{
			{Code: "X", Source: SourcePortal, Seq: 0, State: "submitted", StatusCode: 1, At: now, ObservedAt: now},
			{Code: "X", Source: SourceDVCQG, Seq: 0, State: "submitted", StatusCode: 1, At: now, ObservedAt: now}}}
		for i, want := range []int{2, 0} {
			n, err := record(ctx, st, "c1", "X", o)
			if err != nil || n != want {
				t.Fatalf("record %d: %d new, %v; want %d", i, n, err, want)
			}
			o.closed = false // a later, stale observation does not reopen it
		}
		ds, err := Dossiers(ctx, st, "c1")
		if err != nil || len(ds) != 1 || !ds[0].Closed || ds[0].Status != "delivered" {
			t.Fatalf("dossiers %+v, %v", ds, err)
		}
		trs, err := Transitions(ctx, st, "c1")
		if err != nil || len(trs) != 2 || !trs[0].At.Equal(now.Truncate(time.Nanosecond)) {
			t.Fatalf("transitions %+v, %v", trs, err)
		}
		latest, err := LoadCampaign(ctx, st, "latest")
		if err != nil || latest.ID != "c1" || latest.Services[0] != "DV01" {
			t.Fatalf("latest campaign %+v, %v", latest, err)
		}
	})
}
