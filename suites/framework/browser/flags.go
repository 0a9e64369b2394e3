package browser

import "github.com/chromedp/chromedp"

// disabledFeatures replaces the defaults' disable-features list (a flag is
// set once: a second one would drop the first's features). Each one is
// background work or a cache no spec looks at:
//   - Translate, BlinkGenPropertyTrees: chromedp's defaults;
//   - BackForwardCache: keeps every page a flow left alive in memory, for a
//     Back button the specs never press;
//   - OptimizationHints, MediaRouter, DialMediaRouteProvider,
//     InterestFeedContentSuggestions, CertificateTransparencyComponentUpdater,
//     AutofillServerCommunication: services that would fetch from the
//     internet (there is none here) or keep idle state.
const disabledFeatures = "Translate,BlinkGenPropertyTrees,BackForwardCache,OptimizationHints," +
	"MediaRouter,DialMediaRouteProvider,InterestFeedContentSuggestions," +
	"CertificateTransparencyComponentUpdater,AutofillServerCommunication"

// lowMemoryFlags cut a local Chromium's memory without changing what a page
// does (docs/browser.md has the figures):
//   - no-startup-window: no first tab and its renderers; Start attaches to
//     the browser only, and every spec opens its own target;
//   - in-process-gpu: there is no GPU; the software compositor runs in the
//     browser process instead of a process of its own;
//   - disable-back-forward-cache and the features above.
func lowMemoryFlags() []chromedp.ExecAllocatorOption {
	if flagsOff != nil {
		return flagsOff()
	}
	return []chromedp.ExecAllocatorOption{
		chromedp.Flag("no-startup-window", true),
		chromedp.Flag("in-process-gpu", true),
		chromedp.Flag("disable-back-forward-cache", true),
		chromedp.Flag("disable-features", disabledFeatures),
	}
}

// flagsOff replaces lowMemoryFlags in A/B benchmarks.
var flagsOff func() []chromedp.ExecAllocatorOption
