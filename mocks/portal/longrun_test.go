package portal

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	api "github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/clock"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestPortalRunsForYears fast-forwards a portal's wall clock by 30 minutes
// (where the old single world clock, at 10 ms a day, was about to saturate)
// and then a week at a time through the calendar's two years, submitting
// dossiers as it goes: free, paid (paid days after submission) and chained.
// Each is processed to delivery in milliseconds, its code and dates come
// from its real submission time, and every date stays inside the holiday
// calendar's years.
func TestPortalRunsForYears(t *testing.T) {
	cat, err := fixtures.Load()
	if err != nil {
		t.Fatal(err)
	}
	first, last := calendarYears(t, cat.Calendar)
	fake := clock.NewFake(time.Date(first, 1, 5, 8, 0, 0, 0, vocab.Vietnam)) // a Monday
	ck := clock.NewWall(fake, worldDay)
	t.Cleanup(ck.Stop) // after the portal's Close (cleanups run last first)
	// The portal's own calendar over the real holidays: this test is about
	// time running for years, the calendar rule has its own tests.
	cal, err := newOfficeCalendar(cat.Calendar.Holidays)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvFrom(t, envConfig{day: worldDay, tweak: func(o *Options) { o.Clock = ck; o.Calendar = cal }})
	c := e.as(an)
	ctx := context.Background()
	codeRE := regexp.MustCompile(`^` + regexp.QuoteMeta(testProvince.AgencyID) + `-(\d{6})-\d{4}$`)

	var simulated, slowest time.Duration
	dossiers := 0
	// check waits for the dossier (and its follow-on dossiers) to be
	// delivered and checks its dates against the wall time it was submitted.
	var check func(d *api.Dossier, wall time.Time, days int)
	check = func(d *api.Dossier, wall time.Time, days int) {
		t.Helper()
		began := time.Now()
		d = e.waitFor(c, d.ID, "delivered", func(d *api.Dossier) bool {
			return d.Status == api.StatusDelivered && allDelivered(d.Chain)
		})
		slowest = max(slowest, time.Since(began))
		dossiers++
		simulated += d.DeliveredAt.Sub(d.SubmittedAt)
		m := codeRE.FindStringSubmatch(d.Code)
		if m == nil || m[1] != wall.Format("060102") {
			t.Fatalf("dossier submitted %s has code %s", wall.Format(time.DateTime), d.Code)
		}
		if d.SubmittedAt.Before(wall.Add(-time.Second)) || d.SubmittedAt.After(wall.Add(time.Minute)) {
			t.Fatalf("%s submitted at %s, wall time %s", d.Code, d.SubmittedAt, wall)
		}
		if want := cal.AddWorkingDays(d.AcceptedAt, days); !d.AppointmentAt.Equal(want) {
			t.Fatalf("%s accepted %s: appointment %s, want %s", d.Code, d.AcceptedAt, d.AppointmentAt, want)
		}
		if d.DeliveredAt.After(d.AppointmentAt) {
			t.Fatalf("%s delivered %s after its appointment %s", d.Code, d.DeliveredAt, d.AppointmentAt)
		}
		for i, h := range d.History {
			if i > 0 && h.At.Before(d.History[i-1].At) {
				t.Fatalf("history of %s goes back in time at %s", d.Code, h.Status)
			}
		}
		for _, at := range []time.Time{d.SubmittedAt, d.AcceptedAt, d.AppointmentAt, d.DeliveredAt} {
			if y := at.Year(); y < first || y > last {
				t.Fatalf("%s has date %s outside the calendar's years %d-%d", d.Code, at, first, last)
			}
		}
		// What the national portal got so far: dates as yyyyMMddHHmmss, in
		// the calendar's years too.
		synced := 0
		for _, call := range e.national.callsFor(d.Code) {
			if call.Kind != "sync" {
				continue
			}
			synced++
			for _, at := range []time.Time{call.Dossier.NgayTiepNhan, call.Dossier.NgayHenTra, call.Dossier.NgayTra} {
				if w := at.In(vocab.Vietnam).Format("20060102150405"); !at.IsZero() && (len(w) != 14 || at.Year() < first || at.Year() > last) {
					t.Fatalf("%s: national date %q is not yyyyMMddHHmmss in %d-%d", d.Code, w, first, last)
				}
			}
		}
		if synced == 0 {
			t.Fatalf("%s never reached the national portal", d.Code)
		}
		for _, link := range d.Chain {
			child := e.byCode(t, link.Code)
			if child.SubmittedAt.Before(d.SubmittedAt) || child.DeliveredAt.Year() > last {
				t.Fatalf("follow-on %s of %s dated %s-%s", child.Code, d.Code, child.SubmittedAt, child.DeliveredAt)
			}
		}
	}

	end := time.Date(last, 11, 30, 0, 0, 0, 0, vocab.Vietnam)
	for step, jump := 0, 30*time.Minute; ; step, jump = step+1, 7*24*time.Hour {
		fake.Advance(jump)
		wall := ck.Now()
		if wall.After(end) {
			break
		}
		d, _, err := c.Submit(ctx, fmt.Sprint("birth-", step), e.birthRequest(c))
		if err != nil {
			t.Fatalf("step %d (%s): %v", step, wall.Format(time.DateOnly), err)
		}
		check(d, wall, 3)
		if step%10 != 0 {
			continue
		}
		d, _, err = c.Submit(ctx, fmt.Sprint("chain-", step), api.SubmitRequest{ServiceID: "DV15", Fields: map[string]string{"HoTenTre": "Nguyễn Văn Bé"}})
		if err != nil {
			t.Fatalf("step %d chain: %v", step, err)
		}
		check(d, wall, 2)
		// A paid dossier waits for the citizen two days, then for nobody.
		d = e.passportDossierKey(c, fmt.Sprint("passport-", step))
		fake.Advance(48 * time.Hour)
		txn := e.startPayment(c, d.ID)
		cb := fakeCallback{MaThamChieu: d.Code, MaGiaoDich: txn, SoTien: 200000, TrangThaiGD: PaymentSucceeded}
		cb.MaXacThuc = cb.sign()
		if st, code := e.callback(cb); st != 200 || code != "00" {
			t.Fatalf("step %d payment callback: %d %s", step, st, code)
		}
		check(d, wall, 8)
		if got := e.byCode(t, d.Code); got.AcceptedAt.Sub(wall) < 48*time.Hour {
			t.Fatalf("%s paid two days after submission was accepted at %s", d.Code, got.AcceptedAt)
		}
	}
	if dossiers < 100 {
		t.Fatalf("only %d dossiers in two years", dossiers)
	}
	t.Logf("%d dossiers, %.1f years of processing simulated; slowest took %v of real time to deliver",
		dossiers, simulated.Hours()/24/365, slowest)
	if slowest > 2*time.Second {
		t.Errorf("a dossier took %v of real time to deliver", slowest)
	}
}

