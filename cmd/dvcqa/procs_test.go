package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestReapEndsEveryProcessOfTheRun: reap ends what carries the run's token
// even when it left the process group and its parent died (as Chromium's
// crashpad handler does), and leaves other processes alone.
func TestReapEndsEveryProcessOfTheRun(t *testing.T) {
	token := "reap-" + strconv.Itoa(os.Getpid())
	// A shell that starts a grandchild in a session of its own, then exits.
	cmd := exec.Command("sh", "-c", "setsid sleep 60 </dev/null >/dev/null 2>&1 & echo $!")
	cmd.Env = append(os.Environ(), vocab.EnvRunToken+"="+token)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("grandchild pid %q", out)
	}
	bystander := exec.Command("sleep", "60")
	bystander.Env = append(os.Environ(), vocab.EnvRunToken+"="+token+"-other")
	if err := bystander.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = bystander.Process.Kill(); _ = bystander.Wait() }()
	if pids := runProcesses(token, "/nonexistent"); len(pids) != 1 || pids[0] != orphan {
		t.Fatalf("processes of the run: %v, want [%d]", pids, orphan)
	}
	reap(token, "/nonexistent", nil)
	if !gone(orphan) {
		t.Errorf("process %d of the run survived reap", orphan)
	}
	if _, ok := readProc(bystander.Process.Pid); !ok {
		t.Error("reap killed a process of another run")
	}
}

// TestKilledRunLeavesNothing: a `dvcqa run` killed with SIGKILL in the
// middle of its browser specs, or interrupted twice in a row (Ctrl-C, then
// Ctrl-C again), leaves no process behind — not the Ginkgo CLI, the suite
// processes with the embedded world, nor Chromium and its helpers — and no
// scratch or Chromium profile folder.
func TestKilledRunLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs dvcqa; `make procs` runs it")
	}
	bin, root := dvcqaBinary(t)
	for _, tc := range []struct {
		name string
		sigs []syscall.Signal
	}{
		{"SIGKILL", []syscall.Signal{syscall.SIGKILL}},
		{"SIGINT twice", []syscall.Signal{syscall.SIGINT, syscall.SIGINT}},
	} {
		t.Run(tc.name, func(t *testing.T) { killRun(t, bin, root, tc.sigs) })
	}
}

