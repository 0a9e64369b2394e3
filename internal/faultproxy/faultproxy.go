// Package faultproxy is a small fault-injecting HTTP proxy for tests: put
// in front of a mock world (on loopback), it passes every request through,
// except those under one system's path prefix, which meet the fault — added
// latency, a blackhole (accepted, never answered), a reset connection, a
// slow line, a body cut after N bytes, or an answer of garbage JSON, an
// HTML page or a huge body. Shaped like httptest.Server: URL, Close.
package faultproxy

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Kind is a fault.
type Kind string

// The faults.
const (
	None      Kind = ""
	Latency   Kind = "latency"   // Delay before each answer is forwarded
	Blackhole Kind = "blackhole" // accept, read the request, never answer
	Reset     Kind = "reset"     // close the connection with a TCP RST
	Slow      Kind = "slow"      // forward the answer at Rate bytes a second
	Cut       Kind = "cut"       // forward the headers and CutAfter bytes of the body, then drop the connection
	Garbage   Kind = "garbage"   // answer 200 application/json with a body that is not JSON
	HTML      Kind = "html"      // answer 200 text/html with a maintenance page
	Huge      Kind = "huge"      // answer 200 application/json with HugeSize bytes
	// Kill: the first request under Prefix kills the server — its
	// connection is dropped unanswered and the proxy stops listening, so
	// every later request is refused, as when a mock process is killed.
	Kill Kind = "kill"
)

// Fault is what requests under Prefix meet.
type Fault struct {
	Kind     Kind
	Prefix   string        // path prefix of the faulted system, e.g. "/payment" or "/portal/01"
	Delay    time.Duration // Latency
	Rate     int           // Slow: bytes a second (default 1024)
	CutAfter int           // Cut: body bytes forwarded (default 16)
	HugeSize int           // Huge: body size (default 50 MB)
}

// Proxy is a running fault proxy.
type Proxy struct {
	URL string // e.g. http://127.0.0.1:41234

	fault    Fault
	upstream *httputil.ReverseProxy
	srv      *http.Server
	ln       net.Listener
	done     chan struct{}
	once     sync.Once

	mu  sync.Mutex
	hit int
}

// New starts a proxy on a free loopback port; it forwards once Forward
// names the upstream (so that a world can be started knowing the proxy's
// URL as its own).
func New(f Fault) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{URL: "http://" + ln.Addr().String(), fault: f, ln: ln, done: make(chan struct{})}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, ErrorLog: quiet}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// quiet drops the server's and the reverse proxy's logs: aborted and
// reset exchanges are what the proxy is for.
var quiet = log.New(io.Discard, "", 0)

// Forward sets the upstream base URL.
func (p *Proxy) Forward(upstream string) error {
	u, err := url.Parse(upstream)
	if err != nil {
		return fmt.Errorf("faultproxy: upstream: %w", err)
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			r.Out.Host = r.In.Host // the world names itself by the proxy's URL
		},
		ErrorLog: quiet,
	}
	p.mu.Lock()
	p.upstream = rp
	p.mu.Unlock()
	return nil
}

// Hits is how many requests met the fault.
func (p *Proxy) Hits() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hit
}

// Close stops the proxy, releasing blackholed connections.
func (p *Proxy) Close() error {
	p.once.Do(func() { close(p.done) })
	return p.srv.Close()
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := p.fault
	p.mu.Lock()
	up := p.upstream
	p.mu.Unlock()
	if up == nil {
		http.Error(w, "faultproxy: no upstream yet", http.StatusBadGateway)
		return
	}
	if f.Kind == None || !(r.URL.Path == f.Prefix || strings.HasPrefix(r.URL.Path, f.Prefix+"/")) {
		up.ServeHTTP(w, r)
		return
	}
	p.mu.Lock()
	p.hit++
	p.mu.Unlock()
	switch f.Kind {
	case Latency:
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-p.done:
			return
		}
		up.ServeHTTP(w, r)
	case Blackhole:
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-p.done:
		}
		panic(http.ErrAbortHandler) // no answer at all, not even an empty one
	case Reset:
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		conn.Close()
	case Cut:
		n := f.CutAfter
		if n == 0 {
			n = 16
		}
		cw := &cutWriter{ResponseWriter: w, left: n}
		up.ServeHTTP(cw, r)
		panic(http.ErrAbortHandler)
	case Slow:
		rate := f.Rate
		if rate == 0 {
			rate = 1024
		}
		up.ServeHTTP(&slowWriter{ResponseWriter: w, rate: rate, ctx: r.Context().Done(), done: p.done}, r)
	case Kill:
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		go p.Close()
	case Garbage:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok","records":[{"SoDinhDanh":"0010990",,}`+"\x00\xff garbage")
	case HTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, `<!doctype html><html><head><title>Bảo trì</title></head><body><h1>Hệ thống đang bảo trì</h1></body></html>`)
	case Huge:
		size := f.HugeSize
		if size == 0 {
			size = 50 << 20
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(size+len(`{"x":""}`)))
		_, _ = io.WriteString(w, `{"x":"`)
		chunk := []byte(strings.Repeat("a", 32<<10))
		for left := size; left > 0; left -= len(chunk) {
			if left < len(chunk) {
				chunk = chunk[:left]
			}
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = io.WriteString(w, `"}`)
	default:
		up.ServeHTTP(w, r)
	}
}

// cutWriter forwards the headers (Content-Length kept, so the client
// knows the body is short) and the first left bytes of the body.
type cutWriter struct {
	http.ResponseWriter
	left int
}

func (c *cutWriter) Write(b []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.ErrClosedPipe
	}
	n := min(len(b), c.left)
	c.left -= n
	if _, err := c.ResponseWriter.Write(b[:n]); err != nil {
		return 0, err
	}
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	if n < len(b) {
		return n, io.ErrClosedPipe
	}
	return n, nil
}

// slowWriter forwards the answer rate bytes at a time, one chunk a second.
// It waits before each chunk but the first, never after the last: a
// handler that lingered after its answer would hold the connection, and
// the next request on it (to another system behind the same proxy) would
// look slow too.
type slowWriter struct {
	http.ResponseWriter
	rate      int
	ctx, done <-chan struct{}
	started   bool
}

func (s *slowWriter) Write(b []byte) (int, error) {
	written := 0
	for len(b) > 0 {
		if s.started {
			t := time.NewTimer(time.Second)
			select {
			case <-t.C:
			case <-s.ctx:
				t.Stop()
				return written, io.ErrClosedPipe
			case <-s.done:
				t.Stop()
				return written, io.ErrClosedPipe
			}
		}
		s.started = true
		n := min(len(b), s.rate)
		if _, err := s.ResponseWriter.Write(b[:n]); err != nil {
			return written, err
		}
		written += n
		b = b[n:]
		if f, ok := s.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
	}
	return written, nil
}
