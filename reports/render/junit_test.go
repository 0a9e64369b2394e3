package render_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/reports/render"
)

// junitXSD is the JUnit schema of the xunit Jenkins plugin (MIT licence,
// see testdata/LICENCE.md), kept in the repo so the test never skips for want of it.
const junitXSD = "testdata/junit-10.xsd"

var junitT0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

const (
	svcContainer = "Essential online public services (dịch vụ công thiết yếu)"
	citizenID    = "001234567890"
)

func junitIt(container, leaf string, state types.SpecState, secs float64, labels ...string) types.SpecReport {
	return types.SpecReport{
		ContainerHierarchyTexts:  []string{svcContainer, container},
		ContainerHierarchyLabels: [][]string{{"layer:api"}, labels},
		LeafNodeType:             types.NodeTypeIt,
		LeafNodeText:             leaf,
		LeafNodeLabels:           []string{"kind:e2e"},
		LeafNodeLocation:         types.CodeLocation{FileName: "/work/main/suites/services/e2e.go", LineNumber: 42},
		State:                    state,
		StartTime:                junitT0,
		RunTime:                  time.Duration(secs * float64(time.Second)),
		NumAttempts:              1,
	}
}

// junitFixture is a run with every kind of spec, and a second report whose
// BeforeSuite failed.
func junitFixture() ([]types.Report, *reports.Summary) {
	passed := junitIt("DV09 Đăng ký khai sinh", "is processed end to end", types.SpecStatePassed, 1.23456, "service:DV09")

	failed := junitIt("DV07 Đăng ký xe", "is processed end to end", types.SpecStateFailed, 2.5, "service:DV07")
	failed.Failure = types.Failure{
		Message:            "Timed out after 5s.\n\x1b[1mprefill returned the wrong citizen\x1b[0m: got " + citizenID + " want 079\x00\x07 something",
		Location:           types.CodeLocation{FileName: "/work/main/suites/services/e2e.go", LineNumber: 77, FullStackTrace: "goroutine 1\nmain.go:77"},
		FailureNodeContext: types.FailureNodeIsLeafNode,
	}
	failed.CapturedGinkgoWriterOutput = "submitting dossier for " + citizenID + "\n"
	failed.ReportEntries = types.ReportEntries{{Name: "dossier", Value: types.WrapEntryValue("HS-0001"), Visibility: types.ReportEntryVisibilityAlways}}

	skipped := junitIt("DV10 Đăng ký khai tử", "is processed end to end", types.SpecStateSkipped, 0, "service:DV10")
	skipped.NumAttempts = 0
	skipped.Failure = types.Failure{Message: "SSO is down"}

	flaky := junitIt("DV02 Cấp lại thẻ căn cước", "is processed end to end", types.SpecStatePassed, 3, "service:DV02")
	flaky.NumAttempts, flaky.MaxFlakeAttempts = 2, 3
	flaky.AdditionalFailures = []types.AdditionalFailure{{State: types.SpecStateFailed, Failure: types.Failure{
		Message:  "Failure recorded during attempt 1:\nthe payment callback never came",
		Location: types.CodeLocation{FileName: "/work/main/suites/services/e2e.go", LineNumber: 90},
	}}}

	timedout := types.SpecReport{
		ContainerHierarchyTexts:  []string{"National databases through the data-exchange gateway", "population (Cơ sở dữ liệu quốc gia về dân cư)"},
		ContainerHierarchyLabels: [][]string{{"layer:api", "kind:connection", "system:gateway"}, {"db:population"}},
		LeafNodeType:             types.NodeTypeIt, LeafNodeText: "answers a lookup by personal ID",
		State: types.SpecStateTimedout, RunTime: 30 * time.Second, NumAttempts: 1,
		Failure: types.Failure{Message: "A spec timeout occurred", Location: types.CodeLocation{FileName: "gateway.go", LineNumber: 12},
			ProgressReport: types.ProgressReport{CurrentNodeType: types.NodeTypeIt, CurrentNodeText: "answers a lookup", CurrentStepText: "GET /population/" + citizenID}},
	}

	pending := junitIt("DV11 Đăng ký kết hôn", "is processed end to end", types.SpecStatePending, 0, "service:DV11")
	pending.NumAttempts = 0

	panicked := junitIt("DV12 Cấp hộ chiếu", "rejects unauthenticated calls with 401", types.SpecStatePanicked, 0.1, "service:DV12")
	panicked.Failure = types.Failure{Message: "Test Panicked", ForwardedPanic: "runtime error: index out of range [3] with length 3",
		Location: types.CodeLocation{FileName: "negative.go", LineNumber: 5, FullStackTrace: "panic(...)\nnegative.go:5"}}

	retriedFail := junitIt("DV03 Đăng ký thường trú", "is processed end to end", types.SpecStateFailed, 4, "service:DV03")
	retriedFail.NumAttempts, retriedFail.MaxFlakeAttempts = 2, 2
	retriedFail.Failure = types.Failure{Message: "result never published"}
	retriedFail.AdditionalFailures = []types.AdditionalFailure{
		{State: types.SpecStateFailed, Failure: types.Failure{Message: "Failure recorded during attempt 1:\nresult never published"}},
	}

	setupOK := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed, RunTime: time.Second}

	rep1 := types.Report{SuiteDescription: "dvcqa", SuitePath: "/work/main/suites", StartTime: junitT0, RunTime: 41234567 * time.Microsecond,
		SpecReports: types.SpecReports{setupOK, passed, failed, skipped, flaky, timedout, pending, panicked, retriedFail}}

	setupFailed := types.SpecReport{LeafNodeType: types.NodeTypeBeforeSuite, State: types.SpecStateFailed, RunTime: time.Second,
		Failure: types.Failure{Message: "the mock world did not start: port 8080 in use", Location: types.CodeLocation{FileName: "suite_test.go", LineNumber: 20}}}
	after := junitIt("DV09 Đăng ký khai sinh", "is processed end to end in the browser", types.SpecStateSkipped, 0, "service:DV09")
	rep2 := types.Report{SuiteDescription: "dvcqa browser", StartTime: junitT0, RunTime: 2 * time.Second,
		SpecReports: types.SpecReports{setupFailed, after}}

	s := &reports.Summary{
		SchemaVersion: reports.SchemaVersion, RunID: "20261122-100000-abcd",
		Target:    reports.TargetInfo{Name: "mock", Kind: "mock", Province: "01"},
		StartedAt: junitT0,
		Services: []reports.Verdict{
			{ID: "DV09", Readiness: reports.Ready},
			{ID: "DV07", Readiness: reports.Waived, Waiver: &reports.WaiverRef{Ticket: "QA-123", Owner: "team-bca", Expires: "2026-12-31", Reason: "vehicle DB migration"},
				Failures: []reports.Failure{{Spec: svcContainer + " DV07 Đăng ký xe is processed end to end", Check: "prefill",
					Evidence: []reports.Evidence{{Kind: "screenshot", Path: "evidence/dv07.png"}}}}},
			{ID: "DV10", Readiness: reports.Blocked, BlockedBy: []string{"sso"}},
			{ID: "DV02", Readiness: reports.Flaky},
			{ID: "DV11", Readiness: reports.NotRun},
			{ID: "DV12", Readiness: reports.NotReady},
			{ID: "DV03", Readiness: reports.NotReady},
		},
		NationalDBs: map[string]*reports.Verdict{"population": {ID: "population", Readiness: reports.NotReady}},
	}
	return []types.Report{rep1, rep2}, s
}

