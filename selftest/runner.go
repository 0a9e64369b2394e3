package selftest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// Outcome is what one run of the compiled suites did.
type Outcome struct {
	Passed  []string          // full texts of passed specs
	Failed  map[string]string // full text → failure message
	Setup   []string          // failed setup nodes
	Skipped int
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
// switched on and the label filter, serially, writing report and evidence
// into dir, and reads the report.
func (s *Suites) Run(ctx context.Context, dir, filter, defects string) (*Outcome, error) {
	report := filepath.Join(dir, "report.json")
	cmd := exec.CommandContext(ctx, s.Bin, "-ginkgo.label-filter="+filter, "-ginkgo.json-report="+report,
		"-ginkgo.no-color", "-ginkgo.timeout=3m", "-test.timeout=4m")
	cmd.Dir = filepath.Join(s.Root, "suites")
	cmd.Env = append(os.Environ(), "DVCQA_TARGET=", "DVCQA_DEFECTS="+defects, "DVCQA_RUN_DIR="+dir)
	out, runErr := cmd.CombinedOutput()
	data, err := os.ReadFile(report)
	if err != nil {
		return nil, fmt.Errorf("suites wrote no report (run: %v): %w\n%s", runErr, err, tail(out))
	}
	var reps []types.Report
	if err := json.Unmarshal(data, &reps); err != nil {
		return nil, fmt.Errorf("parse report: %w", err)
	}
	return outcome(reps), nil
}

func outcome(reps []types.Report) *Outcome {
	o := &Outcome{Failed: map[string]string{}}
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
	return problems
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
