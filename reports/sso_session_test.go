package reports

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestSSOSessionInSummary: the setup's note of when sso.login session's
// saved session expires reaches the summary.
func TestSSOSessionInSummary(t *testing.T) {
	note := "SSO logins use the session saved in /home/qa/.config/dvcqa/s.json at 2026-12-01T15:00:00Z; it expires at 2026-12-01T23:00:00Z (in 8h0m0s)"
	setup := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed,
		ReportEntries: []types.ReportEntry{{Name: vocab.EntrySSOSession, Value: types.WrapEntryValue(note)}}}
	s := build(t, []types.SpecReport{setup, it(types.SpecStatePassed, "", "service:DV01", "kind:e2e", "layer:api")}, nil, fixtures.Gate{})
	if s.SSOSession != note {
		t.Errorf("SSOSession = %q, want the setup's note", s.SSOSession)
	}
}
