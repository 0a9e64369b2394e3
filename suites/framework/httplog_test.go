package framework

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dvcqa/dvcqa/api/portal"
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

// TestHTTPLogPassesLargeAnswersWhole: a 3 MiB dossier list, three times
// what the log reads, reaches the portal client whole and decodes.
func TestHTTPLogPassesLargeAnswersWhole(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"dossiers":[`)
	n := 0
	for b.Len() < 3<<20 {
		if n > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"d%d","code":"000.00.00.H01-260101-%04d","service_id":"DV01","status":"received","note":"%s"}`, n, n%10000, strings.Repeat("x", 200))
		n++
	}
	b.WriteString(`]}`)
	list := b.String()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, list)
	}))
	defer srv.Close()
	log := &httpLog{next: http.DefaultTransport}
	c := &portal.Client{BaseURL: srv.URL, HTTP: &http.Client{Transport: log}}
	ds, err := c.Dossiers(context.Background())
	if err != nil {
		t.Fatalf("a %d-byte dossier list did not decode: %v", len(list), err)
	}
	if len(ds) != n || ds[n-1].ID != fmt.Sprintf("d%d", n-1) {
		t.Errorf("decoded %d dossiers, want %d", len(ds), n)
	}
	if out := log.String(); !strings.Contains(out, "passed on whole") {
		t.Errorf("log line: %s", out)
	}
}

// TestHTTPLogKeepsReadErrors: a body cut short reaches the caller as a cut
// body, and the log line says so too.
func TestHTTPLogKeepsReadErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		_, _ = io.WriteString(w, `{"dossiers":[{"id":"d1"`)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}))
	srv.Config.ErrorLog = nil
	defer srv.Close()
	log := &httpLog{next: http.DefaultTransport}
	c := &portal.Client{BaseURL: srv.URL, HTTP: &http.Client{Transport: log}}
	_, err := c.Dossiers(context.Background())
	if err == nil || !strings.Contains(err.Error(), "body cut after 23 bytes") {
		t.Errorf("error: %v", err)
	}
	if out := log.String(); !strings.Contains(out, "body cut after 23 bytes") {
		t.Errorf("log line: %s", out)
	}
}
