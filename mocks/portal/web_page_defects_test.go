package portal

import (
	"testing"

	"github.com/dvcqa/dvcqa/mocks/defects"
)

// TestWebPageDefects: each page defect changes what the page prints, for
// its service only, and is a portal defect of the registry.
func TestWebPageDefects(t *testing.T) {
	for _, name := range []string{defectWebFeeWrong} {
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
}
