package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

// A run's processes end with it, however it ends. Every process `dvcqa run`
// starts (the suite build, the Ginkgo CLI, the suite processes with the
// embedded world, Chromium and its helpers) carries a token unique to the
// run in its environment, runs in a process group of its own, and gets
// SIGKILL when dvcqa dies (Pdeathsig; only direct children). Their
// temporary files, the suite binary and the Chromium profiles (TMPDIR of
// the suites) live in one scratch folder of the run.
//
// A watchdog, dvcqa itself started with watchCommand in a process group
// of its own, holds the read end of a pipe whose write end only dvcqa has.
// However dvcqa ends (SIGKILL included) the pipe closes; the watchdog then
// kills every process group it was told about and every process carrying
// the token or using a Chromium profile in the scratch folder, until none
// is left, removes the scratch folder and exits. A normal end does the
// same in dvcqa (runProcs.close) before the watchdog looks again.

// watchCommand is the hidden sub-command of the watchdog.
const watchCommand = "__watch-run"

type runProcs struct {
	token   string
	scratch string
	watch   *exec.Cmd
	pipe    *os.File
	groups  []int
}

// startRunProcs makes the run's scratch folder and starts its watchdog.
func startRunProcs(runID string) (*runProcs, error) {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	p := &runProcs{token: runID + "-" + hex.EncodeToString(b)}
	var err error
	if p.scratch, err = os.MkdirTemp("", "dvcqa-run-"); err != nil {
		return nil, fmt.Errorf("scratch folder: %w", err)
	}
	if err := os.Mkdir(p.tmpDir(), 0o700); err != nil {
		_ = os.RemoveAll(p.scratch)
		return nil, fmt.Errorf("scratch folder: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		_ = os.RemoveAll(p.scratch)
		return nil, fmt.Errorf("watchdog: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		_ = os.RemoveAll(p.scratch)
		return nil, fmt.Errorf("watchdog: %w", err)
	}
	p.watch = exec.Command(exe, watchCommand, p.token, p.scratch)
	p.watch.ExtraFiles = []*os.File{r} // fd 3
	// Its own group: a Ctrl-C at the terminal, or a signal to dvcqa's
	// group, does not reach it. No output: it must not hold dvcqa's pipes.
	p.watch.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.watch.Start(); err != nil {
		r.Close()
		w.Close()
		_ = os.RemoveAll(p.scratch)
		return nil, fmt.Errorf("watchdog: %w", err)
	}
	r.Close()
	p.pipe = w
	return p, nil
}

// tmpDir is the suites' TMPDIR: Chromium's profile folders go there.
func (p *runProcs) tmpDir() string { return filepath.Join(p.scratch, "tmp") }

// env is what every child of the run gets on top of dvcqa's environment.
func (p *runProcs) env() []string {
	return []string{vocab.EnvRunToken + "=" + p.token, "TMPDIR=" + p.tmpDir()}
}

// start starts cmd as a process of the run: its own process group (which
// the watchdog is told), SIGKILL when dvcqa dies, the run's environment.
// Call it from a goroutine locked to its thread (Pdeathsig follows the
// thread that started the child).
func (p *runProcs) start(cmd *exec.Cmd) error {
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, p.env()...)
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	p.groups = append(p.groups, cmd.Process.Pid)
	_, _ = fmt.Fprintf(p.pipe, "pgid %d\n", cmd.Process.Pid)
	return nil
}

// close ends whatever of the run is still running, removes the scratch
// folder and lets the watchdog go (it looks once more, then exits).
func (p *runProcs) close() error {
	reap(p.token, p.scratch, p.groups)
	err := os.RemoveAll(p.scratch)
	_ = p.pipe.Close()
	done := make(chan error, 1)
	go func() { done <- p.watch.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.watch.Process.Kill()
	}
	if err != nil {
		return fmt.Errorf("remove the run's scratch folder: %w", err)
	}
	return nil
}

// watchCmd is the watchdog: it waits for the pipe on fd 3 to close, then
// ends the run's processes and removes its scratch folder.
func watchCmd(args []string) int {
	if len(args) != 2 || args[0] == "" || !strings.Contains(filepath.Base(args[1]), "dvcqa-run-") {
		return fail("%s is dvcqa's own", watchCommand)
	}
	token, scratch := args[0], args[1]
	signal.Ignore(syscall.SIGINT, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGPIPE)
	pipe := os.NewFile(3, "run")
	var groups []int
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		if n, err := strconv.Atoi(strings.TrimPrefix(sc.Text(), "pgid ")); err == nil && n > 1 {
			groups = append(groups, n)
		}
	}
	// dvcqa is gone (or done): nothing of its run may outlive it.
	reap(token, scratch, groups)
	_ = os.RemoveAll(scratch)
	return 0
}

// reap kills the process groups and every process whose environment holds
// the run's token or whose command line uses a Chromium profile in the
// scratch folder, looking again until three looks in a row find nothing
// (a process can fork while its parent is killed), for at most 5 s.
func reap(token, scratch string, groups []int) {
	for _, g := range groups {
		_ = syscall.Kill(-g, syscall.SIGKILL)
	}
	deadline := time.Now().Add(5 * time.Second)
	for quiet := 0; quiet < 3 && time.Now().Before(deadline); {
		pids := runProcesses(token, scratch)
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		if len(pids) == 0 {
			quiet++
		} else {
			quiet = 0
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runProcesses are the live processes (zombies aside) of the run: those
// whose environment holds the token, or whose command line names a
// Chromium user data folder inside the scratch folder.
func runProcesses(token, scratch string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	marker := []byte(vocab.EnvRunToken + "=" + token)
	profile := []byte("--user-data-dir=" + scratch + string(filepath.Separator))
	self := os.Getpid()
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self || zombie(pid) {
			continue
		}
		if env, err := os.ReadFile("/proc/" + e.Name() + "/environ"); err == nil && hasEntry(env, marker) {
			out = append(out, pid)
			continue
		}
		if cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline"); err == nil && bytes.Contains(cmdline, profile) {
			out = append(out, pid)
		}
	}
	return out
}

// hasEntry reports whether a NUL-separated block holds entry exactly.
func hasEntry(block, entry []byte) bool {
	for e := range bytes.SplitSeq(block, []byte{0}) {
		if bytes.Equal(e, entry) {
			return true
		}
	}
	return false
}

// zombie reports whether pid has exited and waits to be reaped.
func zombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	i := bytes.LastIndexByte(stat, ')')
	return i > 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}
