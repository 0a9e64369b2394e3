package httplog

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestServe(t *testing.T) {
	teapot := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	silent := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	if got := Serve(teapot, httptest.NewRecorder(), req); got != http.StatusTeapot {
		t.Errorf("status %d", got)
	}
	if got := Serve(silent, httptest.NewRecorder(), req); got != http.StatusOK {
		t.Errorf("silent handler: %d", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := Serve(silent, httptest.NewRecorder(), req.WithContext(ctx)); got != StatusClientGone {
		t.Errorf("caller gone: %d", got)
	}
}
