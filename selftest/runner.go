package selftest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/runconfig"
	"github.com/dvcqa/dvcqa/vocab"
)

// Outcome is what one run of the compiled suites did.
type Outcome struct {
	Passed  []string            // full texts of passed specs
	Failed  map[string]string   // full text → failure message
	Labels  map[string][]string // full text → labels, of failed specs
	Setup   []string            // failed setup nodes
	Skipped int

	// Summary is what a user of `dvcqa run` would read: the readiness
	// report built from this run by the same code, with the mock target's
	// go-live gate.
	Summary *reports.Summary
}

// Suites is the suite entry compiled once, run many times.
type Suites struct {
	Bin  string // the test binary
	Root string // the module root; runs start in its suites/ folder, as `go test` would
}

// BuildSuites compiles the suite entry once into dir.
func BuildSuites(ctx context.Context, root, dir string) (*Suites, error) {
	bin := filepath.Join(dir, "suites.test")
	cmd := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, "./suites")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build suites: %w\n%s", err, out)
	}
	return &Suites{Bin: bin, Root: root}, nil
}

// Run runs the compiled suites against the embedded world with the defects
// switched on and the label filter, serially, writing the run configuration
// (as `dvcqa run` does), report and evidence into dir, and reads the report.
func (s *Suites) Run(ctx context.Context, dir, filter, defects string) (*Outcome, error) {
	return s.RunTarget(ctx, dir, filter, defects, "")
}

// RunTarget is Run with a target profile (module-relative; "" = the
// default embedded world), e.g. a seeded defect's own (Defect.Target).
func (s *Suites) RunTarget(ctx context.Context, dir, filter, defects, target string) (*Outcome, error) {
	if target != "" && !filepath.IsAbs(target) {
		target = filepath.Join(s.Root, target)
	}
	reps, err := s.run(ctx, dir, runconfig.Config{RunID: filepath.Base(dir), Defects: runconfig.SplitList(defects),
		RunDir: dir, LabelFilter: filter, Target: target, BrowserURL: os.Getenv(vocab.EnvBrowserURL)}, 3*time.Minute)
	if err != nil {
		return nil, err
	}
	o := outcome(reps)
	o.Summary, err = summarize(reps, filter)
	return o, err
}

// run runs the compiled suites once with the run configuration cfg
// (written into dir, as `dvcqa run` does), within the Ginkgo timeout, and
// reads their report.
func (s *Suites) run(ctx context.Context, dir string, cfg runconfig.Config, timeout time.Duration) ([]types.Report, error) {
	report := filepath.Join(dir, "report.json")
	cmd := exec.CommandContext(ctx, s.Bin, "-ginkgo.label-filter="+cfg.LabelFilter, "-ginkgo.json-report="+report,
		"-ginkgo.no-color", "-ginkgo.timeout="+timeout.String(), "-test.timeout="+(timeout+time.Minute).String())
	cmd.Dir = filepath.Join(s.Root, "suites")
	configEnv, err := runconfig.Write(dir, cfg)
	if err != nil {
		return nil, err
	}
	cmd.Env = append(os.Environ(), configEnv)
	out, runErr := cmd.CombinedOutput()
	data, err := os.ReadFile(report)
	if err != nil {
		return nil, fmt.Errorf("suites wrote no report (run: %v): %w\n%s", runErr, err, tail(out))
	}
	var reps []types.Report
	if err := json.Unmarshal(data, &reps); err != nil {
		return nil, fmt.Errorf("parse report: %w", err)
	}
	return reps, nil
}

// summarize builds the run's summary.json as `dvcqa run` would.
func summarize(reps []types.Report, filter string) (*reports.Summary, error) {
	cat, err := fixtures.Load()
	if err != nil {
		return nil, err
	}
	tgt, err := fixtures.DefaultTarget(cat)
	if err != nil {
		return nil, err
	}
	return reports.Build(reports.Input{Shards: []reports.Shard{{RunID: "selftest", Province: tgt.Province, Reports: reps}},
		Catalog: cat, Gate: tgt.Gate, Now: time.Now(),
		Meta: reports.Meta{RunID: "selftest", LabelFilter: filter,
			Target: reports.TargetInfo{Name: tgt.Name, Kind: tgt.Kind, Allow: &reports.Allow{Submit: tgt.Allow.Submit, Pay: tgt.Allow.Pay}}}}), nil
}

// Spec is one spec of the suites, as a dry run lists it.
type Spec struct {
	Text   string // full text
	Kind   string // the It template: its own text and layer, the same for every service or database
	Labels []string
}

// List is every spec of the suites, from a dry run (nothing is started).
func (s *Suites) List(ctx context.Context, dir string) ([]Spec, error) {
	report := filepath.Join(dir, "dry-run.json")
	cmd := exec.CommandContext(ctx, s.Bin, "-ginkgo.dry-run", "-ginkgo.json-report="+report, "-ginkgo.no-color", "-test.timeout=1m")
	cmd.Dir = filepath.Join(s.Root, "suites")
	configEnv, err := runconfig.Write(dir, runconfig.Config{RunID: "dry-run", RunDir: dir})
	if err != nil {
		return nil, err
	}
	cmd.Env = append(os.Environ(), configEnv)
	out, runErr := cmd.CombinedOutput()
	data, err := os.ReadFile(report)
	if err != nil {
		return nil, fmt.Errorf("dry run wrote no report (run: %v): %w\n%s", runErr, err, tail(out))
	}
	var reps []types.Report
	if err := json.Unmarshal(data, &reps); err != nil {
		return nil, fmt.Errorf("parse dry-run report: %w", err)
	}
	var specs []Spec
	for _, r := range reps {
		for _, sr := range r.SpecReports {
			if sr.LeafNodeType != types.NodeTypeIt {
				continue
			}
			layer := ""
			for _, l := range sr.Labels() {
				if strings.HasPrefix(l, vocab.Prefix(vocab.KeyLayer)) {
					layer = l
				}
			}
			specs = append(specs, Spec{Text: sr.FullText(), Kind: sr.LeafNodeText + " [" + layer + "]", Labels: sr.Labels()})
		}
	}
	return specs, nil
}

