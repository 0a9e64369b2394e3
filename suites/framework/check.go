package framework

import (
	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/vocab"
)

// Checks of an end-to-end flow, in the order they run (vocab.CheckOrder).
// The report builder reads them (report entry vocab.EntryCheck) to tell
// which check of a flow failed: the last one entered before the failure.
const (
	CheckLogin      = vocab.CheckLogin
	CheckCatalog    = vocab.CheckCatalog
	CheckPrefill    = vocab.CheckPrefill
	CheckSubmit     = vocab.CheckSubmit
	CheckPayment    = vocab.CheckPayment
	CheckProcessing = vocab.CheckProcessing
	CheckHistory    = vocab.CheckHistory
	CheckResult     = vocab.CheckResult
	CheckSync       = vocab.CheckSync
	CheckChain      = vocab.CheckChain
)

// CheckEntry is the report entry name of a check.
const CheckEntry = vocab.EntryCheck

// Step starts a check of a flow: a Ginkgo By with the text, recorded as the
// check the spec is in.
func Step(check, text string) {
	ginkgo.By(text)
	ginkgo.AddReportEntry(CheckEntry, check, ginkgo.ReportEntryVisibilityNever)
}
