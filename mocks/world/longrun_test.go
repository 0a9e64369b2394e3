package world

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	dvcqgapi "github.com/dvcqa/dvcqa/api/dvcqg"
	portalapi "github.com/dvcqa/dvcqa/api/portal"
	ssoapi "github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/clock"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestStandaloneMockStillProcessesAfterHours is the standalone mock (`make
// mock`: default day of 10 ms) with its wall clock fast-forwarded: after 30
// minutes, a day and ten months (where the old single world clock had
// saturated at 292 years after 18 minutes), a citizen logs in, submits a
// dossier and gets it delivered within the suites' 5 s result budget, dated
// on the wall's day, as the national portal reports it too.
func TestStandaloneMockStillProcessesAfterHours(t *testing.T) {
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, vocab.Vietnam)
	fake := clock.NewFake(start)
	w, err := Start(Options{Seed: 11, Wall: fake})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	hc := &http.Client{Timeout: 5 * time.Second}
	u := w.URLs("01")
	c := w.Citizens.Applicants("01")[0]
	login := &ssoapi.Client{Issuer: u.SSO, ClientID: "dvcqa-portal", RedirectURI: u.Portal + "/auth/callback", HTTP: hc}
	prov, _ := w.Catalog.Province("01")
	national := &dvcqgapi.Client{BaseURL: u.DVCQG, Username: "portal-01", Password: fixtures.MockSecret(11, "dvcqg:portal-01"),
		DstCode: "DST01", AgencyID: prov.AgencyID, HTTP: hc}

	for i, jump := range []time.Duration{30 * time.Minute, 24 * time.Hour, 300 * 24 * time.Hour} {
		fake.Advance(jump)
		wall := fake.Now().In(vocab.Vietnam)
		tok, err := login.Login(ctx, c.PersonalID, c.Password) // the SSO keeps real time
		if err != nil {
			t.Fatal(err)
		}
		p := &portalapi.Client{BaseURL: u.Portal, Token: tok.IDToken, HTTP: hc}
		d, _, err := p.Submit(ctx, fmt.Sprint("k", i), portalapi.SubmitRequest{ServiceID: "DV01", Fields: map[string]string{"LyDo": "Bổ sung hồ sơ vay vốn ngân hàng"}})
		if err != nil {
			t.Fatalf("+%v: submit: %v", jump, err)
		}
		began := time.Now()
		for d.Status != portalapi.StatusDelivered {
			if time.Since(began) > 5*time.Second {
				t.Fatalf("+%v (wall %s): dossier %s still %s after 5 s", jump, wall.Format(time.DateTime), d.Code, d.Status)
			}
			time.Sleep(5 * time.Millisecond)
			if d, err = p.Dossier(ctx, d.ID); err != nil {
				t.Fatal(err)
			}
		}
		took := time.Since(began)
		if want := prov.AgencyID + "-" + wall.Format("060102") + "-"; !strings.HasPrefix(d.Code, want) {
			t.Errorf("+%v: code %s, want %s…", jump, d.Code, want)
		}
		if !workingDayAt17(d.AppointmentAt, w.Catalog.Calendar.Holidays) || !d.AppointmentAt.After(d.AcceptedAt.AddDate(0, 0, 3)) || d.DeliveredAt.After(d.AppointmentAt) ||
			d.SubmittedAt.Sub(wall) > time.Minute || d.AppointmentAt.Sub(wall) > 30*24*time.Hour {
			t.Errorf("+%v (wall %s): submitted %s, accepted %s, appointment %s, delivered %s", jump, wall.Format(time.DateTime),
				d.SubmittedAt, d.AcceptedAt, d.AppointmentAt, d.DeliveredAt)
		}
		var hs *dvcqgapi.HoSo
		for hs == nil || hs.NgayTra == "" { // the last push may still be on its way
			if time.Since(began) > 5*time.Second {
				t.Fatalf("+%v: the national portal has %+v", jump, hs)
			}
			if hs, err = national.Lookup(ctx, d.Code); err != nil {
				t.Fatal(err)
			}
		}
		if hs.NgayTiepNhan != dvcqgapi.FormatTime(d.SubmittedAt) || hs.NgayHenTra != dvcqgapi.FormatTime(d.AppointmentAt) || hs.NgayTra != dvcqgapi.FormatTime(d.DeliveredAt) {
			t.Errorf("+%v: national portal dates %s/%s/%s for %s", jump, hs.NgayTiepNhan, hs.NgayHenTra, hs.NgayTra, d.Code)
		}
		t.Logf("+%v: %s submitted %s, delivered %s (appointment %s) in %v", jump, d.Code,
			d.SubmittedAt.Format(time.DateTime), d.DeliveredAt.Format(time.DateTime), d.AppointmentAt.Format(time.DateTime), took.Round(time.Millisecond))
	}
}

// workingDayAt17: the appointment is at the end of an office day, neither a
// weekend nor a holiday (the exact count is the portal's calendar tests').
func workingDayAt17(t time.Time, holidays []string) bool {
	t = t.In(vocab.Vietnam)
	wd := t.Weekday()
	return t.Hour() == 17 && t.Minute() == 0 && wd != time.Saturday && wd != time.Sunday && !slices.Contains(holidays, t.Format(time.DateOnly))
}
