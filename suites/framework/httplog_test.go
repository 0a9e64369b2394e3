package framework

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dvcqa/dvcqa/suites/framework/pii"
)

// TestHTTPLogMasksBeforeCutting: the excerpt carries no relative's name,
// date of birth or address, is cut on a character boundary, and the caller
// still reads the whole answer, also one longer than the log reads.
func TestHTTPLogMasksBeforeCutting(t *testing.T) {
	record := `{"database":"population","records":[{"HoTenMe":"Hồ Diệu Yến","HoTenVoChong":"Lê Na","NgayThangNamSinh":"1968-07-22",` +
		`"NoiOHienTai":"Số 2, thôn Tây, Xã Vĩnh Thành, Hà Nội","LyDo":"` + strings.Repeat("đư", 300) + `"}]}`
	big := `{"x":"` + strings.Repeat("a", httpLogRead+10) + `"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/big" {
			_, _ = io.WriteString(w, big)
			return
		}
		_, _ = io.WriteString(w, record)
	}))
	defer srv.Close()
	log := &httpLog{next: http.DefaultTransport}
	c := &http.Client{Transport: log}
	for path, want := range map[string]string{"/records": record, "/big": big} {
		resp, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || string(got) != want {
			t.Errorf("%s: the caller read %d bytes (%v), want the whole answer of %d", path, len(got), err, len(want))
		}
	}
	out := log.String()
	for _, leak := range []string{"Hồ Diệu Yến", "Lê Na", "1968-07-22", "thôn Tây"} {
		if strings.Contains(out, leak) {
			t.Errorf("the HTTP excerpt shows %q: %s", leak, out)
		}
	}
	if !utf8.ValidString(out) || !strings.Contains(out, "[họ tên") || !strings.Contains(out, "GET /records → 200") {
		t.Errorf("excerpt: %s", out)
	}
	// The two-word name, which no shape rule finds, is now known.
	if m := pii.Mask("spouse Lê Na"); strings.Contains(m, "Lê Na") {
		t.Errorf("a name read through the log is not known to the pii set: %s", m)
	}
}
