package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// standaloneMock is a `dvcqa mock serve` process: the same mock both
// Playwright and dvcqa run their flows against, over real HTTP.
type standaloneMock struct {
	cmd    *exec.Cmd
	Target string // the target profile it wrote
	log    string
}

// startMock starts bin/dvcqa mock serve on a free loopback port and waits
// (at most wait) for its target profile.
func startMock(ctx context.Context, dvcqa, dir string, wait time.Duration) (*standaloneMock, error) {
	m := &standaloneMock{Target: filepath.Join(dir, "mock-target.yaml"), log: filepath.Join(dir, "mock.log")}
	logf, err := os.Create(m.log)
	if err != nil {
		return nil, fmt.Errorf("start the mock: %w", err)
	}
	defer logf.Close()
	m.cmd = exec.CommandContext(ctx, dvcqa, "mock", "serve", "--addr", "127.0.0.1:0", "--write-target", m.Target)
	m.cmd.Stdout, m.cmd.Stderr = logf, logf
	m.cmd.Cancel = func() error { return m.cmd.Process.Signal(syscall.SIGTERM) }
	m.cmd.WaitDelay = 5 * time.Second
	if err := m.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the mock: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- m.cmd.Wait() }()
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		// Its last line is printed once the target file is written and
		// the world is up.
		if out, err := os.ReadFile(m.log); err == nil && bytes.Contains(out, []byte("Ctrl-C stops it.")) {
			go func() { <-done }()
			return m, nil
		}
		select {
		case err := <-done:
			out, _ := os.ReadFile(m.log)
			return nil, fmt.Errorf("the mock exited before writing its target (%v): %s", err, out)
		case <-deadline.C:
			m.cmd.Process.Kill()
			return nil, fmt.Errorf("the mock wrote no target within %s", wait)
		case <-tick.C:
		}
	}
}

// Close stops the mock (SIGTERM: it shuts down its servers).
func (m *standaloneMock) Close() {
	if m.cmd.Process != nil {
		m.cmd.Process.Signal(syscall.SIGTERM)
	}
}
