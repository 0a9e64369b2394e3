package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/internal/progress"
	"github.com/dvcqa/dvcqa/internal/redact"
)

// ConsoleLogFile is Ginkgo's own output of a run (masked, without colour),
// kept in the run folder when the console shows the checklist instead.
const ConsoleLogFile = "console.log"

// runConsole is what `dvcqa run` prints while the suites run, unless -v:
// a checklist built from the suites' progress events (internal/progress)
// — one line per spec, or a live progress line on a terminal — with every
// failure in full. Ginkgo's own output goes to the run folder's
// console.log, and is replayed when the run failed outside any spec (a
// suite setup, a crash), which no event describes.
type runConsole struct {
	stdout   *consoleMasker
	render   *progress.Renderer
	listen   *progress.Listener
	log      *os.File
	logOut   *consoleMasker
	logPath  string
	finished bool
	stopTick chan struct{} // closed by finish; nil without a terminal
	ticked   sync.WaitGroup
}

// tickEvery is how often a terminal's progress line is redrawn between
// specs, so its time and ETA move during a long browser spec.
const tickEvery = time.Second

// startConsole listens for the suites' events on a socket in the run's
// scratch folder; env is what tells the suites where it is.
func startConsole(scratch, runDir string, stdout *consoleMasker, m *redact.Masker, tty bool) (c *runConsole, env string, err error) {
	c = &runConsole{stdout: stdout, logPath: filepath.Join(runDir, ConsoleLogFile)}
	if c.log, err = os.Create(c.logPath); err != nil {
		return nil, "", fmt.Errorf("console log: %w", writeError(runDir, err))
	}
	c.logOut = newConsoleMasker(&lenientWriter{w: c.log}, m)
	var status func(string) error
	if tty {
		status = stdout.Status
	}
	c.render = progress.NewRenderer(stdout, status, time.Now)
	if c.listen, err = progress.Listen(filepath.Join(scratch, "progress.sock"), c.render.Handle); err != nil {
		_ = c.log.Close()
		_ = os.Remove(c.logPath)
		return nil, "", err
	}
	if tty {
		c.stopTick = make(chan struct{})
		c.ticked.Go(func() {
			t := time.NewTicker(tickEvery)
			defer t.Stop()
			for {
				select {
				case <-t.C:
					c.render.Tick()
				case <-c.stopTick:
					return
				}
			}
		})
	}
	return c, progress.EnvSocket + "=" + c.listen.Path(), nil
}

// ginkgoOut is where Ginkgo's own output goes.
func (c *runConsole) ginkgoOut() io.Writer { return c.logOut }

// finish ends the console once the suites have exited: every event is
// rendered, and Ginkgo's output replayed when ginkgoErr is not explained by
// a failed spec or some specs never reported.
func (c *runConsole) finish(ginkgoErr error) error {
	if c.finished {
		return nil
	}
	c.finished = true
	lerr := c.listen.Close()
	if c.stopTick != nil {
		close(c.stopTick)
		c.ticked.Wait()
	}
	rerr := c.render.Finish()
	_ = c.logOut.Flush()
	cerr := c.log.Close()
	done, failed := c.render.Counts()
	if ginkgoErr != nil && (failed == 0 || done < c.render.Total()) {
		fmt.Fprintf(c.stdout, "\nThe suites stopped outside a spec (%v); Ginkgo's output, also in %s:\n", ginkgoErr, rel(c.logPath))
		if f, err := os.Open(c.logPath); err == nil {
			_, _ = io.Copy(c.stdout, f)
			_ = f.Close()
			_ = c.stdout.Flush()
		}
	}
	if lerr != nil {
		return lerr
	}
	if rerr != nil {
		return rerr
	}
	return cerr
}

// lenientWriter keeps accepting writes after one failed (a full disk), so
// the Ginkgo CLI is never blocked on its output; the log is a convenience.
type lenientWriter struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

func (l *lenientWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		_, l.err = l.w.Write(p)
	}
	return len(p), nil
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
