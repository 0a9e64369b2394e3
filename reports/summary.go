// Package reports turns a finished Ginkgo run into what people read:
// summary.json and the terminal verdict table. It is also the directory
// where runs write their output (reports/<run-id>/, reports/latest/).
package reports

import "time"

// SchemaVersion of summary.json; bumped on incompatible changes.
const SchemaVersion = 1

// Verdicts.
const (
	Pass    = "pass"
	Fail    = "fail"
	Skipped = "skipped"
)

// Summary is summary.json.
type Summary struct {
	SchemaVersion int                 `json:"schema_version"`
	RunID         string              `json:"run_id"`
	Target        TargetInfo          `json:"target"`
	LabelFilter   string              `json:"label_filter,omitempty"`
	StartedAt     time.Time           `json:"started_at"`
	FinishedAt    time.Time           `json:"finished_at"`
	Passed        bool                `json:"passed"` // every spec that ran passed, and some ran
	Services      []Verdict           `json:"services"`
	NationalDBs   map[string]*Verdict `json:"national_dbs"`
	Platform      map[string]*Verdict `json:"platform"`
	SuiteFailures []Failure           `json:"suite_failures,omitempty"` // failed setup nodes (e.g. the mock world did not start)
	Totals        Totals              `json:"totals"`
}

// TargetInfo says what was tested.
type TargetInfo struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Province string   `json:"province"`
	Seed     int64    `json:"seed,omitempty"`
	File     string   `json:"file,omitempty"`
	Defects  []string `json:"defects,omitempty"` // seeded defects switched on in the mock world
}

// Verdict of one service, national database or platform system.
type Verdict struct {
	ID       string    `json:"id"`
	NameVI   string    `json:"name_vi"`
	NameEN   string    `json:"name_en,omitempty"`
	Agency   string    `json:"agency,omitempty"`
	Verdict  string    `json:"verdict"`
	Passed   int       `json:"passed"`
	Failed   int       `json:"failed"`
	Skipped  int       `json:"skipped"`
	Failures []Failure `json:"failures,omitempty"`
}

// Failure is one failed spec and why, masked.
type Failure struct {
	Spec     string `json:"spec"`
	Headline string `json:"headline"` // the reason in one line, in the harness's words
	Reason   string `json:"reason"`
	Location string `json:"location,omitempty"`
}

// Totals are the counts a manager reads first.
type Totals struct {
	Specs          int     `json:"specs"`
	Passed         int     `json:"passed"`
	Failed         int     `json:"failed"`
	Skipped        int     `json:"skipped"`
	ServicesPassed int     `json:"services_passed"`
	ServicesTotal  int     `json:"services_total"`
	DBsPassed      int     `json:"national_dbs_passed"`
	DBsTotal       int     `json:"national_dbs_total"`
	Seconds        float64 `json:"seconds"`
}

func (v *Verdict) add(state string, f *Failure) {
	switch state {
	case Pass:
		v.Passed++
	case Fail:
		v.Failed++
		v.Failures = append(v.Failures, *f)
	default:
		v.Skipped++
	}
	switch {
	case v.Failed > 0:
		v.Verdict = Fail
	case v.Passed > 0:
		v.Verdict = Pass
	default:
		v.Verdict = Skipped
	}
}
