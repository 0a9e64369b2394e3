// Package testenv holds the set-ups several packages' tests share: a
// Chromium with a DevTools port, a private test CA, golden files. Tests
// only; nothing in the harness or the mocks imports it outside _test.go.
package testenv

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ChromiumPath is Debian's Chromium binary (scripts/setup.sh installs it).
const ChromiumPath = "/usr/lib/chromium/chromium"

// RemoteChromium starts a headless Chromium with a DevTools port on
// loopback, as a remote browser runs (its own container, a browser farm),
// and returns its ws://…/devtools/browser/… URL. The test is skipped when
// Chromium is not installed. The process group is killed when the test
// ends.
func RemoteChromium(t testing.TB) string {
	t.Helper()
	u, _ := RemoteChromiumKill(t)
	return u
}

// RemoteChromiumKill is RemoteChromium that also returns a kill function,
// for tests of a remote browser dying mid-run (SIGKILL of its process
// group; it returns once the process is gone).
func RemoteChromiumKill(t testing.TB) (url string, kill func()) {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Skip("Debian chromium is not installed (scripts/setup.sh installs it)")
	}
	profile := t.TempDir()
	cmd := exec.Command(ChromiumPath, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage", "--no-proxy-server",
		"--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir="+profile, "about:blank")
	cmd.Env = append(os.Environ(), "TMPDIR="+profile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its helpers too, by our own group id
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	var once sync.Once
	kill = func() {
		once.Do(func() {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			_ = cmd.Wait()
		})
	}
	t.Cleanup(kill)
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`DevTools listening on (ws://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case u := <-found:
		return u, kill
	case <-time.After(30 * time.Second):
		t.Fatal("Chromium printed no DevTools URL within 30 s")
		return "", kill
	}
}

// Golden is the content of testdata/<name> of the test's package.
func Golden(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
