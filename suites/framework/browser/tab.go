package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// maxEntries bounds what a tab remembers of its console and errors, so a
// page that logs in a loop cannot eat the runner's memory.
const maxEntries = 500

// closeTimeout bounds the disposal of a closed tab's browser context.
const closeTimeout = 5 * time.Second

// Tab is one browser tab in its own browser context: cookies and storage are
// never shared with another Tab. A Tab is for one goroutine (one spec).
type Tab struct {
	b       *Browser
	ctx     context.Context // the chromedp tab context; steps derive from it
	cancel  context.CancelFunc
	timeout time.Duration

	mu       sync.Mutex
	entries  []entry // console, exceptions, network errors, in arrival order
	dropped  int
	requests map[network.RequestID]string // in-flight request URLs, to name failed ones
	tmpDir   string                       // upload files; made on first Upload
	closed   bool
	masked   []string // personal data shown in the page (the citizen's name), masked before evidence is captured
}

// MaskInEvidence adds words (a citizen's name) to mask in the page before
// a failure's screenshot and page source are captured.
func (t *Tab) MaskInEvidence(words ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, w := range words {
		if w != "" {
			t.masked = append(t.masked, w)
		}
	}
}

func (t *Tab) maskWords() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string{}, t.masked...)
}

type entryKind int

const (
	kindConsole entryKind = iota
	kindException
	kindNetwork
)

type entry struct {
	kind entryKind
	text string
}

// NewTab opens a tab in a fresh browser context. ctx bounds the opening
// only (a spec's BeforeEach context ends with that node); the tab lives
// until Close, which specs register with DeferCleanup.
func (b *Browser) NewTab(ctx context.Context) (*Tab, error) {
	t := &Tab{b: b, timeout: b.opts.StepTimeout, requests: map[network.RequestID]string{}}
	hardCtx, hard := context.WithCancel(b.ctx)
	tctx, cancel := chromedp.NewContext(hardCtx,
		chromedp.WithNewBrowserContext(), // own cookies, storage and cache
		chromedp.WithListener(t.record),  // from the first event of the tab
	)
	t.ctx = tctx
	t.cancel = func() { cancel(); hard() }

	octx, ocancel := context.WithTimeout(ctx, b.opts.StepTimeout)
	defer ocancel()
	stop := context.AfterFunc(octx, hard)
	// The tab's first Run must not carry a timeout: chromedp ties the tab's
	// event loop to that call's context.
	err := chromedp.Do(tctx)
	if !stop() && err == nil {
		err = octx.Err()
	}
	if err != nil {
		t.cancel()
		return nil, fmt.Errorf("browser: open a tab: %w", err)
	}
	return t, nil
}

// Close closes the tab and disposes of its browser context. It is
// idempotent, so it can be both deferred and called.
func (t *Tab) Close() {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.closed = true
	dir := t.tmpDir
	t.mu.Unlock()
	// Closing the target the way chromedp does (detach, close, wait up to
	// 500 ms until Chromium stops listing it, then dispose of the browser
	// context) made every spec wait for the page's unload. Disposing of the
	// browser context closes its tab at once, without unload handlers, and
	// the rest of chromedp's cleanup (now failing fast on a gone target)
	// runs in the background; Browser.Close waits for it.
	t.b.closing.Add(1)
	go func() {
		defer t.b.closing.Done()
		if c := chromedp.FromContext(t.ctx); c != nil && c.BrowserContextID != "" && t.ctx.Err() == nil {
			dctx, cancel := context.WithTimeout(t.b.ctx, closeTimeout)
			_, _ = chromedp.CallBrowser(dctx, target.DisposeBrowserContext, target.DisposeBrowserContextParams{BrowserContextID: c.BrowserContextID})
			cancel()
		}
		t.cancel()
		if dir != "" {
			os.RemoveAll(dir)
		}
	}()
}

// StepTimeout is the time budget of each action of the tab.
func (t *Tab) StepTimeout() time.Duration { return t.timeout }

// SetStepTimeout changes the time budget of the tab's following actions.
func (t *Tab) SetStepTimeout(d time.Duration) {
	if d > 0 {
		t.timeout = d
	}
}