func outcome(reps []types.Report) *Outcome {
	o := &Outcome{Failed: map[string]string{}, Labels: map[string][]string{}}
	for _, r := range reps {
		for _, sr := range r.SpecReports {
			failed := sr.State.Is(types.SpecStateFailureStates)
			switch {
			case sr.LeafNodeType != types.NodeTypeIt:
				if failed {
					o.Setup = append(o.Setup, sr.LeafNodeType.String()+": "+sr.Failure.Message)
				}
			case sr.State == types.SpecStatePassed:
				o.Passed = append(o.Passed, sr.FullText())
			case failed:
				o.Failed[sr.FullText()] = sr.Failure.Message
				o.Labels[sr.FullText()] = sr.Labels()
			default:
				o.Skipped++
			}
		}
	}
	return o
}

// Judge compares a defect run with its declaration and returns every
// mismatch in words; none means the defect was detected as declared.
func Judge(o *Outcome, expected []string, symptom string) []string {
	var problems []string
	if len(o.Setup) > 0 {
		problems = append(problems, "suite setup failed: "+strings.Join(o.Setup, "; "))
	}
	if len(o.Failed) == 0 {
		return append(problems, "no spec failed: the defect went unnoticed")
	}
	res := make([]*regexp.Regexp, len(expected))
	for i, p := range expected {
		res[i] = regexp.MustCompile(p)
	}
	for i, re := range res {
		hit := false
		for name := range o.Failed {
			hit = hit || re.MatchString(name)
		}
		if !hit {
			problems = append(problems, fmt.Sprintf("expected spec %q did not fail", expected[i]))
		}
	}
	for name, msg := range o.Failed {
		matched := false
		for _, re := range res {
			matched = matched || re.MatchString(name)
		}
		if !matched {
			problems = append(problems, fmt.Sprintf("unrelated spec failed: %s: %s", name, firstLine(msg)))
			continue
		}
		if !strings.Contains(msg, symptom) {
			problems = append(problems, fmt.Sprintf("failure of %s does not name the symptom %q: %s", name, symptom, firstLine(msg)))
		}
	}
	if len(o.Passed) == 0 {
		problems = append(problems, "no unrelated spec ran and passed: the run proves nothing about false alarms")
	}
	return append(problems, JudgeVerdicts(o)...)
}

// JudgeVerdicts checks what a user sees of a defect: every item whose spec
// caught it is NOT READY (or BLOCKED where a dependency was proven down)
// in summary.json, a go-live rule other than "complete run" names it, the
// gate FAILED and dvcqa would exit 1. A defect that leaves the gate green,
// or the item READY, is not caught as far as a manager can tell.
func JudgeVerdicts(o *Outcome) []string {
	var problems []string
	s := o.Summary
	if s == nil {
		return []string{"no summary was built"}
	}
	if s.Gate.Passed {
		problems = append(problems, "the go-live gate PASSED")
	}
	if code := reports.ExitCode(s); code != 1 {
		problems = append(problems, fmt.Sprintf("dvcqa would exit %d, want 1", code))
	}
	for name, labels := range o.Labels {
		rule, id, v := itemOf(s, labels)
		if v == nil {
			problems = append(problems, fmt.Sprintf("failed spec %s belongs to no service, database or platform system", name))
			continue
		}
		if v.Readiness != reports.NotReady && v.Readiness != reports.Blocked {
			problems = append(problems, fmt.Sprintf("%s is %s in summary.json, want NOT READY or BLOCKED (it failed %s)", id, v.Readiness, name))
			continue
		}
		named := false
		for _, r := range s.Gate.Rules {
			if r.ID == rule && !r.Passed && slices.Contains(r.Items, id+" "+v.Readiness) {
				named = true
			}
		}
		if !named {
			problems = append(problems, fmt.Sprintf("gate rule %q does not fail naming %s %s", rule, id, v.Readiness))
		}
	}
	return problems
}

// itemOf is the gate rule, id and verdict of the item a spec belongs to.
func itemOf(s *reports.Summary, labels []string) (rule, id string, v *reports.Verdict) {
	get := func(key string) string { return vocab.LabelValue(labels, key) }
	kind := get(vocab.KeyKind)
	switch {
	case get(vocab.KeyService) != "":
		id = get(vocab.KeyService)
		for i := range s.Services {
			if s.Services[i].ID == id {
				return "services", id, &s.Services[i]
			}
		}
	case kind == vocab.KindConnection:
		id = get(vocab.KeyDB)
		return "national_dbs", id, s.NationalDBs[id]
	case kind == vocab.KindPlatform:
		id = get(vocab.KeySystem)
		return "platform", id, s.Platform[id]
	}
	return "", id, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func tail(b []byte) string {
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}