// junitDoc is junit.xml read back.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Props    []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []junitDocCase `xml:"testcase"`
	} `xml:"testsuite"`
}

type junitDocResult struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

type junitDocRerun struct {
	Type       string `xml:"type,attr"`
	Message    string `xml:"message,attr"`
	StackTrace string `xml:"stackTrace"`
}

type junitDocCase struct {
	Name      string          `xml:"name,attr"`
	Classname string          `xml:"classname,attr"`
	Time      string          `xml:"time,attr"`
	Failure   *junitDocResult `xml:"failure"`
	Error     *junitDocResult `xml:"error"`
	Skipped   *junitDocResult `xml:"skipped"`
	Flaky     []junitDocRerun `xml:"flakyFailure"`
	Rerun     []junitDocRerun `xml:"rerunFailure"`
	SystemOut string          `xml:"system-out"`
}

func writeJUnitFile(t *testing.T, reps []types.Report, s *reports.Summary) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := render.WriteJUnit(&buf, reps, s, redact.NewMasker().Text); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

func validateJUnit(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint not installed: scripts/setup.sh installs it (apt-get install -y libxml2-utils)")
	}
	if _, err := os.Stat(junitXSD); err != nil {
		t.Fatalf("schema %s missing from the repo: %v", junitXSD, err)
	}
	out, err := exec.Command("xmllint", "--noout", "--schema", junitXSD, path).CombinedOutput()
	if err != nil {
		data, _ := os.ReadFile(path)
		t.Fatalf("junit.xml does not validate against %s: %v\n%s\n--- junit.xml ---\n%s", junitXSD, err, out, data)
	}
}

