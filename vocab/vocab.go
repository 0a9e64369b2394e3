// Package vocab is the vocabulary the suites and the report builder both
// speak: label keys and values, report-entry names, check names in flow
// order, system names, target kinds and environment variables. It is a
// leaf (it imports nothing of dvcqa), so that data can flow one way —
// suites write these words, reports read them — and still be declared once.
package vocab

// Label keys: a spec's labels are "key:value".
const (
	KeyService = "service" // service:DV09
	KeyAgency  = "agency"  // agency:bca
	KeyDB      = "db"      // db:population
	KeySystem  = "system"  // system:sso
	KeyKind    = "kind"    // kind:e2e
	KeyLayer   = "layer"   // layer:api
	// KeyProvince marks every spec of a run over several provinces
	// (province:79); a run over the target's own province has none.
	KeyProvince = "province"
)

// Label joins a key and a value: Label(KeyService, "DV09") = "service:DV09".
func Label(key, value string) string { return key + ":" + value }

// Prefix is the start of a key's labels: Prefix(KeyDB) = "db:".
func Prefix(key string) string { return key + ":" }

// LabelValue is the value of the first label with key among labels, "" when
// there is none: LabelValue([service:DV09 kind:e2e], KeyKind) = "e2e".
func LabelValue(labels []string, key string) string {
	p := Prefix(key)
	for _, l := range labels {
		if len(l) >= len(p) && l[:len(p)] == p {
			return l[len(p):]
		}
	}
	return ""
}

// Kinds of spec.
const (
	KindE2E        = "e2e"
	KindNegative   = "negative"
	KindConnection = "connection"
	KindPlatform   = "platform"
	KindA11y       = "a11y"
)

// Layers a spec drives the target through.
const (
	LayerAPI     = "api"
	LayerBrowser = "browser"
)

// Systems of a target, as health checks and BLOCKED verdicts name them; a
// national database is "db:<id>".
const (
	SystemSSO     = "sso"
	SystemPortal  = "portal"
	SystemGateway = "gateway"
	SystemDVCQG   = "dvcqg"
	SystemPayment = "payment"
	// SystemBackoffice labels the specs of the portal's back office (the
	// officers' side, docs/officers.md); it is part of the portal.
	SystemBackoffice = "backoffice"
)

// DB is the system name of a national database: DB("tax") = "db:tax".
func DB(id string) string { return Label(KeyDB, id) }

// PlatformSystems are the platform systems judged on their own (a verdict
// each, and the gate's default platform_ready), in report order.
var PlatformSystems = []string{SystemSSO, SystemPayment, SystemDVCQG}

// SystemNames are the Vietnamese (English) names of the shared systems.
var SystemNames = map[string]string{
	SystemSSO:     "Đăng nhập một lần (SSO / VNeID)",
	SystemPayment: "Nền tảng thanh toán (payment platform)",
	SystemDVCQG:   "Đồng bộ Cổng DVC quốc gia (national portal sync)",
	SystemGateway: "Nền tảng chia sẻ dữ liệu (data-exchange gateway)",
}

// Health statuses of a system (report entry EntryHealth). Only evidence
// makes a system "down"; "unknown" never blames it. "slow" answered as the
// system should, but late (over half the request timeout): it is not down,
// and never makes an item BLOCKED by itself.
const (
	HealthOK      = "ok"
	HealthSlow    = "slow"
	HealthDown    = "down"
	HealthUnknown = "unknown"
)

// Report entries the suites attach and the report builder reads.
const (
	EntryCheck    = "dvcqa.check"    // the check an end-to-end flow has entered
	EntryHealth   = "dvcqa.health"   // systems' health (JSON list)
	EntryHTTP     = "dvcqa.http"     // the last HTTP exchanges of a failed spec
	EntryContract = "dvcqa.contract" // portal-contract validation of a spec
	EntryA11yWarn = "a11y warning"   // accessibility findings in warn mode
	EntryFields   = "dvcqa.fields"   // fields of answers that differ from their reference (JSON list of FieldDiff)
	// EntrySSOSession says when sso.login session's saved session expires.
	EntrySSOSession = "dvcqa.sso-session"
)

// FieldDiff is one field of an answer that differs from its reference: the
// system that told it, the operation that answered it, the field's path,
// the expected and the actual value (both masked of personal data). Blame
// is the system that first told the wrong value when it is another.
type FieldDiff struct {
	System    string `json:"system"`
	Operation string `json:"operation"`
	Field     string `json:"field"`
	Want      string `json:"want"`
	Got       string `json:"got"`
	Blame     string `json:"blame,omitempty"`
}

// String is the field as a failure line: "system operation field: want X, got Y".
func (f FieldDiff) String() string {
	s := f.System + " " + f.Operation + " " + f.Field + ": want " + f.Want + ", got " + f.Got
	if f.Blame != "" {
		s += " — first told by " + f.Blame
	}
	return s
}

