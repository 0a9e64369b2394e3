// Package netreason says what happened on the wire when an HTTP exchange
// fails, in words a QA engineer can pass on to the team that runs the
// system: connection refused, TLS failure (with the reason), timeout
// waiting for headers, timeout reading the body, connection reset, body cut
// after N bytes, body larger than the limit, wrong content type, malformed
// JSON (with the byte offset and a masked excerpt).
//
// It is a leaf package: the api/* clients and the suites' framework both
// use it, so a failure reads the same whichever layer reports it.
package netreason

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	"github.com/dvcqa/dvcqa/internal/redact"
)

// Kind is one wire reason.
type Kind string

// The wire reasons. Those marked "down" prove the other side did not
// answer as a server must (Down): a BLOCKED verdict may rest on them.
const (
	Refused       Kind = "connection refused"                  // down
	TLS           Kind = "TLS failure"                         // down
	HeaderTimeout Kind = "timeout waiting for headers"         // down
	BodyTimeout   Kind = "timeout reading the body"            // down
	Reset         Kind = "connection reset"                    // down
	Cut           Kind = "body cut"                            // down
	Closed        Kind = "connection closed without an answer" // down
	TooLarge      Kind = "body larger than the limit"
	ContentType   Kind = "wrong content type"
	Malformed     Kind = "malformed JSON"
	Cancelled     Kind = "cancelled" // the caller gave up (the spec ended), not the system
	Other         Kind = "transport error"
)