func TestJUnitValidatesAgainstSchema(t *testing.T) {
	reps, s := junitFixture()
	path, _ := writeJUnitFile(t, reps, s)
	validateJUnit(t, path)
}

func TestJUnitEmptyRunValidates(t *testing.T) {
	path, _ := writeJUnitFile(t, nil, nil)
	validateJUnit(t, path)
	path, _ = writeJUnitFile(t, []types.Report{{SuiteDescription: "dvcqa"}}, &reports.Summary{})
	validateJUnit(t, path)
}

func readJUnit(t *testing.T, data []byte) junitDoc {
	t.Helper()
	var doc junitDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("parse junit.xml: %v\n%s", err, data)
	}
	return doc
}

func findCase(t *testing.T, doc junitDoc, classnameSuffix, name string) junitDocCase {
	t.Helper()
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if strings.HasSuffix(c.Classname, classnameSuffix) && c.Name == name {
				return c
			}
		}
	}
	t.Fatalf("no testcase %q / %q", classnameSuffix, name)
	return junitDocCase{}
}

func TestJUnitOneTestcasePerIt(t *testing.T) {
	reps, s := junitFixture()
	_, data := writeJUnitFile(t, reps, s)
	doc := readJUnit(t, data)
	if len(doc.Suites) != len(reps) {
		t.Fatalf("%d testsuites, want one per report (%d)", len(doc.Suites), len(reps))
	}
	its := 0
	for i, rep := range reps {
		n := len(rep.SpecReports.WithLeafNodeType(types.NodeTypeIt))
		its += n
		var itCases, setupCases int
		for _, c := range doc.Suites[i].Cases {
			if strings.HasPrefix(c.Name, "[") {
				setupCases++
			} else {
				itCases++
			}
		}
		if itCases != n {
			t.Errorf("suite %d: %d It testcases, ginkgo report has %d It specs", i, itCases, n)
		}
		if doc.Suites[i].Tests != len(doc.Suites[i].Cases) {
			t.Errorf("suite %d: tests=%d but %d testcases", i, doc.Suites[i].Tests, len(doc.Suites[i].Cases))
		}
		// The passing SynchronizedBeforeSuite is left out; the failed BeforeSuite is in.
		if want := map[int]int{0: 0, 1: 1}[i]; setupCases != want {
			t.Errorf("suite %d: %d setup testcases, want %d", i, setupCases, want)
		}
	}
	if doc.Tests != its+1 {
		t.Errorf("testsuites tests=%d, want %d Its + 1 failed BeforeSuite", doc.Tests, its)
	}

	s0 := doc.Suites[0]
	if s0.Failures != 2 || s0.Errors != 2 || s0.Skipped != 2 {
		t.Errorf("suite 0 counts failures=%d errors=%d skipped=%d, want 2/2/2", s0.Failures, s0.Errors, s0.Skipped)
	}
	if doc.Failures != 2 || doc.Errors != 3 {
		t.Errorf("testsuites failures=%d errors=%d, want 2/3", doc.Failures, doc.Errors)
	}
	if !strings.Contains(s0.Name, "mock") || !strings.Contains(s0.Name, "province 01") {
		t.Errorf("suite name %q lacks target and province", s0.Name)
	}

	setup := doc.Suites[1].Cases[0]
	if setup.Name != "[BeforeSuite]" || setup.Error == nil || !strings.Contains(setup.Error.Message, "mock world did not start") {
		t.Errorf("failed BeforeSuite not an error testcase: %+v", setup)
	}

	c := findCase(t, doc, ".DV09 Đăng ký khai sinh", "is processed end to end")
	if c.Classname != svcContainer+".DV09 Đăng ký khai sinh" {
		t.Errorf("classname %q", c.Classname)
	}
	if c.Time != "1.235" || c.Failure != nil || c.Error != nil || c.Skipped != nil {
		t.Errorf("passed spec: %+v", c)
	}
	if !strings.Contains(c.SystemOut, "dvcqa.readiness=READY\n") || !strings.Contains(c.SystemOut, "dvcqa.attempts=1\n") ||
		!strings.Contains(c.SystemOut, "dvcqa.labels=layer:api,service:DV09,kind:e2e\n") {
		t.Errorf("passed spec system-out:\n%s", c.SystemOut)
	}

	if c := findCase(t, doc, "DV10 Đăng ký khai tử", "is processed end to end"); c.Skipped == nil || c.Skipped.Message != "skipped - SSO is down" ||
		!strings.Contains(c.SystemOut, "dvcqa.readiness=BLOCKED") || !strings.Contains(c.SystemOut, "dvcqa.blocked_by=sso") {
		t.Errorf("skipped spec: %+v", c)
	}
	if c := findCase(t, doc, "DV11 Đăng ký kết hôn", "is processed end to end"); c.Skipped == nil || c.Skipped.Message != "pending" {
		t.Errorf("pending spec: %+v", c)
	}
	if c := findCase(t, doc, "population (Cơ sở dữ liệu quốc gia về dân cư)", "answers a lookup by personal ID"); c.Error == nil || c.Error.Type != "timedout" ||
		!strings.Contains(c.Error.Text, "GET /population/001*******90") || !strings.Contains(c.SystemOut, "dvcqa.item=db:population") ||
		!strings.Contains(c.SystemOut, "dvcqa.readiness=NOT READY") {
		t.Errorf("timed-out spec: %+v", c)
	}
	if c := findCase(t, doc, "DV12 Cấp hộ chiếu", "rejects unauthenticated calls with 401"); c.Error == nil || c.Error.Type != "panicked" ||
		!strings.Contains(c.Error.Message, "index out of range") || !strings.Contains(c.Error.Text, "negative.go:5") {
		t.Errorf("panicked spec: %+v", c)
	}
}

