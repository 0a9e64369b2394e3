package reports

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"

	"github.com/dvcqa/dvcqa/vocab"
)

// maxReason bounds a failure reason; the full text stays in ginkgo.json.
const maxReason = 1500

// HarnessVersion is dvcqa's version, written in every report.
const HarnessVersion = "0.5.0"

// Meta is what the runner knows beyond Ginkgo's report.
type Meta struct {
	RunID         string
	Target        TargetInfo
	LabelFilter   string
	StartedAt     time.Time
	FinishedAt    time.Time
	Commit        string
	FlakeAttempts int
	WaiversFile   string
}

// Shard is one Ginkgo run: a plain run has one; a merge has one per shard.
type Shard struct {
	RunID    string
	Province string
	RunDir   string // where its evidence lives; paths are made relative to the output run folder
	Reports  []types.Report
}

// Input is everything a summary is built from.
type Input struct {
	Shards  []Shard
	Catalog *fixtures.Catalog
	Meta    Meta
	Gate    fixtures.Gate
	Waivers []fixtures.Waiver
	Now     time.Time // waiver expiry is judged at this time
	Masker  *redact.Masker
	OutDir  string // the run folder the summary is written to
}

// LoadGinkgoJSON reads a report written by `ginkgo --json-report`.
func LoadGinkgoJSON(path string) ([]types.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read ginkgo report: %w", err)
	}
	var reps []types.Report
	if err := json.Unmarshal(data, &reps); err != nil {
		return nil, fmt.Errorf("parse ginkgo report %s: %w", path, err)
	}
	return reps, nil
}

// spec is one It of the run, digested.
type spec struct {
	result   SpecResult
	labels   []string
	failure  *Failure
	attempts []Failure // failures of earlier attempts (flaky or failed after retries)
	checks   []checkMark
	health   []SystemHealth // taken when it failed
	skipped  string         // why it did not run ("" when it ran)
	warnings []string       // findings that do not fail it (a11y in warn mode)
}

type checkMark struct {
	check string
	at    time.Time
}

// Build derives the summary: verdicts of every catalog service, national
// database and platform system (also when none of their specs ran), the
// gate, the headline, and the spec list.
func Build(in Input) *Summary {
	m := in.Masker
	if m == nil {
		m = redact.NewMasker()
	}
	s := &Summary{SchemaVersion: SchemaVersion, RunID: in.Meta.RunID, Target: in.Meta.Target, LabelFilter: in.Meta.LabelFilter,
		StartedAt: in.Meta.StartedAt, FinishedAt: in.Meta.FinishedAt,
		Meta: summaryMeta(in), NationalDBs: map[string]*Verdict{}, Platform: map[string]*Verdict{}}
	var specs []*spec
	for _, sh := range in.Shards {
		for _, rep := range sh.Reports {
			for _, sr := range rep.SpecReports {
				if sr.LeafNodeType != types.NodeTypeIt {
					suiteNode(s, sr, sh, m, in.OutDir)
					continue
				}
				sp := digest(sr, sh, m, in.OutDir)
				if sp.skipped == skipNotSelected && in.Meta.LabelFilter != "" {
					sp.skipped = "filtered out by the label filter " + in.Meta.LabelFilter
				}
				specs = append(specs, sp)
			}
		}
	}
	for _, sp := range specs {
		s.Specs = append(s.Specs, sp.result)
		s.Totals.Specs++
		switch sp.result.Outcome {
		case Pass:
			s.Totals.Passed++
		case Fail:
			s.Totals.Failed++
		case OutcomeFlaky:
			s.Totals.Passed++
			s.Totals.Flaky++
		default:
			s.Totals.Skipped++
		}
	}
	judge(s, specs, in)
	judgeProvinces(s, specs, in)
	s.StepTimings = stepTimings(specs)
	s.Totals.Seconds = in.Meta.FinishedAt.Sub(in.Meta.StartedAt).Seconds()
	s.Passed = s.Totals.Failed == 0 && len(s.SuiteFailures) == 0 && s.Totals.Passed > 0
	s.Gate = evaluateGate(s, in.Gate, in.Catalog)
	return s
}

