package gateway

import (
	"testing"

	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

// TestAuditAndLogAreBounded: past MaxAudit and MaxLog the oldest entries
// go; the newest stay, and the audit endpoint still finds them.
func TestAuditAndLogAreBounded(t *testing.T) {
	w := newWorld(t, func(o *Options) { o.MaxAudit, o.MaxLog = 3, 4 })
	tok := w.token(t, "province-01", secret01) // 1 request logged
	for i := range 6 {
		w.lookup(t, tok, "population", "SoDinhDanh="+alice, map[string]string{gwapi.HeaderRequestID: "r-" + string(rune('0'+i))})
	}
	all := w.gw.Audit()
	if len(all) != 3 || all[0].RequestID != "r-3" || all[2].RequestID != "r-5" {
		t.Errorf("audit kept %+v, want the last 3 (r-3..r-5)", all)
	}
	if got := len(w.gw.Requests()); got != 4 {
		t.Errorf("request log holds %d, want 4", got)
	}
	if audit, log := w.gw.Evicted(); audit != 3 || log != 3 {
		t.Errorf("evicted audit %d, log %d; want 3, 3", audit, log)
	}
	if got := w.auditAbout(t, tok, alice); len(got) != 3 {
		t.Errorf("audit endpoint lists %d entries, want the 3 kept", len(got))
	}
}
