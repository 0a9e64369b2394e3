// Package browser drives Chromium for dvcqa's browser specs, shaped like
// chromedp's own tests: one browser per Ginkgo process, started on first
// use, a fresh browser context (own cookies) per spec, a timeout per step,
// and evidence (screenshot, page, console) captured when a spec fails.
package browser

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"github.com/dvcqa/dvcqa/vocab"
)

// RemoteURLEnv is the environment variable a user sets to a remote
// Chromium's DevTools URL (http://host:9222 or ws://.../devtools/browser/...)
// instead of a local one. The package does not read it: `dvcqa run` and the
// self-tests put it in the run configuration, and the framework passes it as
// Options.RemoteURL. It is named here for messages.
const RemoteURLEnv = vocab.EnvBrowserURL

// Defaults of Options.
const (
	DefaultExecPath    = "/usr/lib/chromium/chromium" // Debian's binary; /usr/bin/chromium is a shell wrapper
	DefaultStepTimeout = 10 * time.Second
	// startTimeout bounds the start of Chromium (~0.4 s here) so that a
	// wedged binary fails the suite setup instead of hanging it.
	startTimeout = 30 * time.Second
)

// InstallHint says what to install when no usable Chromium is found.
const InstallHint = "install Debian's chromium: apt-get install -y chromium fonts-liberation2, or set " + RemoteURLEnv + " to a remote Chromium"

// ErrNoChromium is wrapped by Start's error when no Chromium binary exists.
var ErrNoChromium = errors.New("no Chromium binary found")

// Options configure Start. The zero value starts a local headless Chromium
// with the defaults below.
type Options struct {
	// ExecPath of the Chromium binary; default DefaultExecPath, else
	// "chromium" on PATH.
	ExecPath string
	// RemoteURL of a running Chromium's DevTools endpoint. "" starts a
	// local browser. A list (ParseEndpoints) is for Process, which spreads
	// specs over it; Start attaches to its first endpoint.
	RemoteURL string
	// First is which endpoint of a RemoteURL list Process starts on, e.g.
	// the Ginkgo process number - 1, so that processes spread over the list.
	First int
	// Notify receives Process's message when it takes an endpoint out (nil:
	// standard error).
	Notify func(msg string)
	// StepTimeout bounds every tab action; default 10s.
	StepTimeout time.Duration
	// TmpDir is where the browser's temporary folder is made (default
	// os.TempDir()); the folder is removed on Close.
	TmpDir string
	// Visible shows a browser window (needs a display). The zero value runs
	// headless, so Options{} is what CI wants.
	Visible bool
	// TrustSPKI are base64 SHA-256 hashes of the public keys of servers
	// Chromium accepts though it cannot verify them itself (a target's
	// custom CA: Chromium reads no CA file). The caller verified those
	// servers; see the framework's BrowserSPKIPins. A remote Chromium
	// cannot be given them, so Start refuses that combination.
	TrustSPKI []string
}

func (o Options) withDefaults() Options {
	if o.StepTimeout <= 0 {
		o.StepTimeout = DefaultStepTimeout
	}
	return o
}

// Browser is a running (or attached) Chromium. Tabs are opened with NewTab;
// it is safe for concurrent use, its tabs are not.
type Browser struct {
	opts   Options
	ctx    context.Context // the chromedp browser context, run once
	cancel context.CancelFunc
	alloc  context.CancelFunc
	tmpDir string
	pid    int

	closeOnce sync.Once
	closing   sync.WaitGroup // tabs closing in the background (Tab.Close)
	closed    chan struct{}  // closed by Close: a cancelled context then is not a lost one
}

// Start starts a local Chromium, or attaches to Options.RemoteURL, and runs
// an empty action so that failures surface here rather than in a spec. ctx
// bounds the start only: the browser lives until Close.
func Start(ctx context.Context, o Options) (*Browser, error) {
	o = o.withDefaults()
	if eps := ParseEndpoints(o.RemoteURL); len(eps) > 0 {
		o.RemoteURL = eps[0]
	}
	b := &Browser{opts: o, closed: make(chan struct{})}
	dir, err := os.MkdirTemp(o.TmpDir, "dvcqa-chromium-")
	if err != nil {
		return nil, fmt.Errorf("browser: temporary folder: %w", err)
	}
	b.tmpDir = dir

	// The browser must outlive the caller's (setup node's) context.
	parent := context.WithoutCancel(ctx)
	var out *tailBuffer
	var allocCtx context.Context
	var execPath string
	if o.RemoteURL != "" && len(o.TrustSPKI) > 0 {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("browser: the remote Chromium at %s cannot be told to trust the target's custom CA (Chromium takes it as a start flag); "+
			"start it with --ignore-certificate-errors-spki-list=%s and --user-data-dir, or use a local Chromium", o.RemoteURL, strings.Join(o.TrustSPKI, ","))
	}
	if o.RemoteURL != "" {
		allocCtx, b.alloc = remoteAllocator(parent, o.RemoteURL)
	} else {
		if execPath, err = findChromium(o.ExecPath); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		out = &tailBuffer{max: 4 << 10}
		allocCtx, b.alloc = chromedp.NewExecAllocator(parent, allocatorOptions(o, execPath, dir, out)...)
	}
	// hard is cancelled, without waiting, when the start takes too long;
	// NewContext's own cancel waits for the browser to exit.
	hardCtx, hard := context.WithCancel(allocCtx)
	b.ctx, b.cancel = chromedp.NewContext(hardCtx)

	sctx, scancel := context.WithTimeout(ctx, startTimeout)
	stop := context.AfterFunc(sctx, hard)
	// The first call starts (or attaches to) the browser, without a timeout
	// on it. It talks to the browser only: attaching to a first tab (what
	// chromedp.Do would) costs ~270 ms and renderers that no spec uses;
	// every spec's tab is a new target in its own browser context.
	_, err = chromedp.CallBrowser(b.ctx, cdpbrowser.GetVersion, cdp.Empty{})
	if !stop() {
		err = fmt.Errorf("gave up after %s: %w", startTimeout, cmp.Or(err, sctx.Err()))
		if ctx.Err() != nil {
			err = fmt.Errorf("cancelled by the caller: %w", ctx.Err())
		}
	}
	scancel()
	if err != nil {
		// Never Run again on this context (chromedp panics): drop it all.
		hard()
		b.cancel()
		b.alloc()
		os.RemoveAll(dir)
		return nil, startError(o, execPath, out, err)
	}
	if p := chromedp.FromContext(b.ctx).Browser.Process(); p != nil {
		b.pid = p.Pid
	}
	return b, nil
}

