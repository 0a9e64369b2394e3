package browser

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"
)

// ginkgoSuiteEnv makes TestAttachOnFailure run the Ginkgo suite below in a
// child process: RunSpecs may run once per process, and a suite that fails
// on purpose must not fail this package's own run.
const ginkgoSuiteEnv = "DVCQA_BROWSER_TEST_GINKGO_SUITE"

// evidenceDirEnv hands the child the run folder its evidence goes under.
const evidenceDirEnv = "DVCQA_BROWSER_TEST_RUN_DIR"

func TestAttachOnFailure(t *testing.T) {
	if os.Getenv(ginkgoSuiteEnv) != "" {
		runEvidenceSuite(t)
		return
	}
	if _, err := findChromium(""); err != nil && os.Getenv(RemoteURLEnv) == "" {
		t.Skipf("Chromium is not installed: %v", err)
	}
	runDir, report := t.TempDir(), filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestAttachOnFailure$", "-test.count=1",
		"-ginkgo.json-report="+report, "-ginkgo.flake-attempts=2", "-ginkgo.no-color")
	cmd.Env = append(os.Environ(), ginkgoSuiteEnv+"=1", evidenceDirEnv+"="+runDir)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the suite fails one spec on purpose, yet it passed:\n%s", out)
	}

	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no JSON report: %v\n%s", err, out)
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil || len(reports) != 1 {
		t.Fatalf("report: %v", err)
	}
	var failed *types.SpecReport
	for i, s := range reports[0].SpecReports {
		if s.LeafNodeType == types.NodeTypeIt && s.State.Is(types.SpecStateFailed) {
			failed = &reports[0].SpecReports[i]
		}
		if s.LeafNodeText == "passes" && len(s.ReportEntries) != 0 {
			t.Errorf("a passing spec got evidence: %v", s.ReportEntries)
		}
	}
	if failed == nil || failed.NumAttempts != 2 {
		t.Fatalf("want the failing spec run twice, got %+v\n%s", failed, out)
	}
	entries := map[string][]string{}
	for _, e := range failed.ReportEntries {
		entries[e.Name] = append(entries[e.Name], e.Value.String())
	}
	if len(entries["screenshot"]) != 2 || len(entries["page_html"]) != 2 || len(entries["console"]) != 2 {
		t.Fatalf("want screenshot, page_html and console entries for each attempt, got %v\n%s", entries, out)
	}
	for i, p := range entries["screenshot"] {
		if filepath.Dir(p) != filepath.Join(runDir, "evidence") || !strings.HasSuffix(p, "-attempt"+string(rune('1'+i))+".png") {
			t.Errorf("screenshot %d at %s", i, p)
		}
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
		html := strings.TrimSuffix(p, ".png") + ".html"
		if got, _ := os.ReadFile(html); !strings.Contains(string(got), "Trang có lỗi") {
			t.Errorf("%s does not hold the page (was the tab closed first?)", html)
		}
	}
	if c := entries["console"][0]; !strings.Contains(c, "console.error: lỗi thử") || !strings.Contains(c, "full log: "+runDir) {
		t.Errorf("console entry = %q", c)
	}
	if !strings.Contains(filepath.Base(entries["screenshot"][0]), "evidence-fails-on-purpose-on-the-Vietnamese-page") {
		t.Errorf("evidence not named after the spec: %s", entries["screenshot"][0])
	}
}

// runEvidenceSuite is a spec file as the suites write them: the tab's close
// is registered first, the capture after it.
func runEvidenceSuite(t *testing.T) {
	gomega.RegisterFailHandler(ginkgo.Fail)
	var base string
	ginkgo.BeforeSuite(func() {
		srv, _ := testServer(t)
		base = srv.URL
	})
	ginkgo.AfterSuite(CloseProcess)
	open := func(ctx ginkgo.SpecContext) *Tab {
		b, err := ForProcess(Options{RemoteURL: os.Getenv(RemoteURLEnv)})
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		tab, err := b.NewTab(ctx)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		ginkgo.DeferCleanup(tab.Close)
		AttachOnFailure(tab, os.Getenv(evidenceDirEnv))
		gomega.Expect(tab.Navigate(base + "/errors")).To(gomega.Succeed())
		return tab
	}
	ginkgo.Describe("evidence", func() {
		ginkgo.It("fails on purpose on the Vietnamese page", func(ctx ginkgo.SpecContext) {
			open(ctx)
			ginkgo.Fail("cố ý thất bại")
		})
		ginkgo.It("passes", func(ctx ginkgo.SpecContext) {
			open(ctx)
		})
	})
	ginkgo.RunSpecs(t, "browser evidence")
}
