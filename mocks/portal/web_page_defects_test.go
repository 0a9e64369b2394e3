package portal

import (
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/mocks/defects"
)

// TestWebPageDefects: each page defect changes what the page prints, for
// its service only, and is a portal defect of the registry.
func TestWebPageDefects(t *testing.T) {
	for _, name := range []string{defectWebFeeWrong, defectWebStatusLabelWrong, defectWebAppointmentWrong, defectWebResultApplicant} {
		if d, ok := defects.Lookup(name); !ok || d.System != "portal" || !d.Scopable || d.Param != "" {
			t.Errorf("defect %q: registry entry %+v (found %v)", name, d, ok)
		}
	}
	t.Run("web-fee-wrong", func(t *testing.T) {
		e := newWebEnv(t, nil)
		cat := e.portal.opts.Catalog.Services
		broken, other := cat[0], cat[1]
		e = newWebEnv(t, defects.NewSet(defects.Switch{Name: defectWebFeeWrong, Service: broken.ID}))
		b := e.browser()
		for svc, want := range map[string]string{broken.ID: formatFee(broken.FeeVND + 10_000), other.ID: formatFee(other.FeeVND)} {
			r := b.get("/dich-vu/" + svc)
			if got := text(mustID(t, r, "le-phi")); got != want {
				t.Errorf("%s: #le-phi = %q, want %q", svc, got, want)
			}
		}
	})
	t.Run("web-status-label-wrong", func(t *testing.T) {
		e := newWebEnv(t, defects.NewSet(defects.Switch{Name: defectWebStatusLabelWrong, Service: "DV09"}))
		for _, c := range []struct{ svc, status, want string }{
			{"DV09", "delivered", "Đã xử lý xong"}, {"DV09", "processing", "Đang xử lý"}, {"DV10", "delivered", "Đã trả kết quả"},
		} {
			if got := e.portal.statusShown(c.svc, c.status); got != c.want {
				t.Errorf("%s %s: label %q, want %q", c.svc, c.status, got, c.want)
			}
		}
	})
	t.Run("web-appointment-date-wrong", func(t *testing.T) {
		e := newWebEnv(t, defects.NewSet(defects.Switch{Name: defectWebAppointmentWrong, Service: "DV09"}))
		at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
		if got := e.portal.appointmentShown("DV09", at); !got.Equal(at.AddDate(0, 0, 1)) {
			t.Errorf("DV09: shown %v", got)
		}
		if got := e.portal.appointmentShown("DV10", at); !got.Equal(at) {
			t.Errorf("DV10: shown %v", got)
		}
		if got := e.portal.appointmentShown("DV09", time.Time{}); !got.IsZero() {
			t.Errorf("no appointment yet: shown %v", got)
		}
	})
	t.Run("web-result-applicant-wrong", func(t *testing.T) {
		e := newWebEnv(t, defects.NewSet(defects.Switch{Name: defectWebResultApplicant, Service: "DV09"}))
		for _, c := range []struct{ svc, id, want string }{
			{"DV09", "001203004519", "001203004510"}, {"DV09", "001203004511", "001203004512"}, {"DV10", "001203004519", "001203004519"},
		} {
			if got := e.portal.applicantIDShown(c.svc, c.id); got != c.want {
				t.Errorf("%s %s: shown %q, want %q", c.svc, c.id, got, c.want)
			}
		}
	})
}
