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

	"github.com/dvcqa/dvcqa/internal/redact"
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
		if err := os.WriteFile(p, data, 0o644); err != nil {
			errs = append(errs, fmt.Errorf("browser: write evidence: %w", err))
			return
		}
		paths = append(paths, p)
	}

	// Personal ID numbers are masked in the page itself before it is
	// captured: a screenshot cannot be redacted afterwards.
	if err := t.Evaluate(maskJS(t.maskWords()), nil); err != nil {
		errs = append(errs, err)
	}
	if png, err := t.Screenshot(); err != nil {
		errs = append(errs, err)
	} else {
		write(".png", png)
	}
	if html, err := t.HTML(); err != nil {
		errs = append(errs, err)
	} else {
		write(".html", []byte(redact.NewMasker().Text(html)))
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
	write(".console.txt", []byte(redact.NewMasker().Text(b.String())))
	return paths, errors.Join(errs...)
}

// maskJS replaces 12- and 9-digit numbers (personal and old ID card
// numbers) in the page's text and form values by 001*******45-style masks,
// the same rule as internal/redact, and the given words (the logged-in
// citizen's name) by a placeholder.
func maskJS(words []string) string {
	list, _ := json.Marshal(words)
	return `(() => {
  const words = ` + string(list) + `;
  const re = /(^|[^0-9.])([0-9]{3})([0-9]{4}|[0-9]{7})([0-9]{2})(?![0-9])/g;
  const mask = s => words.reduce((acc, w) => acc.split(w).join('[họ tên]'),
    s.replace(re, (m, pre, a, mid, b) => pre + a + '*'.repeat(mid.length) + b));
  const walk = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) n.nodeValue = mask(n.nodeValue);
  for (const el of document.querySelectorAll('input, textarea')) { el.value = mask(el.value); el.setAttribute('value', el.value); }
  return true;
})()`
}

// AttachOnFailure makes a failing spec leave evidence of the tab under
// <runDir>/evidence/ and point at it from the report (entries "screenshot",
// "page_html", "console"). runDir "" means $DVCQA_RUN_DIR, else
// os.TempDir()/dvcqa-evidence. Ginkgo runs DeferOnFailure callbacks before
// any teardown, so the tab is still open whatever order the spec registered
// its cleanups in.
func AttachOnFailure(t *Tab, runDir string) {
	// Three steps (screenshot, HTML, location) at most, plus the writing.
	budget := 3*t.timeout + 5*time.Second
	ginkgo.DeferOnFailure(func(_ ginkgo.SpecContext) {
		r := ginkgo.CurrentSpecReport()
		dir := filepath.Join(RunDir(runDir), "evidence")
		paths, err := t.Evidence(dir, EvidenceName(r.FullText(), r.NumAttempts))
		vis := ginkgo.ReportEntryVisibilityFailureOrVerbose
		for _, p := range paths {
			switch {
			case strings.HasSuffix(p, ".png"):
				ginkgo.AddReportEntry("screenshot", p, vis)
			case strings.HasSuffix(p, ".html"):
				ginkgo.AddReportEntry("page_html", p, vis)
			case strings.HasSuffix(p, ".console.txt"):
				ginkgo.AddReportEntry("console", consoleExcerpt(t.Log(), p), vis)
			}
		}
		if err != nil {
			ginkgo.AddReportEntry("evidence_error", err.Error(), vis)
		}
	}, ginkgo.NodeTimeout(budget))
}

// RunDir resolves the run directory: dir, else $DVCQA_RUN_DIR, else
// os.TempDir()/dvcqa-evidence.
func RunDir(dir string) string {
	if dir != "" {
		return dir
	}
	if d := os.Getenv(RunDirEnv); d != "" {
		return d
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
		if len(l) > 300 {
			l = strings.ToValidUTF8(l[:300], "") + "..."
		}
		b.WriteString(l + "\n")
	}
	b.WriteString("(full log: " + path + ")")
	return b.String()
}
