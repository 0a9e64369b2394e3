// Package bench holds dvcqa's browser-layer benchmarks (`make bench`): how
// long one citizen flow takes in Chromium, how long the browser layer of the
// suites takes with one and two Ginkgo processes, and what Chromium costs in
// memory. They print figures; nothing asserts on time.
package bench

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// PSS (proportional set size) is the memory figure used here because
// Chromium's processes share most of their pages: summing RSS would count
// the shared libraries once per renderer. Everything reads /proc, so on a
// system without it (not Linux) every figure is 0.

// proc is what /proc/<pid>/stat says about one process.
type proc struct{ pid, ppid, pgrp int }

// procs lists the processes visible in /proc (none when it is missing).
func procs() []proc {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var out []proc
	for _, d := range dirs {
		data, err := os.ReadFile(d + "/stat")
		if err != nil {
			continue // the process exited meanwhile
		}
		// "pid (comm) state ppid pgrp ...": comm may hold spaces and
		// parentheses, so the fields are counted from the last ')'.
		i := bytes.LastIndexByte(data, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(data[i+1:]))
		if len(f) < 3 {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(d))
		ppid, _ := strconv.Atoi(f[1])
		pgrp, _ := strconv.Atoi(f[2])
		out = append(out, proc{pid, ppid, pgrp})
	}
	return out
}

// isChromium: the browser and its helpers are all "chromium" (zygote,
// renderers, GPU, utilities) or run from Debian's /usr/lib/chromium.
func isChromium(pid int) bool {
	p := "/proc/" + strconv.Itoa(pid)
	if comm, err := os.ReadFile(p + "/comm"); err == nil && strings.TrimSpace(string(comm)) == "chromium" {
		return true
	}
	cmd, err := os.ReadFile(p + "/cmdline")
	return err == nil && bytes.HasPrefix(cmd, []byte("/usr/lib/chromium/"))
}

// pssKB is a process's PSS in kB from smaps_rollup (cheap: one summary
// instead of every mapping), 0 when it is gone or unreadable.
func pssKB(pid int) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "Pss:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

func sumMB(list []proc, keep func(proc) bool) float64 {
	var kb int64
	for _, p := range list {
		if keep(p) && isChromium(p.pid) {
			kb += pssKB(p.pid)
		}
	}
	return float64(kb) / 1024
}

// treePSSMB is the PSS in MB of the Chromium processes in the process tree
// of root (the browser a benchmark started: Browser.PID()).
func treePSSMB(root int) float64 {
	if root <= 0 {
		return 0 // a remote browser: nothing local to measure
	}
	list := procs()
	in := map[int]bool{root: true}
	// Parents can have higher pids than children after pid wrap-around, so
	// repeat until nothing is added.
	for grew := true; grew; {
		grew = false
		for _, p := range list {
			if !in[p.pid] && in[p.ppid] {
				in[p.pid], grew = true, true
			}
		}
	}
	return sumMB(list, func(p proc) bool { return in[p.pid] })
}

// groupPSSMB is the total PSS in MB of the Chromium processes in process
// group pgrp, or of every Chromium process on the machine when pgrp is 0.
// Scoping to the group of the Ginkgo run measured keeps out browsers of
// other test runs on a shared machine (and crashpad handlers, which detach
// into their own session and weigh a few MB).
func groupPSSMB(pgrp int) float64 {
	return sumMB(procs(), func(p proc) bool { return pgrp == 0 || p.pgrp == pgrp })
}

// samplePeak calls measure every interval until the returned stop is
// called, and stop returns the highest value seen.
func samplePeak(interval time.Duration, measure func() float64) (stop func() float64) {
	var (
		peak float64 // written by the sampler only; read after wg.Wait
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				peak = max(peak, measure())
			}
		}
	})
	return func() float64 {
		close(done)
		wg.Wait()
		return peak
	}
}
