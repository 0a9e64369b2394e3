package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/suites/framework/browser"
)

// BenchmarkVsPlaywright runs the same browser flows with dvcqa and with
// Playwright Test (tools/playwright) against one standalone `dvcqa mock
// serve`, pairwise in turn (dvcqa, Playwright, dvcqa, Playwright, …; pairs:
// DVCQA_BENCH_PAIRS, default 2), and prints medians and ratios:
//
//	(a) one flow per service, one worker: dvcqa's flow in a warm browser vs
//	    the Playwright test's own duration (both open and close their tab
//	    or context inside the figure);
//	(b) the 25 flows with two workers: `dvcqa run --procs 2` of the browser
//	    e2e specs vs `playwright test --workers 2`, wall time around each
//	    process (each starts its own browsers).
//
// Where Playwright cannot be installed it prints why, and dvcqa's side only.
func BenchmarkVsPlaywright(b *testing.B) {
	ctx := b.Context()
	root, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	if os.Getenv(browser.RemoteURLEnv) == "" && !haveChromium() {
		b.Skip("the browser flows need Chromium: " + browser.InstallHint)
	}
	scratch := b.TempDir()
	dvcqa := dvcqaBinary(b, root, scratch)
	m, err := startMock(ctx, dvcqa, scratch, time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(m.Close)
	env, data := standaloneFlowEnv(b, m.Target)
	flows := filepath.Join(scratch, "flows.json")
	if err := data.write(flows); err != nil {
		b.Fatal(err)
	}
	pw := &playwright{dir: filepath.Join(root, "tools", "playwright"), flows: flows, chromium: chromiumPath(), scratch: scratch}
	pwErr := ensurePlaywright(ctx, pw.dir)
	if pwErr != nil {
		figure("Playwright ratio", "not given: %v", pwErr)
	}
	pairs := 2
	if n, err := strconv.Atoi(os.Getenv("DVCQA_BENCH_PAIRS")); err == nil && n > 0 {
		pairs = n
	}
	services := env.services
	if err := env.flow(ctx, services[0]); err != nil { // untimed warm-up, as BenchmarkBrowserFlow's
		b.Fatalf("warm-up flow: %v", err)
	}

	// (a) one flow per service, one worker. DVCQA_BENCH_PART=b skips it
	// (and =a skips (b)), to rerun one half.
	part := os.Getenv("DVCQA_BENCH_PART")
	ours, theirs := map[string][]time.Duration{}, map[string][]time.Duration{}
	var pairRatios []float64
	for range pairs {
		if part == "b" {
			break
		}
		var a, p time.Duration
		for _, svc := range services {
			start := time.Now()
			if err := env.flow(ctx, svc); err != nil {
				b.Fatalf("%s: %v", svc.ID, err)
			}
			d := time.Since(start)
			ours[svc.ID] = append(ours[svc.ID], d)
			a += d
		}
		if pwErr != nil {
			continue
		}
		res, err := pw.run(ctx, 1, "")
		if err != nil {
			b.Fatal(err)
		}
		for _, svc := range services {
			d, ok := res.Tests[svc.ID]
			if !ok {
				b.Fatalf("the Playwright report has no test %s", svc.ID)
			}
			theirs[svc.ID] = append(theirs[svc.ID], d)
			p += d
		}
		pairRatios = append(pairRatios, ratio(a, p))
	}
	var sumOurs, sumTheirs time.Duration
	for _, svc := range services {
		if part == "b" {
			break
		}
		mo := median(ours[svc.ID])
		sumOurs += mo
		if pwErr != nil {
			continue
		}
		mt := median(theirs[svc.ID])
		sumTheirs += mt
		figure("flow "+svc.ID+" vs Playwright (1 worker)", "dvcqa median %s · Playwright median %s · ratio %.2f", ms(mo), ms(mt), ratio(mo, mt))
	}
	switch {
	case part == "b": // (a) skipped: nothing to print
	case pwErr != nil:
		figure("one flow per service, standalone mock (dvcqa only)", "sum of medians %s over %d services, %d runs each", ms(sumOurs), len(services), pairs)
	default:
		figure("one flow per service vs Playwright (1 worker)", "dvcqa sum of medians %s · Playwright %s · ratio %.2f · per-pair ratios %s",
			ms(sumOurs), ms(sumTheirs), ratio(sumOurs, sumTheirs), fmtRatios(pairRatios))
	}
	b.ReportMetric(float64(sumOurs)/float64(time.Millisecond), "dvcqa-flows-ms")
	b.ReportMetric(float64(sumTheirs)/float64(time.Millisecond), "playwright-flows-ms")

	// (b) the 25 flows with two workers, wall time around each process.
	var walls, pwWalls []time.Duration
	var specs int
	pairRatios = nil
	for range pairs {
		if part == "a" {
			return
		}
		w, n, err := dvcqaRunWall(ctx, dvcqa, root, m.Target, filepath.Join(scratch, "runs"))
		if err != nil {
			b.Fatal(err)
		}
		walls, specs = append(walls, w), n
		if pwErr != nil {
			continue
		}
		res, err := pw.run(ctx, 2, "warm-up")
		if err != nil {
			b.Fatal(err)
		}
		pwWalls = append(pwWalls, res.Wall)
		pairRatios = append(pairRatios, ratio(w, res.Wall))
	}
	label := fmt.Sprintf("browser layer, %d flows, 2 workers", specs)
	if pwErr != nil {
		figure(label+" (dvcqa only)", "dvcqa run --procs 2 median %s wall (%d runs)", ms(median(walls)), len(walls))
		return
	}
	figure(label+" vs Playwright", "dvcqa run --procs 2 median %s · playwright --workers 2 median %s · ratio %.2f (aim ≤ 0.6) · per-pair ratios %s",
		ms(median(walls)), ms(median(pwWalls)), ratio(median(walls), median(pwWalls)), fmtRatios(pairRatios))
}

// standaloneFlowEnv is the flow environment on the standalone mock: the
// citizens the mock derives from its seed, generated here (harness side)
// from the same seed, and one Chromium; plus the same flows as data for
// Playwright.
func standaloneFlowEnv(b *testing.B, targetFile string) (*flowEnv, *flowData) {
	cat, err := fixtures.Load()
	if err != nil {
		b.Fatal(err)
	}
	target, err := fixtures.LoadTarget(targetFile, cat)
	if err != nil {
		b.Fatal(err)
	}
	profile, err := fixtures.DefaultPortalProfile()
	if err != nil {
		b.Fatal(err)
	}
	w, err := citizens.Generate(cat.Provinces, cat.Databases, target.Seed, citizens.DefaultPerProvince)
	if err != nil {
		b.Fatal(err)
	}
	applicants := w.Applicants(target.Province)
	data, err := newFlowData(target.URLs.Portal, profile, cat.Services, applicants, target.Timeouts.Result.Milliseconds())
	if err != nil {
		b.Fatal(err)
	}
	br, err := browser.Start(b.Context(), browser.Options{RemoteURL: os.Getenv(browser.RemoteURLEnv)})
	if errors.Is(err, browser.ErrNoChromium) {
		b.Skipf("browser benchmarks need Chromium: %v", err)
	} else if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { br.Close() })
	// dvcqa's flows log in as the applicants after Playwright's.
	return &flowEnv{services: cat.Services, br: br, portal: target.URLs.Portal, profile: profile,
		applicants: applicants[len(cat.Services):], result: target.Timeouts.Result}, data
}

