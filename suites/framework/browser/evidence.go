package browser

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/internal/atomicfile"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework/pii"
)

// Evidence writes what the tab shows now into dir: <name>.png (full page),
// <name>.html (the DOM) and <name>.console.txt (console errors and warnings,
// JavaScript exceptions, failed requests). It returns the paths written; the
// console file is written even when the page can no longer be captured.
func (t *Tab) Evidence(dir, name string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("browser: evidence folder: %w", err)
	}
	name = safeName(name)
	var paths []string
	var errs []error
	write := func(ext string, data []byte) {
		p := filepath.Join(dir, name+ext)
		if err := atomicfile.WriteBytes(p, data, 0o644); err != nil {
			errs = append(errs, fmt.Errorf("browser: write evidence: %w", err))
			return
		}
		paths = append(paths, p)
	}

	// Personal data is masked in the page itself before it is captured: a
	// screenshot cannot be redacted afterwards, so none is taken of a page
	// that could not be masked.
	if err := t.maskPage(); err != nil {
		errs = append(errs, err, errors.New("browser: no screenshot of a page that could not be masked"))
	} else if png, err := t.Screenshot(); err != nil {
		errs = append(errs, err)
	} else {
		write(".png", png)
	}
	if html, err := t.HTML(); err != nil {
		errs = append(errs, err)
	} else {
		write(".html", []byte(pii.Body("text/html", []byte(html))))
	}
	var b strings.Builder
	loc, err := t.Location()
	if err != nil {
		loc = "(unknown: " + err.Error() + ")"
	}
	fmt.Fprintf(&b, "# page: %s\n# captured: %s\n", loc, time.Now().Format(time.RFC3339))
	log := t.Log()
	if len(log) == 0 {
		b.WriteString("(no console errors or warnings, exceptions or failed requests)\n")
	}
	for _, l := range log {
		b.WriteString(l + "\n")
	}
	write(".console.txt", []byte(pii.Mask(b.String())))
	return paths, errors.Join(errs...)
}

// maskPage masks every personal value the page shows: it collects the
// text nodes and the values of form controls (with their field names),
// masks them in Go with the same rules as every report (redact: the field's
// name, the value's shape, the personal values this process has read, the
// logged-in citizen's name) and writes back those that changed. Doing the
// masking in Go keeps one set of rules for pages and reports.
func (t *Tab) maskPage() error {
	var found [][2]string // field name ("" for text), value
	if err := t.Evaluate(collectJS, &found); err != nil {
		return fmt.Errorf("browser: read the page to mask it: %w", err)
	}
	masked := maskValues(found, t.maskWords())
	list, err := json.Marshal(masked)
	if err != nil {
		return fmt.Errorf("browser: mask the page: %w", err)
	}
	if err := t.Evaluate(applyJS(string(list)), nil); err != nil {
		return fmt.Errorf("browser: mask the page: %w", err)
	}
	return nil
}

// maskValues masks the page's values: a control named after a personal
// field (HoTenMe, SoDienThoai) is masked whole, any other value by the
// redact rules; words (the citizen's name) wherever they appear.
func maskValues(found [][2]string, words []string) []string {
	pairs := make([]string, 0, 2*len(words))
	for _, w := range words {
		pairs = append(pairs, w, "[họ tên]")
	}
	r := strings.NewReplacer(pairs...)
	out := make([]string, len(found))
	for i, f := range found {
		name, v := f[0], f[1]
		if k := redact.KeyKind(name); k != redact.KindProtocol && k != redact.KindNone && strings.TrimSpace(v) != "" {
			if k == redact.KindBlob {
				k = redact.KindID
			}
			out[i] = redact.Placeholder(k, v)
			continue
		}
		out[i] = pii.Mask(r.Replace(v))
	}
	return out
}

// collectJS lists the page's text nodes and form-control values, and keeps
// them (window.__dvcqaMask) for applyJS. File inputs and buttons carry no
// personal value a page shows.
const collectJS = `(() => {
  const items = [];
  const walk = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.nodeValue.trim() !== '') items.push({node: n, name: '', value: n.nodeValue});
  }
  for (const el of document.querySelectorAll('input, textarea, select')) {
    const type = (el.type || '').toLowerCase();
    if (type === 'file' || type === 'submit' || type === 'button' || type === 'checkbox' || type === 'radio') continue;
    items.push({el: el, name: el.name || el.id || '', value: el.value || ''});
  }
  window.__dvcqaMask = items;
  return items.map(x => [x.name, x.value]);
})()`

