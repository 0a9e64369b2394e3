// Package httplog is the request-log plumbing the mock servers share: what
// status a handler answered, including callers that went away.
package httplog

import "net/http"

// StatusClientGone is logged when the caller went away before an answer
// was written (nginx's 499).
const StatusClientGone = 499

// Serve runs h and returns the status it answered.
func Serve(h http.Handler, w http.ResponseWriter, r *http.Request) int {
	rec := &recorder{ResponseWriter: w}
	h.ServeHTTP(rec, r)
	switch {
	case rec.status != 0:
		return rec.status
	case r.Context().Err() != nil:
		return StatusClientGone
	}
	return http.StatusOK
}

// recorder remembers the status a handler wrote.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}
