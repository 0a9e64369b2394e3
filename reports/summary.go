// Package reports is the model of a finished Ginkgo run: the verdicts
// (summary.json), readiness (one rule, ReadinessOf), the go-live gate, the
// diff between runs and the trend. What people read is rendered from it by
// reports/render (index.html, summary.md, junit.xml, the terminal table,
// diff.md). The folder is also where runs write their output
// (reports/<run-id>/, reports/latest/).
//
// Everything is built from Ginkgo's JSON report plus run metadata, so a
// report can be rebuilt, diffed or merged from a finished run's files.
package reports

import (
	"maps"
	"slices"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

// SchemaVersion of summary.json (documented in the README). Version 2 adds
// readiness verdicts, checks, the gate, metadata and the spec list; the
// version-1 fields keep their meaning.
const SchemaVersion = 2

// Spec-level verdicts (version 1): did the specs of an item pass?
const (
	Pass    = "pass"
	Fail    = "fail"
	Skipped = "skipped"
)

// OutcomeFlaky is SpecResult.Outcome of a spec that passed on a retry
// (besides Pass, Fail, Skipped).
const OutcomeFlaky = "flaky"

// Readiness verdicts: what the go-live decision reads.
const (
	Ready       = "READY"        // every required check ran in this run and passed
	NotReady    = "NOT READY"    // a check failed
	Blocked     = "BLOCKED"      // not judged: a dependency was proven down
	Flaky       = "FLAKY"        // failed, then passed on a retry
	Waived      = "WAIVED"       // failed or not verified, covered by a valid waiver
	NotVerified = "NOT VERIFIED" // chưa kiểm chứng: nothing failed, but a required check did not run
	NotRun      = "NOT RUN"      // schema-2 summaries before NOT VERIFIED existed; read, never written
)

// Check results in the service matrix.
const (
	CheckPass       = "pass"
	CheckFail       = "fail"
	CheckFlaky      = "flaky"
	CheckNotReached = "not_reached" // the spec failed before this step
	CheckNA         = "n/a"         // the service has no such step (a free service and payment)
	CheckNotRun     = "not_run"
)

// Matrix columns of the service matrix, in order.
// declared once in vocab.Columns.
var CheckColumns = vocab.ColumnIDs()

// Summary is summary.json.
type Summary struct {
	SchemaVersion int                 `json:"schema_version"`
	RunID         string              `json:"run_id"`
	Target        TargetInfo          `json:"target"`
	LabelFilter   string              `json:"label_filter,omitempty"`
	StartedAt     time.Time           `json:"started_at"`
	FinishedAt    time.Time           `json:"finished_at"`
	Passed        bool                `json:"passed"` // every spec that ran passed (or was retried into passing), and some ran
	Meta          SummaryMeta         `json:"meta"`
	Gate          GateResult          `json:"gate"`
	Headline      Headline            `json:"headline"`
	Services      []Verdict           `json:"services"`
	NationalDBs   map[string]*Verdict `json:"national_dbs"`
	Platform      map[string]*Verdict `json:"platform"`
	Provinces     []ProvinceRow       `json:"provinces,omitempty"`    // when several provinces ran (merged shards)
	Health        []SystemHealth      `json:"health,omitempty"`       // dependencies at the start of the run
	HealthNotes   []HealthNote        `json:"health_notes,omitempty"` // probes that said down while specs using the system passed
	SSOSession    string              `json:"sso_session,omitempty"`  // sso.login session: the saved session and when it expires
	Partial       []PartialReason     `json:"partial,omitempty"`      // why this run cannot decide go-live (empty: a complete run)
	StepTimings   []StepTiming        `json:"step_timings,omitempty"`
	Specs         []SpecResult        `json:"specs"`
	SuiteFailures []Failure           `json:"suite_failures,omitempty"` // failed setup nodes (e.g. the mock world did not start)
	Totals        Totals              `json:"totals"`
	Trend         map[string][]string `json:"trend,omitempty"` // item id → readiness over the last runs, oldest first, this run last
}

// TargetInfo says what was tested.
type TargetInfo struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Province string `json:"province"`
	// Provinces are the provinces of a run over several (dvcqa run
	// --provinces); Province is then "" and each spec names its own.
	Provinces []string `json:"provinces,omitempty"`
	Seed      int64    `json:"seed,omitempty"`
	File      string   `json:"file,omitempty"`
	Defects   []string `json:"defects,omitempty"` // seeded defects switched on in the mock world
	Allow     *Allow   `json:"allow,omitempty"`   // what the profile let the harness do (nil: not recorded)
	// PortalAPI is "none" when the portal has no dvcqa citizen API
	// (portal.api: none): its API specs are NOT RUN; "" otherwise.
	PortalAPI string `json:"portal_api,omitempty"`
}

// Allow is the target profile's allow: block, as the run saw it.
type Allow struct {
	Submit bool `json:"submit"`
	Pay    bool `json:"pay"`
}