// Error is a failed exchange with its wire reason. It wraps the underlying
// error, so errors.Is(err, syscall.ECONNRESET) and the like still hold.
type Error struct {
	Kind   Kind
	Detail string // e.g. "after 1024 bytes", "at byte 17 near …"
	// Host is the host:port the exchange was with, when known; a TLS
	// failure names it (which server's certificate, which handshake).
	Host string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil && strings.HasPrefix(e.Err.Error(), string(e.Kind)) {
		// Classified twice (http.Client re-wraps a body error as text):
		// say it once.
		return e.Err.Error()
	}
	s := string(e.Kind)
	if e.Host != "" && e.Kind == TLS {
		s += " with " + e.Host
	}
	if e.Detail != "" {
		s += " " + e.Detail
	}
	if e.Err != nil && e.Kind != TLS { // a TLS failure's detail is its reason
		s += " (" + e.Err.Error() + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Down says whether the reason proves the other side down (or cutting its
// answers): refused, TLS failure, timeouts, reset, cut, closed.
func (k Kind) Down() bool {
	switch k {
	case Refused, TLS, HeaderTimeout, BodyTimeout, Reset, Cut, Closed:
		return true
	}
	return false
}

// Of returns the reason an error already carries, or classifies it as a
// failure to get an answer's headers.
func Of(err error) *Error {
	if err == nil {
		return nil
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	return Transport(err)
}

// Transport classifies an error of http.Client.Do / RoundTrip: the request
// got no answer headers.
func Transport(err error) *Error {
	if err == nil {
		return nil
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	var ne net.Error
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Error{Kind: Refused, Err: err}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return &Error{Kind: Reset, Err: err}
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr),
		errors.As(err, &recErr), errors.As(err, &alert), strings.Contains(err.Error(), "tls: "):
		return &Error{Kind: TLS, Detail: "(" + tlsReason(err, false) + ")", Host: urlHost(err), Err: err}
	case errors.Is(err, context.Canceled):
		return &Error{Kind: Cancelled, Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return &Error{Kind: HeaderTimeout, Err: err}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Kind: Closed, Err: err}
	case strings.Contains(err.Error(), "malformed HTTP"):
		return &Error{Kind: Malformed, Detail: "HTTP answer", Err: err}
	}
	return &Error{Kind: Other, Err: err}
}

// TransportTo is Transport for an exchange with host (host:port), which a
// TLS failure names; sentCert says whether the harness had a client
// certificate to present, so that a refused handshake says which of "none
// sent" and "the one sent was refused" it was.
func TransportTo(err error, host string, sentCert bool) *Error {
	e := Transport(err)
	if e == nil || e.Kind != TLS {
		return e
	}
	if e.Host == "" {
		e.Host = host
	}
	e.Detail = "(" + tlsReason(e.Err, sentCert) + ")"
	return e
}

// urlHost is the host of the URL an http.Client error names.
func urlHost(err error) string {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		if u, perr := url.Parse(ue.URL); perr == nil {
			return u.Host
		}
	}
	return ""
}

// tlsReason says why a handshake failed: Go's own words for the
// certificate problem, led by the short reason a QA engineer passes on
// (unknown authority, expired, wrong host name, client certificate).
func tlsReason(err error, sentCert bool) string {
	var unknownCA x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var hostErr x509.HostnameError
	msg := tlsText(err)
	switch {
	case errors.As(err, &unknownCA):
		return "certificate signed by unknown authority: the server's CA is neither a system CA nor in the profile's tls.ca_file/tls.ca_env; " + msg
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return "certificate has expired or is not yet valid: " + msg
	case errors.As(err, &hostErr):
		return "certificate is for another host name: " + msg
	case strings.Contains(msg, "certificate required"), strings.Contains(msg, "bad certificate"),
		strings.Contains(msg, "unknown certificate authority") && !errors.As(err, &unknownCA):
		if sentCert {
			return "bad certificate (client certificate refused: the server does not accept the one in the profile's tls settings): " + msg
		}
		return "bad certificate (client certificate required: the server wants one; set tls.client_cert_file and tls.client_key_file): " + msg
	}
	return msg
}

func tlsText(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, "tls: "); i >= 0 {
		return s[i:]
	}
	if i := strings.LastIndex(s, "x509: "); i >= 0 {
		return s[i:]
	}
	return s
}

// Body classifies an error reading an answer's body after n bytes.
func Body(err error, n int) *Error {
	if err == nil {
		return nil
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	var ne net.Error
	after := fmt.Sprintf("after %d bytes", n)
	switch {
	case errors.Is(err, context.Canceled):
		return &Error{Kind: Cancelled, Detail: after, Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout(),
		strings.Contains(err.Error(), "Client.Timeout"):
		return &Error{Kind: BodyTimeout, Detail: after, Err: err}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return &Error{Kind: Reset, Detail: "while reading the body, " + after, Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &Error{Kind: Cut, Detail: after, Err: err}
	}
	return &Error{Kind: Other, Detail: "reading the body " + after, Err: err}
}

// ReadBody reads a whole answer body of at most limit bytes. A read error
// is classified (Body); an answer longer than limit is TooLarge.
func ReadBody(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return data, Body(err, len(data))
	}
	if int64(len(data)) > limit {
		return data[:limit], &Error{Kind: TooLarge, Detail: fmt.Sprintf("(more than %d bytes)", limit)}
	}
	return data, nil
}

// Read reads resp's body as ReadBody does and checks, for a 2xx answer,
// that it is JSON by content type.
func Read(resp *http.Response, limit int64) ([]byte, error) {
	data, err := ReadBody(resp.Body, limit)
	if err != nil {
		return data, err
	}
	if resp.StatusCode/100 == 2 {
		if err := CheckJSONType(resp.Header.Get("Content-Type"), data); err != nil {
			return data, err
		}
	}
	return data, nil
}

// CheckJSONType refuses an answer whose content type says it is not JSON
// (an HTML error page behind a 200, say). An empty content type passes, and
// so does text/plain on a body that starts as JSON does (a server that let
// Go sniff its JSON).
func CheckJSONType(contentType string, body []byte) error {
	ct := strings.ToLower(strings.TrimSpace(contentType))
	if ct == "" || strings.Contains(ct, "json") {
		return nil
	}
	if t := bytes.TrimSpace(body); strings.HasPrefix(ct, "text/plain") && len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return nil
	}
	return &Error{Kind: ContentType, Detail: fmt.Sprintf("%q, want JSON: %s", contentType, Excerpt(body, 0))}
}

// Decode unmarshals a JSON body into out; a failure says where, with a
// masked excerpt around the offending byte, or that the body ends before
// the JSON does.
func Decode(body []byte, out any) error {
	err := json.Unmarshal(body, out)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return &Error{Kind: Malformed, Detail: "(empty body)", Err: err}
	case err.Error() == "unexpected end of JSON input":
		return &Error{Kind: Malformed, Detail: fmt.Sprintf("(the body ends after %d bytes, before the JSON does: cut?) near %s",
			len(body), Excerpt(body, len(body))), Err: err}
	case errors.As(err, &syn):
		return &Error{Kind: Malformed, Detail: fmt.Sprintf("at byte %d near %s", syn.Offset, Excerpt(body, int(syn.Offset))), Err: err}
	case errors.As(err, &typ):
		return &Error{Kind: Malformed, Detail: fmt.Sprintf("at byte %d: field %q is a JSON %s, want %s", typ.Offset, typ.Field, typ.Value, typ.Type), Err: err}
	}
	return &Error{Kind: Malformed, Detail: "near " + Excerpt(body, 0), Err: err}
}

var masker = redact.NewMasker()

// excerptSpan is how many bytes each side of an offset an excerpt shows.
const excerptSpan = 40

// Excerpt is a masked, quoted piece of body around byte off.
func Excerpt(body []byte, off int) string {
	from, to := max(0, off-excerptSpan), min(len(body), off+excerptSpan)
	if from > to {
		from = to
	}
	s := masker.Text(strings.ToValidUTF8(string(body[from:to]), "�"))
	s = redact.Cut(s, 2*excerptSpan+20)
	pre, post := "", ""
	if from > 0 {
		pre = "…"
	}
	if to < len(body) {
		post = "…"
	}
	return fmt.Sprintf("%q", pre+s+post)
}
