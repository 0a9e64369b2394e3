package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
)

func spec(state types.SpecState, msg string, labels ...string) types.SpecReport {
	return types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "spec " + strings.Join(labels, " "),
		LeafNodeLabels: labels, State: state, Failure: types.Failure{Message: msg}}
}

func testCatalog() *fixtures.Catalog {
	return &fixtures.Catalog{
		Services:  []fixtures.Service{{ID: "DV01", NameVI: "Một"}, {ID: "DV02", NameVI: "Hai"}, {ID: "DV03", NameVI: "Ba"}},
		Databases: []fixtures.Database{{ID: "population", NameVI: "Dân cư"}, {ID: "tax", NameVI: "Thuế"}},
	}
}

func TestBuildVerdicts(t *testing.T) {
	rep := types.Report{SpecReports: []types.SpecReport{
		spec(types.SpecStatePassed, "", "service:DV01", "kind:e2e", "db:population"),
		spec(types.SpecStatePassed, "", "service:DV01", "kind:negative"),
		spec(types.SpecStatePassed, "", "service:DV02", "kind:e2e"),
		spec(types.SpecStateFailed, "national portal status \"4\" ≠ portal status \"delivered\" for citizen 001085012345\nExpected...", "service:DV02", "kind:e2e"),
		spec(types.SpecStatePassed, "", "db:population", "kind:connection"),
		spec(types.SpecStateTimedout, "timed out", "db:tax", "kind:connection"),
		spec(types.SpecStatePassed, "", "system:sso", "kind:platform"),
	}}
	now := time.Now()
	s := Build([]types.Report{rep}, testCatalog(), Meta{RunID: "r1", StartedAt: now, FinishedAt: now.Add(2 * time.Second)}, redact.NewMasker())

	want := map[string]string{"DV01": Pass, "DV02": Fail, "DV03": Skipped}
	for _, v := range s.Services {
		if v.Verdict != want[v.ID] {
			t.Errorf("%s verdict %q, want %q", v.ID, v.Verdict, want[v.ID])
		}
	}
	if s.NationalDBs["population"].Verdict != Pass || s.NationalDBs["tax"].Verdict != Fail {
		t.Errorf("db verdicts: population %q tax %q", s.NationalDBs["population"].Verdict, s.NationalDBs["tax"].Verdict)
	}
	// A service spec labelled db:population must not count for the database.
	if s.NationalDBs["population"].Passed != 1 {
		t.Errorf("population counted %d passed specs, want 1 (connection specs only)", s.NationalDBs["population"].Passed)
	}
	if s.Platform["sso"] == nil || s.Platform["sso"].Verdict != Pass {
		t.Errorf("platform sso verdict missing or wrong: %+v", s.Platform["sso"])
	}
	if s.Passed {
		t.Error("run with failures marked passed")
	}
	if s.Totals.Specs != 7 || s.Totals.Failed != 2 || s.Totals.ServicesPassed != 1 || s.Totals.DBsPassed != 1 {
		t.Errorf("totals %+v", s.Totals)
	}
	if h := headline("Timed out after 5.001s.\nThe function passed to Eventually failed at x.go:1 with:\nnational portal status \"1\" ≠ portal status\nExpected"); h != `national portal status "1" ≠ portal status` {
		t.Errorf("headline skips Gomega's preamble: got %q", h)
	}
	reason := s.Services[1].Failures[0].Reason
	if strings.Contains(reason, "001085012345") || !strings.Contains(reason, "001*******45") {
		t.Errorf("failure reason not masked: %q", reason)
	}
}

func TestBuildSuiteFailureFailsRun(t *testing.T) {
	rep := types.Report{SpecReports: []types.SpecReport{
		{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStateFailed, Failure: types.Failure{Message: "start the embedded mock world: listen: address in use"}},
		spec(types.SpecStateSkipped, "", "service:DV01"),
	}}
	s := Build([]types.Report{rep}, testCatalog(), Meta{}, redact.NewMasker())
	if s.Passed || len(s.SuiteFailures) != 1 {
		t.Fatalf("suite failure not reported: passed=%v failures=%v", s.Passed, s.SuiteFailures)
	}
	var buf bytes.Buffer
	PrintTable(&buf, s)
	if !strings.Contains(buf.String(), "SUITE SETUP FAILED") || !strings.Contains(buf.String(), "specs: 0 passed, 0 failed, 1 skipped") {
		t.Errorf("table lacks the setup failure or closing line:\n%s", buf.String())
	}
}

func TestMaskJSONFileKeepsNumbers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.json")
	if err := os.WriteFile(path, []byte(`[{"RunTime": 123456789012, "Message": "citizen 079300123456 token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := MaskJSONFile(path, redact.NewMasker()); err != nil {
		t.Fatal(err)
	}
	out, _ := os.ReadFile(path)
	if !strings.Contains(string(out), "123456789012") {
		t.Errorf("number was masked: %s", out)
	}
	if strings.Contains(string(out), "079300123456") || strings.Contains(string(out), "eyJhbGci") {
		t.Errorf("string not masked: %s", out)
	}
}

func TestCopyLatest(t *testing.T) {
	root := t.TempDir()
	run := filepath.Join(root, "run1")
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteSummary(run, &Summary{RunID: "run1"}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(run, "evidence"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run, "evidence", "shot.png"), []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CopyLatest(root, run); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, LatestDir, SummaryFile))
	if err != nil || !strings.Contains(string(data), `"run_id": "run1"`) {
		t.Fatalf("latest summary: %v %s", err, data)
	}
	if _, err := os.Stat(filepath.Join(root, LatestDir, "evidence", "shot.png")); err != nil {
		t.Fatalf("evidence not copied to latest: %v", err)
	}
}
