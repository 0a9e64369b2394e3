package trial

import (
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/suites/framework/refs"
	"github.com/dvcqa/dvcqa/vocab"
)

// vn is a time in Vietnam (UTC+7).
func vn(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, vocab.Vietnam)
	if err != nil {
		panic(err)
	}
	return t
}

func tr(code, source string, seq int, state string, codeNum int, at string) Transition {
	return Transition{Code: code, Source: source, Seq: seq, State: state, StatusCode: codeNum, At: vn(at)}
}

// TestComputeFigures: the due date by the harness's working-day calendar
// (accepted Friday 2025-07-04 + 2 working days = Tuesday 2025-07-08 17:00,
// the weekend not counted), one dossier returned on time, one late, one
// not returned and past due, one DVCQG never saw; lag from DVCQG's times.
func TestComputeFigures(t *testing.T) {
	cal, err := refs.NewWorkingCalendar(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &Campaign{ID: "c1"}
	ds := []Dossier{
		{Code: "A", ServiceID: "DV07", Province: "01", ProcessingDays: 2, FeeVND: 1, PaidAt: vn("2025-07-04 08:00")},
		{Code: "B", ServiceID: "DV07", Province: "01", ProcessingDays: 2, FeeVND: 1},
		{Code: "C", ServiceID: "DV01", Province: "01", ProcessingDays: 2},
		{Code: "D", ServiceID: "DV01", Province: "01", ProcessingDays: 2},
	}
	trs := []Transition{
		tr("A", SourcePortal, 0, "submitted", 1, "2025-07-04 08:00"),
		tr("A", SourcePortal, 1, "accepted", 2, "2025-07-04 09:00"),
		tr("A", SourcePortal, 2, "delivered", 10, "2025-07-08 17:00"), // on the due minute: on time
		tr("A", SourceDVCQG, 0, "submitted", 1, "2025-07-04 08:00"),
		tr("A", SourceDVCQG, 1, "accepted", 2, "2025-07-04 09:01"),
		tr("A", SourceDVCQG, 2, "delivered", 10, "2025-07-08 17:03"),
		tr("B", SourcePortal, 0, "submitted", 1, "2025-07-04 08:00"),
		tr("B", SourcePortal, 1, "accepted", 2, "2025-07-04 09:00"),
		tr("B", SourcePortal, 2, "delivered", 10, "2025-07-09 08:00"), // late
		tr("C", SourcePortal, 0, "submitted", 1, "2025-07-04 08:00"),
		tr("C", SourcePortal, 1, "accepted", 2, "2025-07-04 09:00"),
		tr("C", SourcePortal, 2, "processing", 4, "2025-07-04 10:00"), // still processing after the due date
		tr("C", SourceDVCQG, 0, "submitted", 1, "2025-07-04 08:00"),
		tr("D", SourcePortal, 0, "submitted", 1, "2025-07-04 08:00"),
	}
	r := Compute(c, ds, trs, cal, vn("2025-07-10 12:00"))
	f := r.Overall
	got := [...]int{f.Submitted, f.Received, f.InProcess, f.Returned, f.OnTime, f.Overdue, f.Synced, f.WithFee, f.Paid}
	want := [...]int{4, 3, 1, 2, 1, 2, 1, 2, 1}
	if got != want {
		t.Errorf("figures [submitted received in-process returned on-time overdue synced with-fee paid] = %v, want %v", got, want)
	}
	if d := r.Dossiers[0].Due; !d.Equal(vn("2025-07-08 17:00")) {
		t.Errorf("due of A: %s, want 2025-07-08 17:00 (+07)", d)
	}
	if f.LagSamples != 4 || *f.LagMedianSeconds != 30 || *f.LagMaxSeconds != 180 {
		t.Errorf("lag: %d samples, median %v max %v; want 4 samples (0, 60, 180, 0 s), median 30 s, max 180 s", f.LagSamples, *f.LagMedianSeconds, *f.LagMaxSeconds)
	}
	const headline = "Thử nghiệm c1: 2/4 hồ sơ trả kết quả · 50,00% đúng hạn · đồng bộ DVCQG 25,00% · thanh toán trực tuyến 1/2"
	if r.Headline != headline {
		t.Errorf("headline\n got %q\nwant %q", r.Headline, headline)
	}
	if len(r.ByService) != 2 || r.ByService[0].Service != "DV01" || r.ByService[1].Overdue != 1 {
		t.Errorf("per service: %+v", r.ByService)
	}
}

func TestPercent(t *testing.T) {
	v := 500.0 / 6
	for _, c := range []struct {
		p    *float64
		want string
	}{{&v, "83,33%"}, {pct(6, 6), "100,00%"}, {pct(0, 3), "0,00%"}, {nil, "—"}} {
		if got := Percent(c.p); got != c.want {
			t.Errorf("Percent = %q, want %q", got, c.want)
		}
	}
}