func TestJUnitFlakyAndRetried(t *testing.T) {
	reps, s := junitFixture()
	_, data := writeJUnitFile(t, reps, s)
	doc := readJUnit(t, data)

	c := findCase(t, doc, "DV02 Cấp lại thẻ căn cước", "is processed end to end")
	if c.Failure != nil || c.Error != nil {
		t.Errorf("a flaky spec passed: no failure or error, got %+v", c)
	}
	if len(c.Flaky) != 1 || c.Flaky[0].Type != "failed" || c.Flaky[0].Message != "attempt 1: the payment callback never came" ||
		!strings.Contains(c.Flaky[0].StackTrace, "e2e.go:90") {
		t.Errorf("flakyFailure: %+v", c.Flaky)
	}
	if !strings.Contains(c.SystemOut, "dvcqa.readiness=FLAKY\n") || !strings.Contains(c.SystemOut, "dvcqa.attempts=2\n") ||
		!strings.Contains(c.SystemOut, "dvcqa.outcome=flaky\n") {
		t.Errorf("flaky system-out:\n%s", c.SystemOut)
	}

	c = findCase(t, doc, "DV03 Đăng ký thường trú", "is processed end to end")
	if c.Failure == nil || len(c.Rerun) != 1 || len(c.Flaky) != 0 || !strings.HasPrefix(c.Rerun[0].Message, "attempt 1:") {
		t.Errorf("failed after retries: want <failure> and one <rerunFailure>, got %+v", c)
	}
}