// summaryMeta is the run's metadata as the summary records it.
func summaryMeta(in Input) SummaryMeta {
	out := SummaryMeta{Harness: HarnessVersion, Commit: in.Meta.Commit, FlakeAttempts: in.Meta.FlakeAttempts, Waivers: in.Meta.WaiversFile}
	seen := map[string]bool{}
	for _, sh := range in.Shards {
		if sh.Province != "" && !seen[sh.Province] {
			seen[sh.Province] = true
			out.Provinces = append(out.Provinces, sh.Province)
		}
		if len(in.Shards) > 1 {
			out.Shards = append(out.Shards, sh.RunID)
		}
	}
	return out
}

// suiteNode records setup nodes: their failures, and the health check the
// suite takes at the start.
func suiteNode(s *Summary, sr types.SpecReport, sh Shard, m *redact.Masker, outDir string) {
	for _, e := range sr.ReportEntries {
		if e.Name == vocab.EntrySSOSession {
			s.SSOSession = m.Text(fmt.Sprint(e.GetRawValue()))
		}
		if e.Name == vocab.EntryHealth {
			h := parseHealth(e)
			if s.Health == nil {
				s.Health = h
				s.Meta.Systems = h
			}
		}
	}
	if sr.State.Is(types.SpecStateFailureStates) {
		f := failureOf(sr, sr.Failure, m, sh, outDir)
		f.Spec = sr.LeafNodeType.String()
		if sh.Province != "" {
			f.Spec += " (" + sh.Province + ")"
		}
		s.SuiteFailures = append(s.SuiteFailures, *f)
	}
}

func digest(sr types.SpecReport, sh Shard, m *redact.Masker, outDir string) *spec {
	sp := &spec{labels: sr.Labels()}
	outcome := Skipped
	switch {
	case sr.State == types.SpecStatePassed && sr.NumAttempts > 1:
		outcome = OutcomeFlaky
	case sr.State == types.SpecStatePassed:
		outcome = Pass
	case sr.State.Is(types.SpecStateFailureStates):
		outcome = Fail
	}
	sp.result = SpecResult{Name: m.Text(sr.FullText()), Labels: sp.labels, State: sr.State.String(), Outcome: outcome,
		Attempts: sr.NumAttempts, Seconds: round3(sr.RunTime.Seconds()), Province: specProvince(sp.labels, sh.Province)}
	for _, e := range sr.ReportEntries {
		switch e.Name {
		case vocab.EntryCheck:
			sp.checks = append(sp.checks, checkMark{check: fmt.Sprint(e.GetRawValue()), at: e.Time})
		case vocab.EntryHealth:
			sp.health = parseHealth(e)
		case vocab.EntryA11yWarn:
			sp.warnings = append(sp.warnings, m.Text(fmt.Sprint(e.GetRawValue())))
		}
	}
	if outcome == Skipped {
		sp.skipped = skipReason(sr, m)
		if strings.TrimSpace(sr.Failure.Message) != "" {
			sp.result.SkipReason = sp.skipped // the spec said why
		}
	}
	if outcome == Fail {
		sp.failure = failureOf(sr, sr.Failure, m, sh, outDir)
		sp.failure.Check = failedCheck(sp.checks, sr.Failure.TimelineLocation.Time)
	}
	for _, af := range sr.AdditionalFailures {
		f := failureOf(sr, af.Failure, m, sh, outDir)
		f.Attempt = attemptOf(af.Failure.Message)
		sp.attempts = append(sp.attempts, *f)
	}
	return sp
}

