package portal

import (
	"context"
	"net/http"
	"strings"
	"testing"

	api "github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/mocks/defects"
)

// TestSharedRuleDefects: each defect that breaks the portal's side of a
// rule the harness checks too shows on its service only.
func TestSharedRuleDefects(t *testing.T) {
	runDefectCases(t, []defectCase{
		{defects.Switch{Name: defectStatusCodesSwapped, Service: "DV09"}, "DV12", checkStatusCodesSwapped},
		{defects.Switch{Name: defectCalendarSaturday, Service: "DV12"}, "DV09", checkCalendarSaturday},
		{defects.Switch{Name: defectDossierCodeFormat, Service: "DV09"}, "DV12", checkDossierCodeFormat},
		{defects.Switch{Name: defectPersonalIDLenient, Service: "DV09"}, "DV12", checkPersonalIDLenient},
	})
}

func checkStatusCodesSwapped(t *testing.T, e *env, broken bool) {
	d := e.deliveredBirth(e.as(an))
	want := map[string]int{"submitted": 1, "accepted": 2, "processing": 4, "finished": 9, "delivered": 10}
	if broken {
		want["accepted"], want["processing"] = 4, 2
	}
	for _, h := range d.History {
		expect(t, h.StatusCode == want[h.Status], "history %s has code %d, want %d", h.Status, h.StatusCode, want[h.Status])
	}
	expect(t, d.StatusCode == 10, "delivered dossier has code %d", d.StatusCode)
}

func checkCalendarSaturday(t *testing.T, e *env, broken bool) {
	c := e.as(an)
	d := e.passportDossier(c)
	e.pay(d)
	d = e.waitFor(c, d.ID, "delivered", delivered)
	want := (weekdays{}).AddWorkingDays(d.AcceptedAt, 8)
	early := officeCalendar{saturdays: true}.AddWorkingDays(d.AcceptedAt, 8)
	expect(t, early.Before(want), "8 working days take in a Saturday: %v vs %v", early, want)
	if broken {
		want = early
	}
	expect(t, d.AppointmentAt.Equal(want), "appointment %v, want %v (accepted %v)", d.AppointmentAt, want, d.AcceptedAt)
	expect(t, !d.DeliveredAt.After(d.AppointmentAt), "delivered %v after the appointment %v", d.DeliveredAt, d.AppointmentAt)
}

func checkDossierCodeFormat(t *testing.T, e *env, broken bool) {
	c := e.as(an)
	d, _, err := c.Submit(context.Background(), "k", e.birthRequest(c))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(strings.TrimPrefix(d.Code, testProvince.AgencyID+"-"), "-")
	want := 6
	if broken {
		want = 8
	}
	expect(t, len(parts) == 2 && len(parts[0]) == want && len(parts[1]) == 4, "code %s: want a %d-digit date", d.Code, want)
}

func checkPersonalIDLenient(t *testing.T, e *env, broken bool) {
	c := e.as(an)
	req := e.birthRequest(c)
	req.Fields["SoDinhDanh"] = "12345678"
	_, _, err := c.Submit(context.Background(), "k", req)
	want := api.FieldInvalidFormat
	if broken {
		want = api.FieldNationalMismatch
	}
	got := fieldCodes(apiErr(t, err, http.StatusUnprocessableEntity))
	expect(t, len(got) == 1 && got["SoDinhDanh"] == want, "8-digit ID: field errors %v, want SoDinhDanh %s only", got, want)
}
