package netreason_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/internal/netreason"
)

// TestReasons: each wire failure is named in words, never as a bare
// "unexpected end of JSON input".
func TestReasons(t *testing.T) {
	closed := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}()
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer silent.Close()
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		_, _ = io.WriteString(w, `{"a":`)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer stall.Close()
	cut := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		_, _ = io.WriteString(w, `{"a":`)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}))
	cut.Config.ErrorLog = nil
	defer cut.Close()
	reset := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, _ := w.(http.Hijacker).Hijack()
		c.(*net.TCPConn).SetLinger(0)
		c.Close()
	}))
	defer reset.Close()
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = nil
	defer tlsSrv.Close()

	// Only the silent and stalled servers need a short timeout; the others
	// answer at once, and a TLS handshake on a loaded machine can take
	// longer than 300 ms.
	short, long := &http.Client{Timeout: 300 * time.Millisecond}, &http.Client{Timeout: 20 * time.Second}
	get := func(url string) error {
		c := long
		if url == silent.URL || url == stall.URL {
			c = short
		}
		resp, err := c.Get(url)
		if err != nil {
			return netreason.Transport(err)
		}
		defer resp.Body.Close()
		_, err = netreason.ReadBody(resp.Body, 1<<10)
		return err
	}
	for _, tc := range []struct {
		name, url string
		want      netreason.Kind
		text      string
	}{
		{"refused", closed, netreason.Refused, "connection refused"},
		{"silent", silent.URL, netreason.HeaderTimeout, "timeout waiting for headers"},
		{"stalled body", stall.URL, netreason.BodyTimeout, "timeout reading the body after 5 bytes"},
		{"cut body", cut.URL, netreason.Cut, "body cut after 5 bytes"},
		{"reset", reset.URL, netreason.Reset, "connection reset"},
		{"tls", tlsSrv.URL, netreason.TLS, "TLS failure with " + strings.TrimPrefix(tlsSrv.URL, "https://") +
			" (certificate signed by unknown authority: the server's CA is neither a system CA nor in the profile's tls.ca_file/tls.ca_env; tls: failed to verify certificate"},
	} {
		err := get(tc.url)
		var e *netreason.Error
		if !errors.As(err, &e) || e.Kind != tc.want || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.text)
			continue
		}
		if !e.Kind.Down() {
			t.Errorf("%s: %s should prove the system down", tc.name, e.Kind)
		}
	}
	if err := netreason.Transport(context.Canceled); err.Kind.Down() {
		t.Errorf("a cancelled request proves nothing: %v", err)
	}
}

func TestBodies(t *testing.T) {
	if _, err := netreason.ReadBody(strings.NewReader(strings.Repeat("a", 11)), 10); err == nil ||
		!strings.Contains(err.Error(), "body larger than the limit (more than 10 bytes)") {
		t.Errorf("too large: %v", err)
	}
	if err := netreason.CheckJSONType("text/html; charset=utf-8", []byte("<html>Bảo trì</html>")); err == nil ||
		!strings.Contains(err.Error(), `wrong content type "text/html; charset=utf-8", want JSON: "<html>Bảo trì</html>"`) {
		t.Errorf("content type: %v", err)
	}
	var v map[string]any
	for body, want := range map[string]string{
		`{"status":"ok","SoDinhDanh":"001099012345",}`: `malformed JSON at byte 44 near "…`,
		`{"status":"ok","records":[`:                   "malformed JSON (the body ends after 26 bytes, before the JSON does: cut?)",
		``:                                             "malformed JSON (empty body)",
		`{"status":42}`:                                `field "Status" is a JSON number`,
	} {
		var err error
		if body == `{"status":42}` {
			var s struct{ Status string }
			err = netreason.Decode([]byte(body), &s)
		} else {
			err = netreason.Decode([]byte(body), &v)
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "001099012345") {
			t.Errorf("excerpt shows a personal ID: %v", err)
		}
	}
}

// TestTransportToNamesHost: an error from a bare RoundTrip (no URL in it)
// still names the host, and a refused handshake says whether a client
// certificate was sent.
func TestTransportToNamesHost(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	srv.Config.ErrorLog = nil
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	_, err := http.DefaultTransport.RoundTrip(req)
	host := strings.TrimPrefix(srv.URL, "https://")
	if e := netreason.TransportTo(err, host, false); e.Kind != netreason.TLS || !strings.HasPrefix(e.Error(), "TLS failure with "+host+" (certificate signed by unknown authority") {
		t.Errorf("got %v", e)
	}
	for sent, want := range map[bool]string{false: "client certificate required", true: "client certificate refused"} {
		e := netreason.TransportTo(errors.New("remote error: tls: certificate required"), "gw.example:443", sent)
		if !strings.Contains(e.Error(), "TLS failure with gw.example:443 (bad certificate ("+want) {
			t.Errorf("sent=%v: %v", sent, e)
		}
	}
	if e := netreason.TransportTo(syscall.ECONNREFUSED, "h:1", false); e.Kind != netreason.Refused || strings.Contains(e.Error(), "h:1") {
		t.Errorf("only a TLS failure gains the host: %v", e)
	}
}