// skipReason says why a spec did not run: its own Skip message (allow.submit
// false, tool missing), else the label filter or an interrupted run.
func skipReason(sr types.SpecReport, m *redact.Masker) string {
	if msg := strings.TrimSpace(sr.Failure.Message); msg != "" {
		return FailureHeadline(m.Text(msg))
	}
	switch sr.State {
	case types.SpecStatePending:
		return "pending (not written yet)"
	case types.SpecStateInterrupted, types.SpecStateAborted:
		return "the run was interrupted before it"
	}
	return skipNotSelected
}

const skipNotSelected = "not selected in this run (label filter, focus, or interrupted run)"

// failedCheck is the last check entered before the failure.
func failedCheck(checks []checkMark, at time.Time) string {
	last := ""
	for _, c := range checks {
		if at.IsZero() || !c.at.After(at) {
			last = c.check
		}
	}
	return last
}

func attemptOf(msg string) int {
	var n int
	if _, err := fmt.Sscanf(msg, "Failure recorded during attempt %d", &n); err == nil {
		return n
	}
	return 0
}

func failureOf(sr types.SpecReport, f types.Failure, m *redact.Masker, sh Shard, outDir string) *Failure {
	reason := Truncate(m.Text(PlainError(StripANSI(strings.TrimSpace(f.Message)))), maxReason)
	if reason == "" {
		reason = sr.State.String()
	}
	name := sr.FullText()
	if name == "" {
		name = sr.LeafNodeType.String()
	}
	out := &Failure{Spec: m.Text(name), Headline: FailureHeadline(reason), Reason: reason, Location: f.Location.String()}
	for _, e := range sr.ReportEntries {
		v := fmt.Sprint(e.GetRawValue())
		switch e.Name {
		case "screenshot", "page_html", "console":
			if e.Name == "console" && !strings.HasSuffix(v, ".txt") {
				continue
			}
			out.Evidence = append(out.Evidence, Evidence{Kind: e.Name, Path: relPath(outDir, sh.RunDir, v)})
		case vocab.EntryHTTP:
			out.HTTP = m.Text(v)
		case vocab.EntryFields:
			out.Fields = parseFields(v, m)
		}
	}
	if n := len(out.Fields); n > 0 {
		out.Headline = out.Fields[0].String()
		if n > 1 {
			out.Headline += fmt.Sprintf(" (+%d more)", n-1)
		}
	}
	return out
}

// relPath makes an evidence path relative to the output run folder, so a
// report folder can be moved or archived whole.
func relPath(outDir, runDir, p string) string {
	if runDir != "" && !filepath.IsAbs(p) {
		p = filepath.Join(runDir, p)
	}
	if outDir != "" {
		if r, err := filepath.Rel(outDir, p); err == nil {
			return filepath.ToSlash(r)
		}
	}
	return p
}

func parseHealth(e types.ReportEntry) []SystemHealth {
	var h []SystemHealth
	_ = json.Unmarshal([]byte(fmt.Sprint(e.GetRawValue())), &h)
	return h
}

// FailureHeadline is the first line of a failure that says what went wrong: Gomega
// puts "Timed out after …" and "The function passed to Eventually failed
// at …" before the harness's own words.
func FailureHeadline(reason string) string {
	for _, line := range strings.Split(reason, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "Timed out after") || strings.HasPrefix(line, "The function passed to") ||
			strings.HasPrefix(line, "Context was cancelled") || strings.HasPrefix(line, "Failure recorded during attempt") {
			continue
		}
		return line
	}
	return strings.TrimSpace(reason)
}

// Truncate cuts s to at most n bytes on a rune boundary.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

// parseFields reads the differing fields a spec reported, masked again:
// the report never trusts a suite's masking alone.
func parseFields(v string, m *redact.Masker) []vocab.FieldDiff {
	var fs []vocab.FieldDiff
	if json.Unmarshal([]byte(v), &fs) != nil {
		return nil
	}
	for i := range fs {
		fs[i].Want, fs[i].Got = m.Text(fs[i].Want), m.Text(fs[i].Got)
	}
	return fs
}