func allocatorOptions(o Options, execPath, dir string, out *tailBuffer) []chromedp.ExecAllocatorOption {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		// CI runs as root, where Chromium refuses to start sandboxed; the
		// pages are the harness's own mocks or the target under test.
		chromedp.NoSandbox,
		chromedp.DisableGPU, // no GPU here; quiets the WebGL fallback noise
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-component-update", true), // no internet: nothing to fetch
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("lang", "vi-VN"),
		chromedp.Flag("accept-lang", "vi-VN,vi"),
		// Chromium leaves org.chromium.Chromium.* folders in TMPDIR; keep
		// them, and the profile, in one folder that Close removes.
		chromedp.Env("TMPDIR="+dir),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.CombinedOutput(out),
	)
	opts = append(opts, lowMemoryFlags()...)
	if o.Visible {
		opts = append(opts, chromedp.VisibleWindow)
	}
	if len(o.TrustSPKI) > 0 {
		// Honoured only with a user data dir, which is set above.
		opts = append(opts, chromedp.Flag("ignore-certificate-errors-spki-list", strings.Join(o.TrustSPKI, ",")))
	}
	return opts
}

// findChromium resolves the binary: the given path, else Debian's, else
// "chromium" on PATH.
func findChromium(path string) (string, error) {
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("browser: %w at %s: %s", ErrNoChromium, path, InstallHint)
		}
		return p, nil
	}
	if _, err := exec.LookPath(DefaultExecPath); err == nil {
		return DefaultExecPath, nil
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("browser: %w (looked for %s and chromium on PATH): %s", ErrNoChromium, DefaultExecPath, InstallHint)
}

func startError(o Options, execPath string, out *tailBuffer, err error) error {
	if o.RemoteURL != "" {
		return fmt.Errorf("browser: attach to the remote Chromium at %s: %w (is it running with --remote-debugging-port and reachable? unset %s to start a local one)",
			o.RemoteURL, err, RemoteURLEnv)
	}
	msg := fmt.Sprintf("browser: start Chromium %s: %v", execPath, err)
	if tail := strings.TrimSpace(out.String()); tail != "" {
		msg += "\nChromium said:\n" + tail
	}
	return fmt.Errorf("%s\n%s: %w", msg, InstallHint, err)
}

// PID is the local Chromium's process id (for memory measurements), 0 when
// attached to a remote browser.
func (b *Browser) PID() int { return b.pid }

// Remote reports whether the browser is a remote one (not started here).
func (b *Browser) Remote() bool { return b.opts.RemoteURL != "" }

// StepTimeout is the time budget of one tab action.
func (b *Browser) StepTimeout() time.Duration { return b.opts.StepTimeout }

// Close closes every tab and the browser (a remote browser keeps running),
// then removes the temporary folder. It is idempotent.
func (b *Browser) Close() error {
	var err error
	b.closeOnce.Do(func() {
		close(b.closed)
		b.waitTabsClosed()
		if !b.Remote() {
			// A graceful close lets Chromium remove its own files first.
			ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
			if cerr := chromedp.Cancel(ctx); cerr != nil && !errors.Is(cerr, context.Canceled) && !errors.Is(cerr, context.DeadlineExceeded) {
				err = fmt.Errorf("browser: close: %w", cerr)
			}
			cancel()
		}
		b.cancel()
		b.alloc()
		if rerr := os.RemoveAll(b.tmpDir); rerr != nil && err == nil {
			err = fmt.Errorf("browser: remove %s: %w", b.tmpDir, rerr)
		}
	})
	return err
}

// waitTabsClosed waits, a bounded time, for tabs closing in the background,
// so that a remote browser is left without our browser contexts.
func (b *Browser) waitTabsClosed() {
	done := make(chan struct{})
	go func() { b.closing.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(closeTimeout + time.Second):
	}
}

// tailBuffer keeps the last max bytes written: Chromium's output, shown when
// it fails to start.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (w *tailBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if len(w.buf) > w.max {
		w.buf = append(w.buf[:0], w.buf[len(w.buf)-w.max:]...)
	}
	return len(p), nil
}

func (w *tailBuffer) String() string {
	if w == nil {
		return ""
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}
