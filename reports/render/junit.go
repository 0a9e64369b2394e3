package render

// junit.xml for CI systems. The output validates against the JUnit schema of
// the Jenkins xunit plugin (Surefire's flavour, shared/junit-10.xsd), which is
// stricter than what Ginkgo writes itself:
//
//   - <testsuites> has only name/time/tests/failures/errors, <testsuite> no
//     "disabled" and <testcase> no "status" attribute, so pending specs count
//     as skipped and a spec's Ginkgo state is a line in <system-out>;
//   - <testcase> may not hold <properties>, so the dvcqa facts of a spec
//     (readiness, attempts, labels, waiver) are "key=value" lines at the top
//     of its <system-out>; suite-level facts are real <properties>;
//   - times are decimals with at most three fractional digits;
//   - <flakyFailure>/<flakyError> (passed on a retry) and <rerunFailure>/
//     <rerunError> (failed every attempt) carry one earlier attempt each, with
//     a required type attribute and the details in <stackTrace>.
//
// Every text (names, messages, output) goes through the mask and is cleaned
// into valid XML 1.0: ANSI colour codes and control characters are removed.

import (
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/vocab"

	"github.com/dvcqa/dvcqa/reports"
)

// Lines of a testcase's <system-out> that carry dvcqa facts (the schema has no
// properties inside a testcase).
const (
	JUnitReadiness = "dvcqa.readiness" // the readiness of the spec's service/database/platform system, or of the spec itself
	JUnitItem      = "dvcqa.item"      // which item that readiness belongs to: service:DV07, db:population, system:sso
	JUnitOutcome   = "dvcqa.outcome"   // the spec's own outcome: pass | fail | flaky | skipped
	JUnitState     = "dvcqa.state"     // Ginkgo's state: passed, failed, timedout, …
	JUnitAttempts  = "dvcqa.attempts"
	JUnitLabels    = "dvcqa.labels"
	JUnitWaiver    = "dvcqa.waiver" // prefix: dvcqa.waiver.ticket, .owner, .approver, .expires, .reason
)

// junitMaxMessage bounds the message attribute (the headline); the full
// reason is the element's text.
const junitMaxMessage = 500

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr,omitempty"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr,omitempty"`
	ID         string           `xml:"id,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Props []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name          string       `xml:"name,attr"`
	Classname     string       `xml:"classname,attr"`
	Time          string       `xml:"time,attr"`
	Skipped       *junitResult `xml:"skipped,omitempty"`
	Failure       *junitResult `xml:"failure,omitempty"`
	Error         *junitResult `xml:"error,omitempty"`
	RerunFailures []junitRerun `xml:"rerunFailure"`
	RerunErrors   []junitRerun `xml:"rerunError"`
	FlakyFailures []junitRerun `xml:"flakyFailure"`
	FlakyErrors   []junitRerun `xml:"flakyError"`
	SystemOut     *junitText   `xml:"system-out,omitempty"`
	SystemErr     *junitText   `xml:"system-err,omitempty"`
}

// junitResult is <failure>, <error> or <skipped>.
type junitResult struct {
	Type    string `xml:"type,attr,omitempty"`
	Message string `xml:"message,attr"`
	Text    string `xml:",cdata"`
}

// junitRerun is the schema's rerunType: one earlier attempt.
type junitRerun struct {
	Type       string     `xml:"type,attr"`
	Message    string     `xml:"message,attr"`
	StackTrace *junitText `xml:"stackTrace,omitempty"`
}

type junitText struct {
	Text string `xml:",cdata"`
}