// dvcqaBinary is bin/dvcqa when make built it, else a fresh build.
func dvcqaBinary(b *testing.B, root, scratch string) string {
	bin := filepath.Join(root, "bin", "dvcqa")
	if os.Getenv("DVCQA_BENCH_BIN") != "" {
		return os.Getenv("DVCQA_BENCH_BIN")
	}
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	bin = filepath.Join(scratch, "dvcqa")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/dvcqa")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build ./cmd/dvcqa: %v\n%s", err, out)
	}
	return bin
}

// chromiumPath is the binary dvcqa starts, so both drive the same browser.
func chromiumPath() string {
	if _, err := os.Stat(browser.DefaultExecPath); err == nil {
		return browser.DefaultExecPath
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return "/usr/bin/chromium"
}

var specsLine = regexp.MustCompile(`(?m)^specs: (\d+) passed, (\d+) failed`)

// dvcqaRunWall runs the browser layer's e2e specs with two processes
// against the standalone mock and returns the wall time around the
// process. A filtered run is partial, so dvcqa exits 1 even when every
// spec passed: the summary decides (as the Makefile's officers target).
func dvcqaRunWall(ctx context.Context, dvcqa, root, target, runs string) (time.Duration, int, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, dvcqa, "run", "--procs", "2", "--label-filter", "layer:browser && kind:e2e",
		"--runs", runs, "--target", target)
	cmd.Dir = root
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return 0, 0, fmt.Errorf("dvcqa run: %v\n%s", err, tail(string(out), 40))
	}
	m := specsLine.FindStringSubmatch(string(out))
	if m == nil || m[2] != "0" || m[1] == "0" {
		return 0, 0, fmt.Errorf("dvcqa run: want every spec passed\n%s", tail(string(out), 40))
	}
	n, _ := strconv.Atoi(m[1])
	return wall, n, nil
}

func fmtRatios(r []float64) string {
	s := make([]string, len(r))
	for i, x := range r {
		s[i] = strconv.FormatFloat(x, 'f', 2, 64)
	}
	return "[" + strings.Join(s, " ") + "]"
}