func TestJUnitWaivedKeepsFailure(t *testing.T) {
	reps, s := junitFixture()
	_, data := writeJUnitFile(t, reps, s)
	doc := readJUnit(t, data)

	c := findCase(t, doc, "DV07 Đăng ký xe", "is processed end to end")
	if c.Failure == nil || c.Failure.Type != "failed" {
		t.Fatalf("a waived failure must stay a <failure>: %+v", c)
	}
	if c.Failure.Message != "prefill returned the wrong citizen: got 001*******90 want 079 something" {
		t.Errorf("failure message (headline, masked, cleaned) = %q", c.Failure.Message)
	}
	if !strings.Contains(c.Failure.Text, "Timed out after 5s.") || !strings.Contains(c.Failure.Text, "e2e.go:77") ||
		!strings.Contains(c.Failure.Text, "goroutine 1") {
		t.Errorf("failure text lacks the full reason:\n%s", c.Failure.Text)
	}
	for _, want := range []string{"dvcqa.readiness=WAIVED\n", "dvcqa.waiver.ticket=QA-123\n", "dvcqa.waiver.owner=team-bca\n",
		"dvcqa.waiver.expires=2026-12-31\n", "dvcqa.item=service:DV07\n", "dvcqa.outcome=fail\n", "dvcqa.check=prefill\n",
		"dvcqa.evidence.screenshot=evidence/dv07.png\n", "HS-0001", "submitting dossier for 001*******90"} {
		if !strings.Contains(c.SystemOut, want) {
			t.Errorf("waived spec system-out lacks %q:\n%s", want, c.SystemOut)
		}
	}
}

func TestJUnitMasksAndCleans(t *testing.T) {
	reps, s := junitFixture()
	_, data := writeJUnitFile(t, reps, s)
	if bytes.Contains(data, []byte(citizenID)) {
		t.Errorf("junit.xml contains the unmasked personal ID %s", citizenID)
	}
	if !bytes.Contains(data, []byte("001*******90")) {
		t.Errorf("junit.xml lacks the masked personal ID")
	}
	for _, b := range data {
		if b < 0x20 && b != '\n' && b != '\t' && b != '\r' {
			t.Fatalf("junit.xml contains control byte %#x", b)
		}
	}
	for _, bad := range []string{"[1m", "[0m", `status=`, `disabled=`} {
		if bytes.Contains(data, []byte(bad)) {
			t.Errorf("junit.xml contains %q", bad)
		}
	}
	times := regexp.MustCompile(`time="([^"]*)"`).FindAllStringSubmatch(string(data), -1)
	if len(times) == 0 {
		t.Fatal("no time attributes")
	}
	for _, m := range times {
		if !regexp.MustCompile(`^[0-9]+(\.[0-9]{1,3})?$`).MatchString(m[1]) {
			t.Errorf("time %q has more than 3 decimals", m[1])
		}
	}

	// A custom mask is applied to every text, names included.
	var buf bytes.Buffer
	upper := func(s string) string { return strings.ReplaceAll(s, "DV07", "DV**") }
	if err := render.WriteJUnit(&buf, reps, s, upper); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("DV07")) {
		t.Errorf("the given mask was not applied everywhere")
	}
}

func TestJUnitInvalidUTF8(t *testing.T) {
	sr := junitIt("DV09 Đăng ký khai sinh", "bad \xff bytes \x1b[31mred\x1b[0m", types.SpecStateFailed, 1, "service:DV09")
	sr.Failure.Message = "broken \xc3\x28 utf8 \x0b\x1f"
	path, data := writeJUnitFile(t, []types.Report{{SuiteDescription: "dvcqa", SpecReports: types.SpecReports{sr}}}, nil)
	doc := readJUnit(t, data)
	if got := doc.Suites[0].Cases[0].Name; got != "bad \uFFFD bytes red" {
		t.Errorf("name %q", got)
	}
	validateJUnit(t, path)
}
