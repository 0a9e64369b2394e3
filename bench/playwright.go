package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// playwright runs Playwright Test from tools/playwright (flows.spec.ts)
// with node directly (no npx lookup), against the flow data file.
type playwright struct {
	dir      string // tools/playwright
	flows    string // the flow data file (flowdata.go)
	chromium string // the same Chromium binary dvcqa starts
	scratch  string // reports and Playwright's output folder
	runs     int
}

// npmCITimeout bounds the install: an offline machine fails it, not hangs.
const npmCITimeout = 3 * time.Minute

// ensurePlaywright installs @playwright/test from the lock file when it is
// not there yet (without any browser download), and says why not when it
// cannot be: npm missing, offline, a failed install.
func ensurePlaywright(ctx context.Context, dir string) error {
	cli := filepath.Join(dir, "node_modules", "@playwright", "test", "cli.js")
	if _, err := os.Stat(cli); err == nil {
		return nil
	}
	if _, err := exec.LookPath("node"); err != nil {
		return errors.New("node is not installed (Playwright Test needs Node.js and npm)")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return errors.New("npm is not installed (Playwright Test is installed with npm ci)")
	}
	ctx, cancel := context.WithTimeout(ctx, npmCITimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return fmt.Errorf("npm ci in %s did not finish within %s (offline?)", dir, npmCITimeout)
	}
	if err != nil {
		return fmt.Errorf("npm ci in %s failed (offline?): %v: %s", dir, err, tail(string(out), 5))
	}
	if _, err := os.Stat(cli); err != nil {
		return fmt.Errorf("npm ci in %s installed no @playwright/test", dir)
	}
	return nil
}

// pwResult is one Playwright run: its wall time (around the process) and
// each test's own duration, by title.
type pwResult struct {
	Wall  time.Duration
	Tests map[string]time.Duration
}

// run runs the flows with workers workers; grepInvert leaves tests out.
func (p *playwright) run(ctx context.Context, workers int, grepInvert string) (pwResult, error) {
	p.runs++
	report := filepath.Join(p.scratch, "report-"+strconv.Itoa(p.runs)+".json")
	args := []string{filepath.Join("node_modules", "@playwright", "test", "cli.js"), "test", "--workers", strconv.Itoa(workers)}
	if grepInvert != "" {
		args = append(args, "--grep-invert", grepInvert)
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), "DVCQA_FLOWS="+p.flows, "DVCQA_CHROMIUM="+p.chromium, "DVCQA_PW_REPORT="+report,
		"DVCQA_PW_OUT="+filepath.Join(p.scratch, "out-"+strconv.Itoa(p.runs)), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return pwResult{}, fmt.Errorf("playwright test --workers %d: %v\n%s", workers, err, tail(out.String(), 40))
	}
	tests, err := readPWReport(report)
	return pwResult{Wall: wall, Tests: tests}, err
}

// pwSuite is the part of Playwright's JSON report read here.
type pwSuite struct {
	Specs []struct {
		Title string `json:"title"`
		Tests []struct {
			Results []struct {
				Duration float64 `json:"duration"` // ms
				Status   string  `json:"status"`
			} `json:"results"`
		} `json:"tests"`
	} `json:"specs"`
	Suites []pwSuite `json:"suites"`
}

// readPWReport is every test's duration by title; a test that did not
// pass is an error (the time of a broken flow means nothing).
func readPWReport(path string) (map[string]time.Duration, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("playwright report: %w", err)
	}
	var top pwSuite
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("playwright report %s: %w", path, err)
	}
	out := map[string]time.Duration{}
	var bad []string
	var walk func(s pwSuite)
	walk = func(s pwSuite) {
		for _, sp := range s.Specs {
			for _, t := range sp.Tests {
				for _, r := range t.Results {
					if r.Status != "passed" {
						bad = append(bad, sp.Title+" "+r.Status)
					}
					out[sp.Title] = msDur(r.Duration)
				}
			}
		}
		for _, c := range s.Suites {
			walk(c)
		}
	}
	walk(top)
	if len(bad) > 0 {
		return out, fmt.Errorf("playwright: not passed: %s", strings.Join(bad, ", "))
	}
	return out, nil
}

// tail is the last n lines of s: where Ginkgo prints its summary.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
