package reports

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
)

// Label prefixes the suites use (suites/framework/labels.go); repeated here
// because data flows one way: reports never import the suites.
const (
	servicePrefix = "service:"
	dbPrefix      = "db:"
	systemPrefix  = "system:"
	kindPrefix    = "kind:"
)

// maxReason bounds a failure reason; the full text stays in ginkgo.json.
const maxReason = 1500

// Meta is what the runner knows beyond Ginkgo's report.
type Meta struct {
	RunID       string
	Target      TargetInfo
	LabelFilter string
	StartedAt   time.Time
	FinishedAt  time.Time
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

// Build derives the summary from Ginkgo's reports: every catalog service and
// database gets a verdict, also when none of its specs ran (skipped).
func Build(reps []types.Report, cat *fixtures.Catalog, meta Meta, m *redact.Masker) *Summary {
	s := &Summary{SchemaVersion: SchemaVersion, RunID: meta.RunID, Target: meta.Target, LabelFilter: meta.LabelFilter,
		StartedAt: meta.StartedAt, FinishedAt: meta.FinishedAt,
		NationalDBs: map[string]*Verdict{}, Platform: map[string]*Verdict{}}
	services := map[string]*Verdict{}
	for _, svc := range cat.Services {
		s.Services = append(s.Services, Verdict{ID: svc.ID, NameVI: svc.NameVI, NameEN: svc.NameEN, Agency: svc.Agency, Verdict: Skipped})
	}
	for i := range s.Services {
		services[s.Services[i].ID] = &s.Services[i]
	}
	for _, db := range cat.Databases {
		s.NationalDBs[db.ID] = &Verdict{ID: db.ID, NameVI: db.NameVI, NameEN: db.NameEN, Agency: db.Agency, Verdict: Skipped}
	}

	for _, rep := range reps {
		for _, sr := range rep.SpecReports {
			state, failure := classify(sr, m)
			if sr.LeafNodeType != types.NodeTypeIt {
				if state == Fail {
					s.SuiteFailures = append(s.SuiteFailures, *failure)
				}
				continue
			}
			s.Totals.Specs++
			switch state {
			case Pass:
				s.Totals.Passed++
			case Fail:
				s.Totals.Failed++
			default:
				s.Totals.Skipped++
			}
			labels := sr.Labels()
			if id := labelValue(labels, servicePrefix); id != "" && services[id] != nil {
				services[id].add(state, failure)
			}
			kind := labelValue(labels, kindPrefix)
			if db := labelValue(labels, dbPrefix); kind == "connection" && s.NationalDBs[db] != nil {
				s.NationalDBs[db].add(state, failure)
			}
			if sys := labelValue(labels, systemPrefix); kind == "platform" && sys != "" {
				if s.Platform[sys] == nil {
					s.Platform[sys] = &Verdict{ID: sys, NameVI: platformNames[sys], Verdict: Skipped}
				}
				s.Platform[sys].add(state, failure)
			}
		}
	}
	s.Totals.ServicesTotal = len(s.Services)
	for _, v := range s.Services {
		if v.Verdict == Pass {
			s.Totals.ServicesPassed++
		}
	}
	s.Totals.DBsTotal = len(s.NationalDBs)
	for _, v := range s.NationalDBs {
		if v.Verdict == Pass {
			s.Totals.DBsPassed++
		}
	}
	s.Totals.Seconds = meta.FinishedAt.Sub(meta.StartedAt).Seconds()
	s.Passed = s.Totals.Failed == 0 && len(s.SuiteFailures) == 0 && s.Totals.Passed > 0
	return s
}

var platformNames = map[string]string{
	"sso":     "Đăng nhập một lần (SSO / VNeID)",
	"payment": "Nền tảng thanh toán (payment platform)",
	"dvcqg":   "Đồng bộ Cổng DVC quốc gia (national portal sync)",
	"gateway": "Nền tảng chia sẻ dữ liệu (data-exchange gateway)",
}

// classify maps Ginkgo's states onto pass/fail/skipped; interrupted and
// timed-out specs are failures, because nothing was proven.
func classify(sr types.SpecReport, m *redact.Masker) (string, *Failure) {
	switch {
	case sr.State == types.SpecStatePassed:
		return Pass, nil
	case sr.State.Is(types.SpecStateFailureStates):
		reason := m.Text(strings.TrimSpace(sr.Failure.Message))
		reason = truncate(reason, maxReason)
		if reason == "" {
			reason = sr.State.String()
		}
		name := sr.FullText()
		if name == "" {
			name = sr.LeafNodeType.String()
		}
		return Fail, &Failure{Spec: m.Text(name), Headline: headline(reason), Reason: reason, Location: sr.Failure.Location.String()}
	default:
		return Skipped, nil
	}
}

// headline is the first line of a failure that says what went wrong: Gomega
// puts "Timed out after …" and "The function passed to Eventually failed
// at …" before the harness's own words.
func headline(reason string) string {
	for _, line := range strings.Split(reason, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "Timed out after") || strings.HasPrefix(line, "The function passed to") ||
			strings.HasPrefix(line, "Context was cancelled") {
			continue
		}
		return line
	}
	return strings.TrimSpace(reason)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func labelValue(labels []string, prefix string) string {
	for _, l := range labels {
		if strings.HasPrefix(l, prefix) {
			return strings.TrimPrefix(l, prefix)
		}
	}
	return ""
}
