package bench

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/runconfig"
	"github.com/dvcqa/dvcqa/suites/framework/browser"
	"github.com/dvcqa/dvcqa/vocab"
)

// BenchmarkBrowserLayer times the browser layer of the suites as dvcqa runs
// it (compiled suites, the pinned Ginkgo CLI, the embedded mock world) with
// one and with two Ginkgo processes, and samples Chromium's memory meanwhile.
func BenchmarkBrowserLayer(b *testing.B) {
	if os.Getenv(browser.RemoteURLEnv) == "" && !haveChromium() {
		b.Skip("the browser layer needs Chromium: " + browser.InstallHint)
	}
	// go test runs a package's benchmarks in its folder; bench/ is top-level.
	root, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	// Outside the timer: compiling the suites, and building the pinned
	// Ginkgo CLI into Go's cache (else the first timed run pays for it).
	bin := filepath.Join(b.TempDir(), "suites.test")
	for _, args := range [][]string{{"test", "-c", "-o", bin, "./suites"}, {"tool", "ginkgo", "version"}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	for _, c := range []struct {
		name   string
		procs  int
		filter string
	}{
		{"procs=1", 1, "layer:browser && kind:e2e"},
		{"procs=2", 2, "layer:browser && kind:e2e"},
		{"all-browser-specs procs=2", 2, "layer:browser"},
	} {
		b.Run(c.name, func(b *testing.B) {
			var total time.Duration
			var n int
			var peak float64
			for b.Loop() {
				took, mb := runLayer(b, root, bin, c.procs, c.filter)
				total += took
				n++
				peak = max(peak, mb)
			}
			b.ReportMetric(total.Seconds()/float64(n), "s/layer")
			b.ReportMetric(peak, "chromium-peak-pss-MB")
			figure("Chromium PSS peak, browser layer "+c.name, "%.0f MB (aim ≤ 600 MB with 2 processes) · layer %.1f s wall (ginkgo, %q)",
				peak, total.Seconds()/float64(n), c.filter)
		})
	}
}

// runLayer runs the compiled suites once through `go tool ginkgo run` and
// returns its wall time and the peak PSS of its Chromium processes. A
// failing run fails the benchmark: the time of a broken run means nothing.
func runLayer(b *testing.B, root, bin string, procs int, filter string) (time.Duration, float64) {
	args := []string{"tool", "ginkgo", "run", "--procs=" + strconv.Itoa(procs)}
	if procs > 1 {
		args = append(args, "-p")
	}
	args = append(args, "--label-filter="+filter, bin)
	// Evidence of failing specs goes here; kept (and named) only on failure.
	runDir, err := os.MkdirTemp("", "dvcqa-bench-run-")
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.CommandContext(b.Context(), "go", args...)
	cmd.Dir = root
	// No target: the embedded mock world, as `make run`. Ginkgo runs a
	// compiled suite in the binary's folder, where the suites would not find
	// axe-core by walking up: point them at the module's copy.
	configEnv, err := runconfig.Write(runDir, runconfig.Config{RunID: "bench", RunDir: runDir, LabelFilter: filter,
		BrowserURL: os.Getenv(vocab.EnvBrowserURL)})
	if err != nil {
		b.Fatal(err)
	}
	cmd.Env = append(os.Environ(), configEnv)
	if os.Getenv(vocab.EnvAxePath) == "" {
		cmd.Env = append(cmd.Env, vocab.EnvAxePath+"="+filepath.Join(root, "tools", "a11y", "node_modules", "axe-core", "axe.min.js"))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// Its own process group: the PSS sampler counts the Chromium processes
	// of this run only, and a cancelled run is killed whole.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stop := samplePeak(200*time.Millisecond, func() float64 { return groupPSSMB(cmd.Process.Pid) })
	err = cmd.Wait()
	took := time.Since(start)
	peak := stop()
	if err != nil {
		b.Fatalf("go %s: %v (evidence in %s)\n%s", strings.Join(args, " "), err, runDir, tail(out.String(), 60))
	}
	os.RemoveAll(runDir)
	return took, peak
}

// haveChromium looks where the browser package does.
func haveChromium() bool {
	for _, p := range []string{browser.DefaultExecPath, "chromium"} {
		if _, err := exec.LookPath(p); err == nil {
			return true
		}
	}
	return false
}