// calendarYears is the first and last year the holiday calendar lists.
func calendarYears(t *testing.T, cal fixtures.Calendar) (first, last int) {
	t.Helper()
	for _, h := range cal.Holidays {
		y, err := time.Parse(time.DateOnly, h)
		if err != nil {
			t.Fatal(err)
		}
		if first == 0 || y.Year() < first {
			first = y.Year()
		}
		last = max(last, y.Year())
	}
	return first, last
}

func allDelivered(chain []api.ChainLink) bool {
	for _, l := range chain {
		if l.Status != api.StatusDelivered {
			return false
		}
	}
	return true
}

// byCode reads a dossier by its code, as its owner An.
func (e *env) byCode(t *testing.T, code string) *api.Dossier {
	t.Helper()
	all, err := e.as(an).Dossiers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		if d.Code == code {
			return &d
		}
	}
	t.Fatalf("no dossier %s", code)
	return nil
}

// passportDossierKey is passportDossier under its own idempotency key.
func (e *env) passportDossierKey(c *api.Client, key string) *api.Dossier {
	e.t.Helper()
	photo := e.upload(c, "anh_chan_dung", "image/jpeg", jpgBytes)
	d, _, err := c.Submit(context.Background(), key, api.SubmitRequest{ServiceID: "DV12",
		Fields:      map[string]string{"NoiNhan": "Bưu chính"},
		Attachments: []api.AttachmentRef{{Type: "anh_chan_dung", ID: photo.ID}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// startPayment starts the dossier's payment and returns the transaction.
func (e *env) startPayment(c *api.Client, id string) string {
	e.t.Helper()
	p, err := c.StartPayment(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p.PayURL[strings.LastIndex(p.PayURL, "/")+1:]
}
