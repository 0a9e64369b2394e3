package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

// dvcqaBinary builds the command once for the tests of this package that
// run it as a process, and returns it with the module root.
func dvcqaBinary(t *testing.T) (bin, root string) {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "dvcqa-test-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "dvcqa")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		var out []byte
		if out, binErr = exec.CommandContext(ctx, "go", "build", "-o", binPath, ".").CombinedOutput(); binErr != nil {
			binErr = &buildError{binErr, string(out)}
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath, root
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "build dvcqa: " + e.err.Error() + "\n" + e.out }
