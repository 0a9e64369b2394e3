package framework

import "github.com/onsi/ginkgo/v2"

// Checks of an end-to-end flow, in the order they run. The report builder
// reads them (report entry "dvcqa.check") to tell which check of a flow
// failed: the last one entered before the failure.
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

// CheckEntry is the report entry name of a check.
const CheckEntry = "dvcqa.check"

// Step starts a check of a flow: a Ginkgo By with the text, recorded as the
// check the spec is in.
func Step(check, text string) {
	ginkgo.By(text)
	ginkgo.AddReportEntry(CheckEntry, check, ginkgo.ReportEntryVisibilityNever)
}
