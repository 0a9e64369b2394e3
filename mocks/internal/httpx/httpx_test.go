package httpx

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

type set map[string]bool

func (s set) Active(name, service, _ string) (string, bool) {
	return "p", s[name+"@"+service] || s[name]
}

func TestAnswers(t *testing.T) {
	for _, c := range []struct {
		name  string
		write func(http.ResponseWriter)
		code  int
		body  string
	}{
		// The bodies are docs/contracts.md's, byte for byte.
		{"health", func(w http.ResponseWriter) { Health(w, "dvcqg") }, 200, `{"status":"ok","system":"dvcqg","version":"mock-1"}` + "\n"},
		{"error", func(w http.ResponseWriter) { Error(w, 404, "not_found", "no record", "Không có dữ liệu", "") }, 404,
			`{"error":{"code":"not_found","message":"no record","message_vi":"Không có dữ liệu"}}` + "\n"},
		{"error with field", func(w http.ResponseWriter) { Error(w, 400, "invalid_request", "bad", "sai", "SoDinhDanh") }, 400,
			`{"error":{"code":"invalid_request","message":"bad","message_vi":"sai","field":"SoDinhDanh"}}` + "\n"},
	} {
		rec := httptest.NewRecorder()
		c.write(rec)
		if rec.Code != c.code || rec.Body.String() != c.body || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("%s: %d %q %q", c.name, rec.Code, rec.Body.String(), rec.Header().Get("Content-Type"))
		}
	}
}

func TestSwitch(t *testing.T) {
	var none Defects
	if On(none, "x") {
		t.Error("a nil set switched a defect on")
	}
	s := set{"a": true, "b@DV09": true}
	if !On(s, "a") || On(s, "b") {
		t.Error("world-wide switches")
	}
	if _, on := Switch(s, "b", "DV09", "01"); !on {
		t.Error("scoped switch")
	}
}
