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
)

// Label joins a key and a value: Label(KeyService, "DV09") = "service:DV09".
func Label(key, value string) string { return key + ":" + value }

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
)

// Report entries the suites attach and the report builder reads.
const (
	EntryCheck    = "dvcqa.check"    // the check an end-to-end flow has entered
	EntryHealth   = "dvcqa.health"   // systems' health (JSON list)
	EntryHTTP     = "dvcqa.http"     // the last HTTP exchanges of a failed spec
	EntryContract = "dvcqa.contract" // portal-contract validation of a spec
	EntryA11yWarn = "a11y warning"   // accessibility findings in warn mode
)

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

// Target kinds.
const (
	TargetMock = "mock"
	TargetReal = "real"
)

// Environment variables dvcqa reads.
const (
	EnvTarget     = "DVCQA_TARGET"      // target profile for `dvcqa run`
	EnvDefects    = "DVCQA_DEFECTS"     // seeded defects of the embedded world
	EnvRunDir     = "DVCQA_RUN_DIR"     // the run folder (evidence)
	EnvBrowserURL = "DVCQA_BROWSER_URL" // a remote Chromium's DevTools URL
	EnvAxePath    = "DVCQA_AXE_PATH"    // axe-core's axe.min.js
	EnvRunConfig  = "DVCQA_RUN_CONFIG"  // the run configuration file the suites read (runconfig)
)