func killRun(t *testing.T, bin, root string, sigs []syscall.Signal) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	runID := "killed-" + strconv.Itoa(int(sigs[0])) + "-" + strconv.Itoa(len(sigs))
	cmd := exec.CommandContext(ctx, bin, "run", "--runs", filepath.Join(tmp, "runs"), "--run-id", runID,
		"--procs", "2", "--label-filter", "layer:browser && service:DV09")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), vocab.EnvTarget+"=", "TMPDIR="+tmp)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Stop it once the suites run (and, with a local Chromium, once it runs).
	_, noChromium := exec.LookPath("/usr/lib/chromium/chromium")
	want := "suites.test"
	if noChromium == nil && os.Getenv(vocab.EnvBrowserURL) == "" {
		want = "chromium"
	}
	var seen []proc
	for {
		seen = treeOf(cmd.Process.Pid, runID)
		if slices.ContainsFunc(seen, func(p proc) bool { return strings.Contains(p.cmdline, want) }) {
			break
		}
		if ctx.Err() != nil || exited(cmd.Process.Pid) {
			t.Fatalf("no %s process appeared before the run ended:\n%s", want, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for i, sig := range sigs {
		if i > 0 {
			time.Sleep(100 * time.Millisecond) // a second Ctrl-C, as a person would press it
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	select {
	case <-waitErr:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Errorf("dvcqa still running 30 s after %v:\n%s", sigs, out.String())
		<-waitErr
	}
	stopped := time.Now()
	for {
		var left []proc
		for _, p := range append(seen, tokenProcs(runID)...) {
			if p.pid != cmd.Process.Pid && alive(p) {
				left = append(left, p)
			}
		}
		if len(left) == 0 {
			break
		}
		if time.Since(stopped) > 5*time.Second {
			for _, p := range left {
				t.Errorf("still running 5 s after dvcqa ended: %d %.120s", p.pid, p.cmdline)
				_ = syscall.Kill(p.pid, syscall.SIGKILL)
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("%v: dvcqa exited %d; %d processes of the run ended %v after it", sigs, cmd.ProcessState.ExitCode(),
		len(seen)-1, time.Since(stopped).Round(time.Millisecond))
	if sigs[0] == syscall.SIGINT {
		// Interrupted, the run still ends as dvcqa: gate not passed (1),
		// or the harness could not finish (2); never killed by the signal.
		if c := cmd.ProcessState.ExitCode(); c != 1 && c != 2 {
			t.Errorf("an interrupted run exited %d, want 1 or 2:\n%s", c, out.String())
		}
	}
	// The watchdog removes the scratch folder (suite binary, profiles) last.
	for time.Since(stopped) < 5*time.Second && len(leftovers(tmp)) > 0 {
		time.Sleep(50 * time.Millisecond)
	}
	if l := leftovers(tmp); len(l) > 0 {
		t.Errorf("left behind in TMPDIR: %v", l)
	}
}

// TestConcurrentRuns: two `dvcqa run` started at once in the same checkout
// and the same runs folder both run their specs and write their reports.
func TestConcurrentRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("runs dvcqa twice; `make procs` runs it")
	}
	bin, root := dvcqaBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	runs := filepath.Join(tmp, "runs")
	const filter = "layer:api && service:DV09"
	var wg sync.WaitGroup
	codes, outs := make([]int, 2), make([]bytes.Buffer, 2)
	for i := range 2 {
		wg.Go(func() {
			cmd := exec.CommandContext(ctx, bin, "run", "--runs", runs, "--label-filter", filter)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), vocab.EnvTarget+"=", "TMPDIR="+tmp)
			cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
			err := cmd.Run()
			var exit *exec.ExitError
			switch {
			case err == nil:
			case errors.As(err, &exit):
				codes[i] = exit.ExitCode()
			default:
				codes[i] = -1
			}
		})
	}
	wg.Wait()
	entries, err := os.ReadDir(runs)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != reports.LatestDir {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) != 2 {
		t.Fatalf("run folders %v, want 2", dirs)
	}
	for i := range 2 {
		// A filtered run leaves most services unverified: the gate fails (1).
		if codes[i] != 1 || strings.Contains(outs[i].String(), "could not be found") {
			t.Errorf("run %d exited %d, want 1:\n%s", i, codes[i], outs[i].String())
		}
	}
	for _, d := range append(dirs, reports.LatestDir) {
		s, err := reports.LoadSummary(filepath.Join(runs, d, reports.SummaryFile))
		if err != nil {
			t.Errorf("%s: %v", d, err)
			continue
		}
		if s.Totals.Passed == 0 || s.Totals.Failed != 0 {
			t.Errorf("%s: %+v, want passed specs and no failure", d, s.Totals)
		}
		if _, err := os.Stat(filepath.Join(runs, d, reports.JUnitFile)); err != nil {
			t.Errorf("%s: %v", d, err)
		}
	}
	if l := leftovers(tmp); len(l) > 0 {
		t.Errorf("left behind in TMPDIR: %v", l)
	}
}

// proc is a process seen during a test: pid, start time (against pid
// reuse) and command line.
type proc struct {
	pid     int
	start   string
	cmdline string
}

func readProc(pid int) (proc, bool) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return proc{}, false
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return proc{}, false
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 20 || f[0] == "Z" {
		return proc{}, false
	}
	cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return proc{pid: pid, start: f[19], cmdline: string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}))}, true
}

func alive(p proc) bool {
	q, ok := readProc(p.pid)
	return ok && q.start == p.start
}

func gone(pid int) bool {
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if _, ok := readProc(pid); !ok {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

func exited(pid int) bool { _, ok := readProc(pid); return !ok }

// treeOf is root and its descendants (by parent pid), and every process
// whose environment carries the run's token.
func treeOf(root int, runID string) []proc {
	parents := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(stat, ')')
		if f := strings.Fields(string(stat[i+1:])); len(f) > 1 {
			ppid, _ := strconv.Atoi(f[1])
			parents[ppid] = append(parents[ppid], pid)
		}
	}
	var out []proc
	seen := map[int]bool{}
	var walk func(int)
	walk = func(pid int) {
		if seen[pid] {
			return
		}
		seen[pid] = true
		if p, ok := readProc(pid); ok {
			out = append(out, p)
		}
		for _, c := range parents[pid] {
			walk(c)
		}
	}
	walk(root)
	for _, p := range tokenProcs(runID) {
		if !seen[p.pid] {
			out = append(out, p)
		}
	}
	return out
}

// tokenProcs are the live processes whose environment names the run.
func tokenProcs(runID string) []proc {
	prefix := []byte(vocab.EnvRunToken + "=" + runID + "-")
	var out []proc
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil {
			continue
		}
		for kv := range bytes.SplitSeq(env, []byte{0}) {
			if bytes.HasPrefix(kv, prefix) {
				if p, ok := readProc(pid); ok {
					out = append(out, p)
				}
				break
			}
		}
	}
	return out
}

// leftovers are the run's scratch and Chromium profile folders in dir.
func leftovers(dir string) []string {
	var out []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "dvcqa-run-") || strings.HasPrefix(e.Name(), "dvcqa-chromium-") {
			out = append(out, e.Name())
		}
	}
	return out
}