// Checks of an end-to-end flow, in the order they run.
const (
	CheckLogin      = "login"
	CheckCatalog    = "catalog"
	CheckPrefill    = "prefill"
	CheckSubmit     = "submit"
	CheckPayment    = "payment"
	CheckProcessing = "processing"
	CheckHistory    = "history"
	CheckResult     = "result"
	CheckSync       = "sync"
	CheckChain      = "chain"
)

// CheckOrder is the flow order of the checks.
var CheckOrder = []string{CheckLogin, CheckCatalog, CheckPrefill, CheckSubmit, CheckPayment,
	CheckProcessing, CheckHistory, CheckResult, CheckSync, CheckChain}

// Column is one column of the service matrix: something every service is
// checked for. A new check on every service is one row here (plus the spec
// that carries its kind label): the report builder fills the column, the
// renderers name it, and the gate can require it, from this row alone.
type Column struct {
	ID string // "api_e2e", "prefill", "negative": key of summary.json's checks
	// Kind is the spec kind whose outcome fills the column; Layer, when set,
	// narrows it to one layer (the end-to-end columns).
	Kind, Layer string
	// Step, when set, makes it a step column: filled from the end-to-end
	// specs by how far their flow got through this check; Layers lists the
	// layers whose flows report the step (nil: every layer).
	Step   string
	Layers []string
	// Required: the column is a required check of a service (its READY
	// rests on it) and a gate may require it (gate.require).
	Required bool
	// Abbreviation and name, Vietnamese and English, for column heads,
	// legends and failures.
	AbbrVI, NameVI, AbbrEN, NameEN string
}

// E2EColumn is the matrix column of a layer's end-to-end specs: "api_e2e".
func E2EColumn(layer string) string { return layer + "_" + KindE2E }

// Columns of the service matrix, in order.
var Columns = []Column{
	{ID: E2EColumn(LayerAPI), Kind: KindE2E, Layer: LayerAPI, Required: true,
		AbbrVI: "API", NameVI: "toàn trình qua API", AbbrEN: "API", NameEN: "end to end through the API"},
	{ID: E2EColumn(LayerBrowser), Kind: KindE2E, Layer: LayerBrowser, Required: true,
		AbbrVI: "Web", NameVI: "toàn trình trên trình duyệt", AbbrEN: "Web", NameEN: "end to end in the browser"},
	{ID: CheckPrefill, Step: CheckPrefill,
		AbbrVI: "ĐS", NameVI: "điền sẵn từ CSDL quốc gia", AbbrEN: "Pre", NameEN: "prefill from national databases"},
	{ID: CheckPayment, Step: CheckPayment,
		AbbrVI: "TT", NameVI: "thanh toán trực tuyến", AbbrEN: "Pay", NameEN: "online payment"},
	// The national portal is checked over the API (and by the browser flow
	// when the portal has no API, portal.api: none).
	{ID: CheckSync, Step: CheckSync, Layers: []string{LayerAPI},
		AbbrVI: "ĐB", NameVI: "đồng bộ DVCQG", AbbrEN: "Sync", NameEN: "DVCQG sync"},
	{ID: CheckResult, Step: CheckResult,
		AbbrVI: "KQ", NameVI: "trả kết quả (chữ ký số)", AbbrEN: "Res", NameEN: "result returned (signed)"},
	{ID: KindNegative, Kind: KindNegative,
		AbbrVI: "Sai", NameVI: "xử lý dữ liệu sai, thiếu xác thực, gửi trùng", AbbrEN: "Neg", NameEN: "invalid input, missing authentication, retried submit"},
	{ID: KindA11y, Kind: KindA11y,
		AbbrVI: "TC", NameVI: "khả năng tiếp cận (WCAG 2 A/AA)", AbbrEN: "A11y", NameEN: "accessibility (WCAG 2 A/AA)"},
}

// ColumnIDs are the ids of Columns, in order.
func ColumnIDs() []string {
	out := make([]string, len(Columns))
	for i, c := range Columns {
		out[i] = c.ID
	}
	return out
}

// RequiredColumns are the ids of the required columns ("api_e2e",
// "browser_e2e"): what gate.require may name.
func RequiredColumns() []string {
	var out []string
	for _, c := range Columns {
		if c.Required {
			out = append(out, c.ID)
		}
	}
	return out
}

// Target kinds.
const (
	TargetMock = "mock"
	TargetReal = "real"
)

// Environment variables dvcqa reads.
const (
	EnvTarget     = "DVCQA_TARGET"      // target profile for `dvcqa run`
	EnvBrowserURL = "DVCQA_BROWSER_URL" // remote browsers' DevTools endpoints, a comma- or space-separated list
	EnvAxePath    = "DVCQA_AXE_PATH"    // axe-core's axe.min.js
	EnvRunConfig  = "DVCQA_RUN_CONFIG"  // the run configuration file the suites read (runconfig)
	// EnvRunToken marks every process a `dvcqa run` starts (and all they
	// start): its value is unique to the run, so what is left of a killed
	// run can be found and ended.
	EnvRunToken = "DVCQA_RUN_TOKEN"
)
