package framework

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/fixtures"
)

// portalGuardEnv makes TestPortalGuard run the Ginkgo suite below in a
// child process (RunSpecs may run once per process).
const portalGuardEnv = "DVCQA_FRAMEWORK_TEST_PORTAL_GUARD"

var _ = ginkgo.Describe("portal guard", func() {
	ginkgo.It("skips on portal.api none", func() {
		f := &Framework{Env: &Env{Target: &fixtures.Target{Portal: fixtures.PortalConfig{API: fixtures.PortalAPINone}}}}
		f.Portal("token")
		ginkgo.Fail("Portal returned a client on a portal without the citizen API")
	})
	ginkgo.It("gives the client on portal.api dvcqa", func() {
		f := &Framework{Env: &Env{Target: &fixtures.Target{Portal: fixtures.PortalConfig{API: fixtures.PortalAPIDvcqa},
			URLs: fixtures.URLs{Portal: "http://127.0.0.1:1/portal/01"}}}}
		c := f.Portal("token")
		gomega.Expect(c.Token).To(gomega.Equal("token"))
		gomega.Expect(c.BaseURL).To(gomega.Equal("http://127.0.0.1:1/portal/01"))
	})
})

// Framework.Portal is the specs' one access point to the citizen API: on
// portal.api none the spec ends skipped (NOT RUN) naming the key, never
// passed or failed.
func TestPortalGuard(t *testing.T) {
	if os.Getenv(portalGuardEnv) != "" {
		gomega.RegisterFailHandler(ginkgo.Fail)
		ginkgo.RunSpecs(t, "portal guard")
		return
	}
	report := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestPortalGuard$", "-test.count=1", "-ginkgo.json-report="+report, "-ginkgo.no-color")
	cmd.Env = append(os.Environ(), portalGuardEnv+"=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("guard suite: %v\n%s", err, out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var reps []types.Report
	if err := json.Unmarshal(data, &reps); err != nil || len(reps) != 1 {
		t.Fatalf("report: %v", err)
	}
	got := map[string]types.SpecReport{}
	for _, s := range reps[0].SpecReports {
		if s.LeafNodeType == types.NodeTypeIt {
			got[s.LeafNodeText] = s
		}
	}
	if s := got["skips on portal.api none"]; s.State != types.SpecStateSkipped || s.Failure.Message != PortalAPINoneSkip {
		t.Errorf("api none: %s %q, want skipped with %q", s.State, s.Failure.Message, PortalAPINoneSkip)
	}
	if s := got["gives the client on portal.api dvcqa"]; s.State != types.SpecStatePassed {
		t.Errorf("api dvcqa: %s %q", s.State, s.Failure.Message)
	}
}