// SummaryMeta is the rest of "what exactly was tested".
type SummaryMeta struct {
	Harness       string         `json:"harness_version"`
	Commit        string         `json:"harness_commit,omitempty"`
	Provinces     []string       `json:"provinces"`
	Systems       []SystemHealth `json:"systems,omitempty"` // versions the target reports
	FlakeAttempts int            `json:"flake_attempts,omitempty"`
	Waivers       string         `json:"waivers_file,omitempty"`
	Shards        []string       `json:"shards,omitempty"` // run ids merged into this one
}

// SystemHealth is one dependency's health check.
type SystemHealth struct {
	System  string `json:"system"` // sso, portal, gateway, db:population, dvcqg, payment
	Status  string `json:"status"` // ok | slow | down | unknown (no probe, or a probe that proves nothing)
	Version string `json:"version,omitempty"`
	Detail  string `json:"detail,omitempty"`
	// Source is "request" when a spec's own failing request proved the
	// system down, "" for a health probe (see downDeps).
	Source string `json:"source,omitempty"`
}

// Headline is the line ministries report: "Toàn trình: 21/25 dịch vụ ·
// CSDL quốc gia: 9/9 kết nối · Đồng bộ DVCQG: đạt".
type Headline struct {
	ServicesReady  int `json:"services_ready"` // READY (WAIVED counted separately)
	ServicesTotal  int `json:"services_total"`
	ServicesWaived int `json:"services_waived"`
	// ServicesNotVerified: "Toàn trình: 21/25 dịch vụ (4 chưa kiểm chứng)".
	ServicesNotVerified int `json:"services_not_verified"`
	// SyncProven is how many of the counted services (READY) had
	// a dossier submitted in this run and read back from the national
	// portal with matching status and history; SyncOK needs all of them.
	SyncProven  int  `json:"dvcqg_sync_proven"`
	SyncCounted int  `json:"dvcqg_sync_counted"`
	DBsReady    int  `json:"national_dbs_ready"`
	DBsTotal    int  `json:"national_dbs_total"`
	SyncOK      bool `json:"dvcqg_sync_ok"`
	// A run over several provinces adds the national form: "Kết nối Cổng
	// DVCQG: 22/34 tỉnh · Kết nối CSDL quốc gia: 23/34 tỉnh · Toàn trình:
	// 21/25 dịch vụ" (a service counts when READY in every province).
	ProvincesTotal int `json:"provinces_total,omitempty"`
	ProvincesDVCQG int `json:"provinces_dvcqg_connected,omitempty"`
	ProvincesDBs   int `json:"provinces_dbs_connected,omitempty"`
}

// GateResult is the go-live gate of the target profile, rule by rule.
type GateResult struct {
	Passed bool         `json:"passed"`
	Rules  []RuleResult `json:"rules"`
}

// RuleResult is one gate rule and what the run showed.
type RuleResult struct {
	ID            string `json:"id"`
	Description   string `json:"description"` // English
	DescriptionVI string `json:"description_vi"`
	Want          string `json:"want"`
	Got           string `json:"got"`
	Passed        bool   `json:"passed"`
	// Items are what keeps the rule from passing, "DV07 NOT READY".
	Items []string `json:"items,omitempty"`
}

// PartialReason is one reason a run is partial: label_filter, no_submit,
// no_pay, not_verified.
type PartialReason struct {
	Code   string `json:"code"`
	Detail string `json:"detail,omitempty"`
}

// HealthNote: a health probe said a system was down, yet specs that use
// the system passed. The probe may be wrong, or the outage intermittent;
// either way a QA engineer should look.
type HealthNote struct {
	System string `json:"system"`
	Detail string `json:"detail,omitempty"`
	Passed int    `json:"passed_specs"` // specs depending on it that passed
}

// Unverified is a required check that did not run, and why.
type Unverified struct {
	Check  string `json:"check"` // api_e2e, browser_e2e, or the spec for databases and platform systems
	Spec   string `json:"spec,omitempty"`
	Reason string `json:"reason"`
}

// Verdict of one service, national database or platform system.
type Verdict struct {
	ID        string   `json:"id"`
	NameVI    string   `json:"name_vi"`
	NameEN    string   `json:"name_en,omitempty"`
	Agency    string   `json:"agency,omitempty"`
	Verdict   string   `json:"verdict"`   // pass | fail | skipped (schema 1)
	Readiness string   `json:"readiness"` // READY | NOT READY | BLOCKED | FLAKY | WAIVED | NOT VERIFIED
	BlockedBy []string `json:"blocked_by,omitempty"`
	// Unverified lists the required checks that did not run (NOT VERIFIED).
	Unverified []Unverified `json:"not_verified,omitempty"`
	// Warnings are findings that do not fail the item (accessibility in
	// warn mode).
	Warnings []string          `json:"warnings,omitempty"`
	Waiver   *WaiverRef        `json:"waiver,omitempty"`
	Checks   map[string]string `json:"checks,omitempty"` // CheckColumns → check result (services only)
	Passed   int               `json:"passed"`
	Failed   int               `json:"failed"`
	Skipped  int               `json:"skipped"`
	Flaky    int               `json:"flaky"`
	Failures []Failure         `json:"failures,omitempty"`
	Seconds  float64           `json:"seconds"`
}