// WriteJUnit writes junit.xml: one <testsuite> per Ginkgo report, one
// <testcase> per It spec (ran or skipped), so the testcase count equals the
// It count of ginkgo.json. Setup nodes (BeforeSuite, AfterSuite, report and
// cleanup nodes) are not specs: they appear only when they failed, as an
// <error> testcase named after the node, because a failed setup is why the
// specs did not run and CI must show it; a passing setup node would only
// inflate the test count. s (may be nil) supplies the readiness verdicts and
// waivers; mask is applied to every text (nil: none).
func WriteJUnit(w io.Writer, reps []types.Report, s *reports.Summary, mask func(string) string) error {
	if mask == nil {
		mask = func(s string) string { return s }
	}
	j := &junitWriter{mask: mask, s: s}
	j.index()

	out := junitSuites{Name: j.text(j.suitesName())}
	var total float64
	for i, rep := range reps {
		j.province = j.reportProvince(i, len(reps))
		suite := j.suite(i, rep)
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Errors += suite.Errors
		total += junitSeconds(rep.RunTime.Seconds())
		out.Suites = append(out.Suites, suite)
	}
	out.Time = junitTime(total)

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

type junitWriter struct {
	mask     func(string) string
	s        *reports.Summary
	province string                        // of the report being written
	specs    map[string]reports.SpecResult // SpecIdentity → result
	failures map[string]reports.Failure    // Failure.Spec → the (final) failure
}

func (j *junitWriter) index() {
	j.specs = map[string]reports.SpecResult{}
	j.failures = map[string]reports.Failure{}
	if j.s == nil {
		return
	}
	for _, sp := range j.s.Specs {
		if _, dup := j.specs[reports.SpecIdentity(sp.Name, sp.Province)]; !dup {
			j.specs[reports.SpecIdentity(sp.Name, sp.Province)] = sp
		}
		if _, dup := j.specs[reports.SpecIdentity(sp.Name, "")]; !dup {
			j.specs[reports.SpecIdentity(sp.Name, "")] = sp
		}
	}
	addFailures := func(fs []reports.Failure) {
		for _, f := range fs {
			if _, dup := j.failures[f.Spec]; !dup && f.Attempt == 0 {
				j.failures[f.Spec] = f
			}
		}
	}
	for _, v := range j.s.Services {
		addFailures(v.Failures)
	}
	for _, k := range reports.SortedKeys(j.s.NationalDBs) {
		addFailures(j.s.NationalDBs[k].Failures)
	}
	for _, k := range reports.SortedKeys(j.s.Platform) {
		addFailures(j.s.Platform[k].Failures)
	}
}

// text masks s and makes it valid XML 1.0 character data.
func (j *junitWriter) text(s string) string {
	return junitXMLSafe(j.mask(junitANSIRe.ReplaceAllString(s, "")))
}

// line is text on one line (attribute values, key=value lines).
func (j *junitWriter) line(s string) string {
	return strings.Join(strings.Fields(j.text(s)), " ")
}

// reportProvince is the province of the i-th of n reports: the target's; in a
// merged multi-province run (one Ginkgo report per shard, in shard order) the
// i-th of the summary's provinces.
func (j *junitWriter) reportProvince(i, n int) string {
	if j.s == nil {
		return ""
	}
	if ps := j.s.Meta.Provinces; len(ps) > 1 && len(ps) == n {
		return ps[i]
	}
	if j.s.Target.Province != "" {
		return j.s.Target.Province
	}
	if ps := j.s.Meta.Provinces; len(ps) == 1 {
		return ps[0]
	}
	return ""
}

func (j *junitWriter) suitesName() string {
	name := "dvcqa"
	if j.s != nil && j.s.RunID != "" {
		name += " " + j.s.RunID
	}
	return name
}

func (j *junitWriter) suiteName(rep types.Report) string {
	name := strings.TrimSpace(rep.SuiteDescription)
	if name == "" {
		name = "dvcqa"
	}
	if j.s == nil {
		return name
	}
	var where []string
	if t := j.s.Target.Name; t != "" {
		where = append(where, "target "+t)
	}
	if j.province != "" {
		where = append(where, "province "+j.province)
	} else if len(j.s.Meta.Provinces) > 0 {
		where = append(where, "provinces "+strings.Join(j.s.Meta.Provinces, ","))
	}
	if len(where) > 0 {
		name += " (" + strings.Join(where, ", ") + ")"
	}
	return name
}

func (j *junitWriter) suite(i int, rep types.Report) junitSuite {
	suite := junitSuite{
		Name: j.line(j.suiteName(rep)),
		Time: junitTime(rep.RunTime.Seconds()),
		ID:   strconv.Itoa(i),
	}
	start := rep.StartTime
	if start.IsZero() && j.s != nil {
		start = j.s.StartedAt
	}
	if !start.IsZero() {
		// Surefire's format: the wall time of the run, no zone.
		suite.Timestamp = start.Format("2006-01-02T15:04:05")
	}
	suite.Properties = j.suiteProperties(rep)

	for _, sr := range rep.SpecReports {
		var c junitCase
		if sr.LeafNodeType == types.NodeTypeIt {
			c = j.spec(rep, sr)
		} else if sr.State.Is(types.SpecStateFailureStates) {
			c = j.setupNode(rep, sr)
		} else {
			continue
		}
		suite.Tests++
		switch {
		case c.Failure != nil:
			suite.Failures++
		case c.Error != nil:
			suite.Errors++
		case c.Skipped != nil:
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, c)
	}
	return suite
}

func (j *junitWriter) suiteProperties(rep types.Report) *junitProperties {
	var props []junitProperty
	// Masked with its name, which tells a seed from a personal number.
	add := func(name, value string) {
		if value != "" {
			props = append(props, junitProperty{Name: name, Value: strings.TrimPrefix(j.line(name+"="+value), name+"=")})
		}
	}
	if s := j.s; s != nil {
		add("dvcqa.run_id", s.RunID)
		add("dvcqa.target", s.Target.Name)
		add("dvcqa.target.kind", s.Target.Kind)
		add("dvcqa.province", j.province)
		if s.Target.Seed != 0 {
			add("dvcqa.seed", strconv.FormatInt(s.Target.Seed, 10))
		}
		add("dvcqa.defects", strings.Join(s.Target.Defects, ","))
		add("dvcqa.label_filter", s.LabelFilter)
		add("dvcqa.harness_version", s.Meta.Harness)
		add("dvcqa.harness_commit", s.Meta.Commit)
		add("dvcqa.passed", strconv.FormatBool(s.Passed))
		if len(s.Gate.Rules) > 0 {
			add("dvcqa.gate", map[bool]string{true: "PASSED", false: "FAILED"}[s.Gate.Passed])
		}
	}
	add("ginkgo.suite_succeeded", strconv.FormatBool(rep.SuiteSucceeded))
	add("ginkgo.special_failure_reasons", strings.Join(rep.SpecialSuiteFailureReasons, "; "))
	add("ginkgo.random_seed", strconv.FormatInt(rep.SuiteConfig.RandomSeed, 10))
	if len(props) == 0 {
		return nil
	}
	return &junitProperties{Props: props}
}

// spec is one It: failed → <failure>; panicked, interrupted, aborted, timed
// out → <error>; skipped and pending → <skipped>; earlier failed attempts →
// <flakyFailure>/<flakyError> when it passed in the end, <rerunFailure>/
// <rerunError> when it did not.
func (j *junitWriter) spec(rep types.Report, sr types.SpecReport) junitCase {
	classname := strings.Join(junitNonEmpty(sr.ContainerHierarchyTexts), ".")
	if classname == "" {
		classname = rep.SuiteDescription
	}
	c := junitCase{
		Name:      j.line(sr.LeafNodeText),
		Classname: j.line(classname),
		Time:      junitTime(sr.RunTime.Seconds()),
	}
	if c.Name == "" {
		c.Name = "[" + sr.LeafNodeType.String() + "]"
	}
	attempts, others := junitSplitAttempts(sr.AdditionalFailures)
	finalPassed := sr.State == types.SpecStatePassed

	switch {
	case sr.State == types.SpecStateFailed:
		c.Failure = j.result(sr.State, sr.Failure, others)
	case sr.State.Is(types.SpecStateFailureStates):
		c.Error = j.result(sr.State, sr.Failure, others)
	case sr.State == types.SpecStatePending:
		c.Skipped = &junitResult{Message: "pending"}
	case sr.State == types.SpecStateSkipped:
		msg := "skipped"
		if m := j.line(sr.Failure.Message); m != "" {
			msg += " - " + m
		}
		c.Skipped = &junitResult{Message: reports.Truncate(msg, junitMaxMessage)}
	}

	for _, a := range attempts {
		r := j.rerun(a)
		isFailure := a.af.State == types.SpecStateFailed || a.af.State == types.SpecStateInvalid
		switch {
		case finalPassed && isFailure:
			c.FlakyFailures = append(c.FlakyFailures, r)
		case finalPassed:
			c.FlakyErrors = append(c.FlakyErrors, r)
		case isFailure:
			c.RerunFailures = append(c.RerunFailures, r)
		default:
			c.RerunErrors = append(c.RerunErrors, r)
		}
	}
	if finalPassed && sr.NumAttempts > 1 && len(attempts) == 0 {
		// Retried into passing, but the report kept no details (a merged or
		// trimmed report): still show it as flaky.
		c.FlakyFailures = append(c.FlakyFailures, junitRerun{Type: "failed",
			Message: fmt.Sprintf("failed on an earlier attempt; passed on attempt %d (details not recorded)", sr.NumAttempts)})
	}

	c.SystemOut = j.systemOut(sr)
	if !finalPassed || sr.NumAttempts > 1 {
		if e := j.text(strings.TrimSpace(sr.CapturedStdOutErr)); e != "" {
			c.SystemErr = &junitText{Text: e}
		}
	}
	return c
}

// setupNode is a failed BeforeSuite/AfterSuite/… as an error testcase.
func (j *junitWriter) setupNode(rep types.Report, sr types.SpecReport) junitCase {
	name := "[" + sr.LeafNodeType.String() + "]"
	if sr.LeafNodeText != "" {
		name += " " + sr.LeafNodeText
	}
	c := junitCase{
		Name:      j.line(name),
		Classname: j.line(rep.SuiteDescription),
		Time:      junitTime(sr.RunTime.Seconds()),
	}
	if c.Classname == "" {
		c.Classname = "dvcqa"
	}
	_, others := junitSplitAttempts(sr.AdditionalFailures)
	c.Error = j.result(sr.State, sr.Failure, others)
	lines := []string{
		JUnitReadiness + "=" + reports.NotReady,
		JUnitState + "=" + sr.State.String(),
		"dvcqa.setup_node=" + sr.LeafNodeType.String(),
	}
	if loc := sr.LeafNodeLocation.String(); sr.LeafNodeLocation.FileName != "" {
		lines = append(lines, "dvcqa.location="+j.line(loc))
	}
	out := strings.Join(lines, "\n") + "\n"
	if w := j.text(strings.TrimSpace(sr.CapturedGinkgoWriterOutput)); w != "" {
		out += "\n--- GinkgoWriter output ---\n" + w + "\n"
	}
	c.SystemOut = &junitText{Text: out}
	if e := j.text(strings.TrimSpace(sr.CapturedStdOutErr)); e != "" {
		c.SystemErr = &junitText{Text: e}
	}
	return c
}

// result is the <failure>/<error> of the final attempt: the headline as
// message, the full reason as text.
func (j *junitWriter) result(state types.SpecState, f types.Failure, others []types.AdditionalFailure) *junitResult {
	body := j.failureBody(state, f)
	if f.AdditionalFailure != nil {
		body += "\n\nThen, while the spec was stopping (" + f.AdditionalFailure.State.String() + "):\n" +
			j.failureBody(f.AdditionalFailure.State, f.AdditionalFailure.Failure)
	}
	for _, af := range others {
		body += "\n\nAlso failed afterwards (" + af.State.String() + "):\n" + j.failureBody(af.State, af.Failure)
	}
	return &junitResult{Type: state.String(), Message: j.headline(state, f), Text: body}
}

func (j *junitWriter) rerun(a junitAttempt) junitRerun {
	state := a.af.State
	if state == types.SpecStateInvalid {
		state = types.SpecStateFailed
	}
	msg := fmt.Sprintf("attempt %d: %s", a.attempt, j.headline(state, a.af.Failure))
	return junitRerun{
		Type:       state.String(),
		Message:    reports.Truncate(msg, junitMaxMessage),
		StackTrace: &junitText{Text: fmt.Sprintf("Attempt %d (%s):\n", a.attempt, state) + j.failureBody(state, a.af.Failure)},
	}
}

func (j *junitWriter) headline(state types.SpecState, f types.Failure) string {
	msg := f.Message
	if state == types.SpecStatePanicked && f.ForwardedPanic != "" {
		msg = "panic: " + f.ForwardedPanic
	}
	h := j.line(reports.FailureHeadline(j.text(msg)))
	if h == "" {
		h = state.String()
	}
	return reports.Truncate(h, junitMaxMessage)
}

// failureBody is the full reason: message, panic, where it failed (and in
// which node), the stack trace and, for a timeout or an interrupt, where the
// spec was stuck.
func (j *junitWriter) failureBody(state types.SpecState, f types.Failure) string {
	var b strings.Builder
	msg := strings.TrimSpace(f.Message)
	if msg == "" {
		msg = state.String()
	}
	b.WriteString(msg)
	b.WriteString("\n")
	if f.ForwardedPanic != "" {
		b.WriteString("\npanic: " + f.ForwardedPanic + "\n")
	}
	if f.Location.FileName != "" {
		b.WriteString("\nat " + f.Location.String() + "\n")
	}
	if f.FailureNodeContext != types.FailureNodeIsLeafNode && f.FailureNodeType != types.NodeTypeInvalid {
		fmt.Fprintf(&b, "in [%s]", f.FailureNodeType)
		if f.FailureNodeLocation.FileName != "" {
			b.WriteString(" at " + f.FailureNodeLocation.String())
		}
		b.WriteString("\n")
	}
	if pr := f.ProgressReport; !pr.IsZero() {
		fmt.Fprintf(&b, "\nthe spec was in [%s] %s", pr.CurrentNodeType, pr.CurrentNodeText)
		if pr.CurrentNodeLocation.FileName != "" {
			b.WriteString(" at " + pr.CurrentNodeLocation.String())
		}
		b.WriteString("\n")
		if pr.CurrentStepText != "" {
			b.WriteString("at step: " + pr.CurrentStepText + "\n")
		}
	}
	if st := strings.TrimSpace(f.Location.FullStackTrace); st != "" {
		b.WriteString("\n" + st + "\n")
	}
	return j.text(strings.TrimRight(b.String(), "\n"))
}

// systemOut: the dvcqa facts as key=value lines, then report entries and, for
// specs that did not simply pass, the GinkgoWriter output (a passing spec's
// output is noise in CI and stays in ginkgo.json).
func (j *junitWriter) systemOut(sr types.SpecReport) *junitText {
	outcome := junitOutcome(sr)
	full := sr.FullText()
	sp, found := j.specs[reports.SpecIdentity(j.mask(full), j.province)]
	if !found {
		sp, found = j.specs[reports.SpecIdentity(full, j.province)]
	}
	if !found {
		sp, found = j.specs[reports.SpecIdentity(j.mask(full), "")]
	}
	if found && sp.Outcome != "" {
		outcome = sp.Outcome
	}
	labels := sr.Labels()
	item, v := j.item(labels)
	readiness := reports.OutcomeReadiness(outcome)
	if v != nil && v.Readiness != "" {
		readiness = v.Readiness
	}

	var lines []string
	// Masked with its key, which tells a harness date (waiver expiry) from
	// a personal one.
	kv := func(k, val string) {
		if strings.TrimSpace(val) != "" {
			lines = append(lines, j.line(k+"="+val))
		}
	}
	kv(JUnitReadiness, readiness)
	kv(JUnitItem, item)
	kv(JUnitOutcome, outcome)
	kv(JUnitState, sr.State.String())
	kv(JUnitAttempts, strconv.Itoa(sr.NumAttempts))
	kv(JUnitLabels, strings.Join(labels, ","))
	if v != nil {
		kv("dvcqa.blocked_by", strings.Join(v.BlockedBy, ","))
		if w := v.Waiver; w != nil && readiness == reports.Waived {
			kv(JUnitWaiver+".ticket", w.Ticket)
			kv(JUnitWaiver+".owner", w.Owner)
			kv(JUnitWaiver+".approver", w.Approver)
			kv(JUnitWaiver+".expires", w.Expires)
			kv(JUnitWaiver+".reason", w.Reason)
		}
	}
	if f, ok := j.failures[j.mask(full)]; ok && sr.State.Is(types.SpecStateFailureStates) {
		kv("dvcqa.check", f.Check)
		for _, e := range f.Evidence {
			kv("dvcqa.evidence."+e.Kind, e.Path)
		}
	}
	if sr.LeafNodeLocation.FileName != "" {
		kv("dvcqa.location", sr.LeafNodeLocation.String())
	}
	out := strings.Join(lines, "\n") + "\n"

	plain := sr.State == types.SpecStatePassed && sr.NumAttempts <= 1
	for _, e := range sr.ReportEntries {
		if plain && e.Visibility == types.ReportEntryVisibilityNever {
			continue
		}
		out += "\n--- report entry: " + j.line(e.Name) + " ---\n" + j.text(strings.TrimSpace(e.StringRepresentation())) + "\n"
	}
	if !plain && sr.State != types.SpecStateSkipped && sr.State != types.SpecStatePending {
		if w := j.text(strings.TrimSpace(sr.CapturedGinkgoWriterOutput)); w != "" {
			out += "\n--- GinkgoWriter output ---\n" + w + "\n"
		}
	}
	return &junitText{Text: out}
}

// item finds the service, national database or platform system a spec
// belongs to, by the labels the suites put on it (same rules as Build).
func (j *junitWriter) item(labels []string) (string, *reports.Verdict) {
	if j.s == nil {
		return "", nil
	}
	if id := vocab.LabelValue(labels, vocab.KeyService); id != "" {
		for i := range j.s.Services {
			if j.s.Services[i].ID == id {
				return vocab.Label(vocab.KeyService, id), &j.s.Services[i]
			}
		}
	}
	kind := vocab.LabelValue(labels, vocab.KeyKind)
	if db := vocab.LabelValue(labels, vocab.KeyDB); kind == vocab.KindConnection && j.s.NationalDBs[db] != nil {
		return vocab.DB(db), j.s.NationalDBs[db]
	}
	if sys := vocab.LabelValue(labels, vocab.KeySystem); kind == vocab.KindPlatform && j.s.Platform[sys] != nil {
		return vocab.Label(vocab.KeySystem, sys), j.s.Platform[sys]
	}
	return "", nil
}

// junitAttempt is a failure Ginkgo recorded for an earlier attempt of a
// retried spec ("Failure recorded during attempt N:\n…").
type junitAttempt struct {
	attempt int
	af      types.AdditionalFailure
}

var junitAttemptRe = regexp.MustCompile(`^Failure recorded during attempt (\d+):\n?`)

// junitSplitAttempts separates the failures of earlier attempts from the other
// additional failures (a cleanup node failing after the spec failed).
func junitSplitAttempts(afs []types.AdditionalFailure) (attempts []junitAttempt, others []types.AdditionalFailure) {
	for _, af := range afs {
		m := junitAttemptRe.FindStringSubmatch(af.Failure.Message)
		if m == nil {
			others = append(others, af)
			continue
		}
		n, _ := strconv.Atoi(m[1])
		af.Failure.Message = strings.TrimPrefix(af.Failure.Message, m[0])
		attempts = append(attempts, junitAttempt{attempt: n, af: af})
	}
	sort.SliceStable(attempts, func(a, b int) bool { return attempts[a].attempt < attempts[b].attempt })
	return attempts, others
}

// junitOutcome is a spec's outcome in summary terms.
func junitOutcome(sr types.SpecReport) string {
	switch {
	case sr.State == types.SpecStatePassed && sr.NumAttempts > 1 && sr.MaxMustPassRepeatedly <= 1:
		return reports.OutcomeFlaky
	case sr.State == types.SpecStatePassed:
		return reports.Pass
	case sr.State.Is(types.SpecStateFailureStates):
		return reports.Fail
	default:
		return reports.Skipped
	}
}

// junitTime formats seconds with at most three decimals (the schema's
// SUREFIRE_TIME).
func junitTime(sec float64) string {
	return strconv.FormatFloat(junitSeconds(sec), 'f', 3, 64)
}

func junitSeconds(sec float64) float64 {
	if sec < 0 || sec != sec {
		return 0
	}
	return sec
}

func junitNonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

var junitANSIRe = regexp.MustCompile("\x1b\\[[0-9;?]*[ -/]*[@-~]")

// junitXMLSafe keeps only characters XML 1.0 allows (tab, newline, carriage
// return, and everything from U+0020 except surrogates and U+FFFE/U+FFFF);
// invalid UTF-8 becomes U+FFFD.
func junitXMLSafe(s string) string {
	ok := true
	for i, r := range s {
		if !junitXMLChar(r) || (r == utf8.RuneError && junitBadByte(s, i)) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == utf8.RuneError && junitBadByte(s, i):
			b.WriteRune('\uFFFD')
		case junitXMLChar(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func junitBadByte(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 1
}

func junitXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
