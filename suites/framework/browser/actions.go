package browser

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// ErrTabClosed is returned by the actions of a closed tab.
var ErrTabClosed = errors.New("tab is closed")

// StepError is the error of one tab action: what it did, on which selector.
type StepError struct {
	Step     string // e.g. "click"
	Selector string // CSS selector or URL; "" when the step has none
	Timeout  time.Duration
	Err      error
}

func (e *StepError) Error() string {
	s := "browser: " + e.Step
	if e.Selector != "" {
		s += " " + strconv.Quote(e.Selector)
	}
	switch {
	case errors.Is(e.Err, context.DeadlineExceeded) && e.Selector != "" && !strings.Contains(e.Selector, "://"):
		return s + fmt.Sprintf(": not done within the step timeout (%s): no such element, or it never became ready", e.Timeout)
	case errors.Is(e.Err, context.DeadlineExceeded):
		return s + fmt.Sprintf(": not done within the step timeout (%s)", e.Timeout)
	}
	return s + ": " + e.Err.Error()
}

func (e *StepError) Unwrap() error { return e.Err }

// run runs one action with the step timeout, derived from the tab's context
// (never from the browser's first Run, which would stop the browser).
func run[T any](t *Tab, step, sel string, a chromedp.Action[T]) (T, error) {
	var zero T
	t.mu.Lock()
	closed := t.closed
	t.mu.Unlock()
	if closed {
		return zero, &StepError{Step: step, Selector: sel, Timeout: t.timeout, Err: ErrTabClosed}
	}
	ctx, cancel := context.WithTimeout(t.ctx, t.timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		return zero, &StepError{Step: step, Selector: sel, Timeout: t.timeout, Err: err}
	}
	return v, nil
}

func do(t *Tab, step, sel string, steps ...chromedp.Action[chromedp.Void]) error {
	_, err := run(t, step, sel, chromedp.Steps(steps...))
	return err
}

// Do runs raw chromedp actions as one step named step: the escape hatch for
// what the helpers below do not cover.
func (t *Tab) Do(step string, actions ...chromedp.Action[chromedp.Void]) error {
	return do(t, step, "", actions...)
}

// Navigate loads url and waits for the page's load event.
func (t *Tab) Navigate(url string) error {
	return do(t, "navigate to", url, chromedp.Navigate(url))
}

// NavigateStatus is Navigate returning the document's HTTP status.
func (t *Tab) NavigateStatus(url string) (int, error) {
	resp, err := run(t, "navigate to", url, chromedp.NavigateResponse(url))
	if err != nil {
		return 0, err
	}
	return statusOf(resp), nil
}

// Reload reloads the page and waits for it to load.
func (t *Tab) Reload() error { return do(t, "reload", "", chromedp.Reload()) }

// Click clicks the first element matching sel, once it is visible. It does
// not wait for a navigation it may cause: see ClickAndWait.
func (t *Tab) Click(sel string) error {
	return do(t, "click", sel, chromedp.Click(chromedp.CSS(sel)))
}

// ClickAndWait clicks a link or submit button and waits until the page it
// leads to (after redirects) has loaded; it returns that page's HTTP status.
func (t *Tab) ClickAndWait(sel string) (int, error) {
	resp, err := run(t, "click and wait for the next page", sel, func(ctx context.Context, _ *chromedp.Target) (int, error) {
		r, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
		return statusOf(r), err
	})
	return resp, err
}

// SetValue sets the value of an input, textarea or select (any type,
// including date: "2026-01-31") exactly, as the page's script would, and
// fires input and change events. The text arrives intact whatever its
// letters (Vietnamese diacritics included), unlike typed key events that
// an input method would compose.
func (t *Tab) SetValue(sel, value string) error {
	return do(t, "set the value of", sel,
		chromedp.SetValue(chromedp.CSS(sel), value),
		chromedp.Evaluate[chromedp.Void](fireEvents(sel)))
}

// Type replaces the field's value by typing value key by key, for pages
// that react to keystrokes.
func (t *Tab) Type(sel, value string) error {
	return do(t, "type into", sel,
		chromedp.Clear(chromedp.CSS(sel)),
		chromedp.SendKeys(chromedp.CSS(sel), value))
}

// Select picks the option of a select element whose value is value.
func (t *Tab) Select(sel, value string) error {
	js := fmt.Sprintf(`(() => {
	const el = document.querySelector(%s), v = %s;
	if (el.tagName !== 'SELECT') return 'element is a ' + el.tagName.toLowerCase() + ', not a select';
	const opts = [...el.options].map(o => o.value);
	if (!opts.includes(v)) return 'no option with value ' + JSON.stringify(v) + ' (options: ' + opts.map(o => JSON.stringify(o)).join(', ') + ')';
	el.value = v;
	el.dispatchEvent(new Event('input', {bubbles: true}));
	el.dispatchEvent(new Event('change', {bubbles: true}));
	return '';
})()`, jsString(sel), jsString(value))
	return do(t, "select "+strconv.Quote(value)+" in", sel,
		chromedp.WaitReady(chromedp.CSS(sel)),
		func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			msg, err := chromedp.Evaluate[string](js)(ctx, tg)
			if err == nil && msg != "" {
				err = errors.New(msg)
			}
			return chromedp.Void{}, err
		})
}

// Upload puts a file named filename with content data into a file input.
// A local browser reads it from a temporary file (removed on Close); a
// remote one cannot see this machine's files, so the page builds the File
// itself (DataTransfer).
func (t *Tab) Upload(sel, filename string, data []byte) error {
	return t.upload(sel, filename, mime.TypeByExtension(filepath.Ext(filename)), data)
}