// applyJS writes the masked values back: text nodes, and form controls
// (value and attribute, so the page source shows the mask too; a select
// shows the text of its option, masked as a text node).
func applyJS(masked string) string {
	return `((masked) => {
  const items = window.__dvcqaMask || [];
  masked.forEach((m, i) => {
    const x = items[i];
    if (!x || m === x.value) return;
    if (x.node) { x.node.nodeValue = m; return; }
    if (x.el.tagName === 'SELECT') {
      for (const o of x.el.options) if (o.value === x.value) { o.value = m; o.setAttribute('value', m); }
      return;
    }
    // A date, number, tel or e-mail input cannot show a placeholder.
    if (x.el.tagName === 'INPUT' && x.el.type !== 'hidden' && x.el.type !== 'text') x.el.type = 'text';
    x.el.value = m;
    if (x.el.tagName === 'TEXTAREA') x.el.textContent = m; else x.el.setAttribute('value', m);
  });
  delete window.__dvcqaMask;
  return true;
})(` + masked + `)`
}

// AttachOnFailure makes a failing spec leave evidence of the tab under
// <runDir>/evidence/ and point at it from the report (entries "screenshot",
// "page_html", "console"). runDir "" means os.TempDir()/dvcqa-evidence. Ginkgo runs DeferOnFailure callbacks before
// any teardown, so the tab is still open whatever order the spec registered
// its cleanups in.
func AttachOnFailure(t *Tab, runDir string) { attachOnFailure(t, runDir, "") }

// attachOnFailure is AttachOnFailure with a suffix to the evidence's name
// (another tab of the same spec, e.g. "-officer").
func attachOnFailure(t *Tab, runDir, suffix string) {
	// Five steps (two to mask the page, screenshot, HTML, location) at
	// most, plus the writing.
	budget := 5*t.timeout + 5*time.Second
	ginkgo.DeferOnFailure(func(_ ginkgo.SpecContext) {
		r := ginkgo.CurrentSpecReport()
		dir := filepath.Join(RunDir(runDir), "evidence")
		paths, err := t.Evidence(dir, EvidenceName(r.FullText(), r.NumAttempts)+suffix)
		vis := ginkgo.ReportEntryVisibilityFailureOrVerbose
		for _, p := range paths {
			switch {
			case strings.HasSuffix(p, ".png"):
				ginkgo.AddReportEntry("screenshot", p, vis)
			case strings.HasSuffix(p, ".html"):
				ginkgo.AddReportEntry("page_html", p, vis)
			case strings.HasSuffix(p, ".console.txt"):
				ginkgo.AddReportEntry("console", consoleExcerpt(maskLines(t.Log()), p), vis)
			}
		}
		if err != nil {
			ginkgo.AddReportEntry("evidence_error", pii.Mask(err.Error()), vis)
		}
	}, ginkgo.NodeTimeout(budget))
}

// RunDir resolves the run directory: dir, else os.TempDir()/dvcqa-evidence.
// (The suites take dir from the run configuration.)
func RunDir(dir string) string {
	if dir != "" {
		return dir
	}
	return filepath.Join(os.TempDir(), "dvcqa-evidence")
}

// EvidenceName names a spec attempt's evidence files: the spec text made
// file-safe and cut short, a hash of the whole text (two long names that
// share a beginning stay apart) and the attempt number, so that retries
// under --flake-attempts do not overwrite one another.
func EvidenceName(specText string, attempt int) string {
	h := fnv.New32a()
	h.Write([]byte(specText))
	slug := safeName(specText)
	if r := []rune(slug); len(r) > 80 {
		slug = strings.TrimRight(string(r[:80]), "-")
	}
	if slug == "" {
		slug = "spec"
	}
	return fmt.Sprintf("%s-%08x-attempt%d", slug, h.Sum32(), max(attempt, 1))
}

// safeName keeps letters (Vietnamese included), digits, dot, underscore and
// dash; every other run of characters becomes one dash.
func safeName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '-' {
			b.WriteRune(r)
			dash = r == '-'
			continue
		}
		if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-.")
}

// maskLines masks each line of a tab's log (the path of the full log,
// added after, stays as it is).
func maskLines(log []string) []string {
	out := make([]string, len(log))
	for i, l := range log {
		out[i] = pii.Mask(l)
	}
	return out
}

// consoleExcerpt is the report entry's text: the last lines of the log and
// where the whole of it is.
func consoleExcerpt(log []string, path string) string {
	const keep = 20
	var b strings.Builder
	if len(log) == 0 {
		b.WriteString("(no console errors or warnings, exceptions or failed requests)\n")
	}
	if len(log) > keep {
		fmt.Fprintf(&b, "... %d earlier lines\n", len(log)-keep)
		log = log[len(log)-keep:]
	}
	for _, l := range log {
		l = redact.Cut(l, 300)
		b.WriteString(l + "\n")
	}
	b.WriteString("(full log: " + path + ")")
	return b.String()
}
