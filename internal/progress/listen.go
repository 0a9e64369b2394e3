package progress

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// closeGrace is how long Close waits for a connection still open;
// acceptDrain how long it accepts the connections still queued.
const (
	closeGrace  = 2 * time.Second
	acceptDrain = 50 * time.Millisecond
)

// Listener is dvcqa's end of the socket: every event of every connection
// goes to handle, one at a time.
type Listener struct {
	ln         net.Listener
	handle     func(Event)
	mu         sync.Mutex // serialises handle
	wg         sync.WaitGroup
	acceptDone sync.WaitGroup
	cmu        sync.Mutex
	conns      map[net.Conn]bool
}

// Listen opens the Unix socket at path and serves it until Close.
func Listen(path string, handle func(Event)) (*Listener, error) {
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("progress socket: %w", err)
	}
	l := &Listener{ln: ln, handle: handle, conns: map[net.Conn]bool{}}
	l.acceptDone.Add(1)
	go l.accept()
	return l, nil
}

// Path is the socket's path, for EnvSocket.
func (l *Listener) Path() string { return l.ln.Addr().String() }

func (l *Listener) accept() {
	defer l.acceptDone.Done()
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return // closed, or the drain of Close is over
		}
		l.cmu.Lock()
		l.conns[c] = true
		l.cmu.Unlock()
		l.wg.Add(1)
		go l.serve(c)
	}
}

func (l *Listener) serve(c net.Conn) {
	defer l.wg.Done()
	defer func() {
		l.cmu.Lock()
		delete(l.conns, c)
		l.cmu.Unlock()
		_ = c.Close()
	}()
	sc := bufio.NewScanner(c)
	sc.Buffer(make([]byte, 64<<10), 16<<20) // a failure message can be long
	for sc.Scan() {
		var e Event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		l.mu.Lock()
		l.handle(e)
		l.mu.Unlock()
	}
}

// Close stops accepting and waits for the connections to end: call it when
// the suite processes have exited, so every event sent has been handled.
func (l *Listener) Close() error {
	// Connections still in the listen queue (a process that connected
	// and exited at once) are accepted before the socket closes.
	var err error
	if ul, ok := l.ln.(*net.UnixListener); ok {
		err = ul.SetDeadline(time.Now().Add(acceptDrain))
	}
	l.acceptDone.Wait()
	err = errors.Join(err, l.ln.Close())
	// A process that outlived the run (it is being killed) gets a moment
	// to finish its last line, not for ever.
	l.cmu.Lock()
	for c := range l.conns {
		_ = c.SetReadDeadline(time.Now().Add(closeGrace))
	}
	l.cmu.Unlock()
	l.wg.Wait()
	return err
}