func (t *Tab) upload(sel, filename, mimeType string, data []byte) error {
	step := "upload " + strconv.Quote(filename) + " into"
	if t.b.Remote() {
		js := fmt.Sprintf(`(() => {
	const el = document.querySelector(%s);
	const bin = atob(%s), bytes = new Uint8Array(bin.length);
	for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
	const dt = new DataTransfer();
	dt.items.add(new File([bytes], %s, {type: %s}));
	el.files = dt.files;
	el.dispatchEvent(new Event('input', {bubbles: true}));
	el.dispatchEvent(new Event('change', {bubbles: true}));
})()`, jsString(sel), jsString(base64.StdEncoding.EncodeToString(data)), jsString(filename), jsString(mimeType))
		return do(t, step, sel, chromedp.WaitReady(chromedp.CSS(sel)), chromedp.Evaluate[chromedp.Void](js))
	}
	path, err := t.tempFile(filename, data)
	if err != nil {
		return &StepError{Step: step, Selector: sel, Timeout: t.timeout, Err: err}
	}
	return do(t, step, sel, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{path}))
}

// tempFile writes data under the tab's temporary folder, in a folder of its
// own so that the browser sees exactly filename.
func (t *Tab) tempFile(filename string, data []byte) (string, error) {
	t.mu.Lock()
	if t.tmpDir == "" {
		dir, err := os.MkdirTemp(t.b.tmpDir, "upload-")
		if err != nil {
			t.mu.Unlock()
			return "", err
		}
		t.tmpDir = dir
	}
	base := t.tmpDir
	t.mu.Unlock()
	dir, err := os.MkdirTemp(base, "f-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, filepath.Base(filename))
	return path, os.WriteFile(path, data, 0o600)
}

// Text returns the visible text of the first element matching sel, trimmed.
func (t *Tab) Text(sel string) (string, error) {
	s, err := run(t, "read the text of", sel, chromedp.Text(chromedp.CSS(sel)))
	return strings.TrimSpace(s), err
}

// Texts returns the visible text (innerText, trimmed) of every element
// matching sel, in document order; none is an empty slice, not an error.
func (t *Tab) Texts(sel string) ([]string, error) {
	out := []string{}
	err := t.evaluate("read the texts of "+sel, `[...document.querySelectorAll(`+jsString(sel)+`)].map(e => e.innerText.trim())`, &out)
	return out, err
}

// Value returns the current value of a form control.
func (t *Tab) Value(sel string) (string, error) {
	return run(t, "read the value of", sel, chromedp.Value(chromedp.CSS(sel)))
}

// Attr returns an attribute of the first element matching sel, and whether
// the element has it.
func (t *Tab) Attr(sel, name string) (string, bool, error) {
	r, err := run(t, "read attribute "+name+" of", sel, chromedp.AttributeValue(chromedp.CSS(sel), name))
	return r.Value, r.Exists, err
}

// Exists reports whether an element matches sel now, without waiting. An
// error (tab gone, invalid selector) counts as absent.
func (t *Tab) Exists(sel string) bool {
	ok, err := run(t, "look for", sel, chromedp.Evaluate[bool](`document.querySelector(`+jsString(sel)+`) !== null`))
	return err == nil && ok
}

// WaitVisible waits until the first element matching sel is visible.
func (t *Tab) WaitVisible(sel string) error {
	return do(t, "wait until visible", sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// Location returns the URL of the page.
func (t *Tab) Location() (string, error) {
	return run(t, "read the location", "", chromedp.Location())
}

// Evaluate runs the JavaScript expression js and decodes its JSON result
// into out (nil: ignore the result).
func (t *Tab) Evaluate(js string, out any) error {
	return t.evaluate("evaluate", js, out)
}

// EvaluatePromise is Evaluate for an expression returning a promise (an
// async function call, fetch): it waits for the promise to settle.
func (t *Tab) EvaluatePromise(js string, out any) error {
	return t.evaluate("evaluate a promise", js, out, chromedp.EvalAwaitPromise)
}

func (t *Tab) evaluate(step, js string, out any, opts ...chromedp.EvaluateOption) error {
	raw, err := run(t, step, "", chromedp.Evaluate[[]byte](js, opts...))
	if err != nil || out == nil {
		return err
	}
	if len(raw) == 0 {
		raw = []byte("null") // undefined
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &StepError{Step: step, Timeout: t.timeout, Err: fmt.Errorf("decode the result into %T: %w", out, err)}
	}
	return nil
}

// HTML returns the page's current DOM as HTML, doctype included.
func (t *Tab) HTML() (string, error) {
	return run(t, "read the page HTML", "", chromedp.Evaluate[string](
		`(document.doctype ? new XMLSerializer().serializeToString(document.doctype) + "\n" : "") + document.documentElement.outerHTML`))
}

// Screenshot captures the whole page as PNG.
func (t *Tab) Screenshot() ([]byte, error) {
	return run(t, "take a screenshot", "", chromedp.FullScreenshot(100)) // 100 = PNG
}

func fireEvents(sel string) string {
	return `(() => { const el = document.querySelector(` + jsString(sel) + `);
	el.dispatchEvent(new Event('input', {bubbles: true}));
	el.dispatchEvent(new Event('change', {bubbles: true})); })()`
}

// jsString quotes s as a JavaScript string literal (JSON is a subset).
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func statusOf(r *network.Response) int {
	if r == nil {
		return 0
	}
	return int(r.Status)
}