// record runs in the tab's event loop (chromedp.WithListener): it must be
// quick and send no command. Recording here, rather than from an Events
// iterator, makes a message logged during a page load visible as soon as
// Navigate returns.
func (t *Tab) record(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			t.add(kindConsole, "console."+string(ev.Type)+": "+consoleText(ev.Args)+where(ev.StackTrace))
		}
	case *runtime.EventExceptionThrown:
		t.add(kindException, "exception: "+exceptionText(ev.ExceptionDetails))
	case *network.EventRequestWillBeSent:
		if ev.Request != nil {
			t.mu.Lock()
			if len(t.requests) < 10000 {
				t.requests[ev.RequestID] = ev.Request.Method + " " + ev.Request.URL
			}
			t.mu.Unlock()
		}
	case *network.EventLoadingFinished:
		t.mu.Lock()
		delete(t.requests, ev.RequestID)
		t.mu.Unlock()
	case *network.EventLoadingFailed:
		t.mu.Lock()
		req := t.requests[ev.RequestID]
		delete(t.requests, ev.RequestID)
		t.mu.Unlock()
		// A cancelled load (navigating away mid-request) is not the page's fault.
		if !ev.Canceled && !isFavicon(req) {
			t.add(kindNetwork, fmt.Sprintf("network: %s failed: %s", req, ev.ErrorText))
		}
	case *network.EventResponseReceived:
		if r := ev.Response; r != nil && r.Status >= 400 && !isFavicon(" "+r.URL) {
			t.add(kindNetwork, fmt.Sprintf("network: %d %s %s", r.Status, r.StatusText, r.URL))
		}
	}
}

// isFavicon: Chromium asks for /favicon.ico by itself; a portal without one
// is not a page error. req is "METHOD URL".
func isFavicon(req string) bool {
	_, raw, _ := strings.Cut(req, " ")
	u, err := url.Parse(raw)
	return err == nil && u.Path == "/favicon.ico"
}

func (t *Tab) add(k entryKind, text string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.entries) >= maxEntries {
		t.entries = t.entries[1:]
		t.dropped++
	}
	t.entries = append(t.entries, entry{k, text})
}

func (t *Tab) collect(kinds ...entryKind) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, e := range t.entries {
		for _, k := range kinds {
			if e.kind == k {
				out = append(out, e.text)
			}
		}
	}
	return out
}

// Console returns the page's console errors and warnings so far.
func (t *Tab) Console() []string { return t.collect(kindConsole) }

// Errors returns the JavaScript exceptions and failed network requests
// (errors and HTTP status >= 400) so far.
func (t *Tab) Errors() []string { return t.collect(kindException, kindNetwork) }

// Log returns everything recorded (console, exceptions, network errors), in
// order, with a note when old entries were dropped.
func (t *Tab) Log() []string {
	out := t.collect(kindConsole, kindException, kindNetwork)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dropped > 0 {
		out = append([]string{fmt.Sprintf("(%d earlier entries dropped)", t.dropped)}, out...)
	}
	return out
}

// consoleText renders console arguments roughly as DevTools does.
func consoleText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		parts = append(parts, remoteText(a))
	}
	return strings.Join(parts, " ")
}

func remoteText(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	if o.Type == runtime.RemoteObjectTypeString && len(o.Value) > 0 {
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			return s
		}
	}
	switch {
	case o.Preview != nil && o.Subtype != runtime.RemoteObjectSubtypeError:
		return previewText(o.Preview)
	case o.UnserializableValue != "":
		return string(o.UnserializableValue)
	case o.Description != "":
		return o.Description
	case len(o.Value) > 0:
		return string(o.Value)
	}
	return string(o.Type)
}

// previewText renders an object's preview as {ma: 7} or [1, 2].
func previewText(p *runtime.ObjectPreview) string {
	parts := make([]string, 0, len(p.Properties))
	for _, prop := range p.Properties {
		v := prop.Value
		if prop.Type == runtime.PropertyPreviewTypeString {
			v = strconv.Quote(v)
		}
		if p.Subtype == runtime.ObjectPreviewSubtypeArray {
			parts = append(parts, v)
		} else {
			parts = append(parts, prop.Name+": "+v)
		}
	}
	if p.Overflow {
		parts = append(parts, "…")
	}
	if p.Subtype == runtime.ObjectPreviewSubtypeArray {
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "(no details)"
	}
	text := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		// The description is "Error: msg\n    at ..."; the first line is enough
		// here, the place follows.
		desc, _, _ := strings.Cut(d.Exception.Description, "\n")
		text += " " + desc
	}
	place := d.URL
	if place == "" && d.StackTrace != nil && len(d.StackTrace.CallFrames) > 0 {
		place = d.StackTrace.CallFrames[0].URL
	}
	if place != "" {
		text += fmt.Sprintf(" (%s:%d:%d)", place, d.LineNumber+1, d.ColumnNumber+1)
	}
	return text
}

func where(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 || st.CallFrames[0].URL == "" {
		return ""
	}
	f := st.CallFrames[0]
	return fmt.Sprintf(" (%s:%d)", f.URL, f.LineNumber+1)
}