// WaiverRef is the waiver that covered a failure.
type WaiverRef struct {
	Reason   string `json:"reason"`
	Ticket   string `json:"ticket"`
	Owner    string `json:"owner"`
	Approver string `json:"approver"`
	Expires  string `json:"expires"`
}

// Failure is one failed spec (or attempt) and why, masked.
type Failure struct {
	Spec     string     `json:"spec"`
	Headline string     `json:"headline"` // the reason in one line, in the harness's words
	Reason   string     `json:"reason"`
	Location string     `json:"location,omitempty"`
	Check    string     `json:"check,omitempty"`   // the step that failed (prefill, payment, …)
	Attempt  int        `json:"attempt,omitempty"` // for flaky specs: which attempt failed
	Evidence []Evidence `json:"evidence,omitempty"`
	HTTP     string     `json:"http,omitempty"` // the last requests and answers before the failure, redacted
	// Fields are the answers' fields that differed from their references,
	// expected against actual (masked).
	Fields []vocab.FieldDiff `json:"fields,omitempty"`
}

// Evidence is a file a failing spec left (paths relative to the run folder).
type Evidence struct {
	Kind string `json:"kind"` // screenshot | page_html | console
	Path string `json:"path"`
}

// SpecResult is one spec of the run, for diffs and merges.
type SpecResult struct {
	Name     string   `json:"name"`
	Labels   []string `json:"labels"`
	State    string   `json:"state"`   // passed | failed | skipped | pending | interrupted | timedout | panicked | aborted
	Outcome  string   `json:"outcome"` // pass | fail | flaky | skipped
	Attempts int      `json:"attempts"`
	Seconds  float64  `json:"seconds"`
	Province string   `json:"province,omitempty"`
	// SkipReason is why a spec that skipped itself did not run (e.g.
	// "portal.api: none: …"); "" when it ran or was not selected.
	SkipReason string `json:"skip_reason,omitempty"`
}

// ProvinceRow is one province of a run over several provinces (dvcqa run
// --provinces, or province runs merged): its own verdicts, judged by the
// same rules from its specs alone (and the national ones, SSO, that ran
// once for all).
type ProvinceRow struct {
	Province      string `json:"province"`
	ServicesReady int    `json:"services_ready"`
	ServicesTotal int    `json:"services_total"`
	DBsReady      int    `json:"national_dbs_ready"`
	DBsTotal      int    `json:"national_dbs_total"`
	SyncOK        bool   `json:"dvcqg_sync_ok"`
	// DVCQGConnected: its dossiers reached the national portal (SyncOK);
	// DBsConnected: every national database READY through its gateway
	// account. What "Kết nối Cổng DVCQG" and "Kết nối CSDL quốc gia" count.
	DVCQGConnected bool `json:"dvcqg_connected"`
	DBsConnected   bool `json:"national_dbs_connected"`
	// Services is each catalog service's readiness in this province, in
	// catalog order: the province × service matrix.
	Services []ProvinceCell `json:"services"`
}

// ProvinceCell is one service in one province.
type ProvinceCell struct {
	ID        string `json:"id"`
	Readiness string `json:"readiness"`
	Failed    int    `json:"failed,omitempty"`
}

// StepTiming is how long one step of the end-to-end flows took.
type StepTiming struct {
	Layer    string  `json:"layer"` // api | browser
	Check    string  `json:"check"`
	Count    int     `json:"count"`
	MedianMS float64 `json:"median_ms"`
	MaxMS    float64 `json:"max_ms"`
}

// Totals are the counts a manager reads first.
type Totals struct {
	Specs          int     `json:"specs"`
	Passed         int     `json:"passed"`
	Failed         int     `json:"failed"`
	Skipped        int     `json:"skipped"`
	Flaky          int     `json:"flaky"`
	ServicesPassed int     `json:"services_passed"`
	ServicesTotal  int     `json:"services_total"`
	DBsPassed      int     `json:"national_dbs_passed"`
	DBsTotal       int     `json:"national_dbs_total"`
	Seconds        float64 `json:"seconds"`
}

// ReadinessOf is an item's readiness: its own verdict or, in summaries of
// schema version 1 that have none, the one its spec-level verdict implies.
// The one rule that diff, trend and every renderer read readiness by.
func ReadinessOf(v *Verdict) string {
	if v == nil {
		return ""
	}
	if v.Readiness != "" {
		return v.Readiness
	}
	return OutcomeReadiness(v.Verdict)
}

// OutcomeReadiness is the readiness a spec-level outcome (pass, fail,
// flaky, skipped) implies, for a spec that belongs to no item or an item
// judged before readiness existed.
func OutcomeReadiness(outcome string) string {
	switch outcome {
	case Pass:
		return Ready
	case Fail:
		return NotReady
	case OutcomeFlaky:
		return Flaky
	}
	return NotRun
}

// SpecIdentity names a spec across shards: its full text, and the province
// of its shard when there is one.
func SpecIdentity(name, province string) string {
	if province == "" {
		return name
	}
	return name + " [" + province + "]"
}

// SortedKeys are a map's keys in order: items, rules and properties are
// always listed in the same order.
func SortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
