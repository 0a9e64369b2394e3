package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// One browser for the package's tests, started on first use, as a Ginkgo
// process does.
var (
	sharedOnce sync.Once
	shared     *Browser
	sharedErr  error
	startTook  time.Duration
)

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.Close()
	}
	os.Exit(code)
}

// needBrowser returns the package's browser, skipping the test when no
// Chromium is installed.
func needBrowser(t *testing.T) *Browser {
	t.Helper()
	sharedOnce.Do(func() {
		start := time.Now()
		shared, sharedErr = Start(context.Background(), Options{RemoteURL: os.Getenv(RemoteURLEnv)})
		startTook = time.Since(start)
	})
	if errors.Is(sharedErr, ErrNoChromium) {
		t.Skipf("Chromium is not installed: %v", sharedErr)
	}
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

func newTab(t *testing.T, b *Browser) *Tab {
	t.Helper()
	start := time.Now()
	tab, err := b.NewTab(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("new tab (own browser context) took %s", time.Since(start).Round(time.Millisecond))
	t.Cleanup(tab.Close)
	return tab
}

const vietName = "Nguyễn Thị Bích Ngọc"

// received is what the test server got from the form.
type received struct {
	mu     sync.Mutex
	values map[string]string
	files  map[string][]byte // by file name
}

func (r *received) get() (map[string]string, map[string][]byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.values, r.files
}

func page(title, body string) string {
	return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>` + title + `</title></head><body>` + body + `</body></html>`
}

// testServer serves the small pages the tab tests drive.
func testServer(t testing.TB) (*httptest.Server, *received) {
	t.Helper()
	rec := &received{}
	mux := http.NewServeMux()
	html := func(w http.ResponseWriter, status int, s string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, s)
	}
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		html(w, 200, page("Biểu mẫu", `<h1>Tờ khai</h1>
<form id="f" method="post" action="/submit" enctype="multipart/form-data">
<label for="ho-ten">Họ và tên</label><input id="ho-ten" name="HoTen" type="text">
<label for="go-phim">Gõ phím</label><input id="go-phim" name="GoPhim" type="text">
<label for="ngay-sinh">Ngày sinh</label><input id="ngay-sinh" name="NgaySinh" type="date">
<label for="gioi-tinh">Giới tính</label><select id="gioi-tinh" name="GioiTinh"><option value="">--</option><option value="nam">Nam</option><option value="nu">Nữ</option></select>
<label for="tep">Tệp</label><input id="tep" name="tep" type="file">
<p id="doi">chưa đổi</p>
<button id="gui" type="submit">Gửi</button>
</form>
<script>document.getElementById('ho-ten').addEventListener('change', e => { document.getElementById('doi').textContent = 'đã đổi: ' + e.target.value })</script>`))
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		rec.mu.Lock()
		rec.values, rec.files = map[string]string{}, map[string][]byte{}
		for k, v := range r.MultipartForm.Value {
			rec.values[k] = v[0]
		}
		for _, fhs := range r.MultipartForm.File {
			for _, fh := range fhs {
				f, _ := fh.Open()
				data, _ := io.ReadAll(f)
				f.Close()
				rec.files[fh.Filename] = data
			}
		}
		rec.mu.Unlock()
		html(w, 200, page("Đã nhận", `<p id="ok">Đã nhận hồ sơ</p>`))
	})
	mux.HandleFunc("GET /errors", func(w http.ResponseWriter, r *http.Request) {
		html(w, 200, page("Lỗi", `<h1 id="tieu-de" data-x="1">Trang có lỗi</h1><img src="/missing.png" alt="">
<script>
console.log('bình thường');
console.warn('cảnh báo', 42);
console.error('lỗi thử', {ma: 7, ten: 'Ngọc'}, [1, 2]);
fetch('http://127.0.0.1:1/khong-co').catch(() => {});
</script>
<script>throw new Error('hỏng rồi');</script>`))
	})
	mux.HandleFunc("GET /set-cookie", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "phien", Value: "abc", Path: "/"})
		html(w, 200, page("Cookie", `<p id="cookie">đặt</p>`))
	})
	mux.HandleFunc("GET /cookie", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("phien")
		v := "none"
		if err == nil {
			v = c.Value
		}
		html(w, 200, page("Cookie", `<p id="cookie">`+v+`</p>`))
	})
	mux.HandleFunc("GET /json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ten":"`+vietName+`","so":3}`)
	})
	mux.HandleFunc("GET /favicon.ico", http.NotFound)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, rec
}

func TestFormValuesArriveIntact(t *testing.T) {
	b := needBrowser(t)
	srv, rec := testServer(t)
	tab := newTab(t, b)

	if err := tab.Navigate(srv.URL + "/form"); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		do   func() error
	}{
		{"set name", func() error { return tab.SetValue("#ho-ten", vietName) }},
		{"type name", func() error { return tab.Type("#go-phim", vietName) }},
		{"date", func() error { return tab.SetValue("#ngay-sinh", "1990-02-28") }},
		{"select", func() error { return tab.Select("#gioi-tinh", "nu") }},
		{"upload", func() error { return tab.Upload("#tep", "ảnh chân dung.png", pngBytes()) }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	for sel, want := range map[string]string{"#ho-ten": vietName, "#go-phim": vietName, "#ngay-sinh": "1990-02-28", "#gioi-tinh": "nu"} {
		if got, err := tab.Value(sel); err != nil || got != want {
			t.Errorf("Value(%s) = %q, %v; want %q", sel, got, err, want)
		}
	}
	// SetValue fires change, as typing would.
	if got, _ := tab.Text("#doi"); got != "đã đổi: "+vietName {
		t.Errorf("change handler saw %q", got)
	}
	if err := tab.Select("#gioi-tinh", "khac"); err == nil || !strings.Contains(err.Error(), `no option with value "khac"`) {
		t.Errorf("select of a missing option: %v", err)
	}

	status, err := tab.ClickAndWait("#gui")
	if err != nil || status != 200 {
		t.Fatalf("submit: %d, %v", status, err)
	}
	if got, _ := tab.Text("#ok"); got != "Đã nhận hồ sơ" {
		t.Errorf("after submit the page says %q", got)
	}
	values, files := rec.get()
	want := map[string]string{"HoTen": vietName, "GoPhim": vietName, "NgaySinh": "1990-02-28", "GioiTinh": "nu"}
	for k, v := range want {
		if values[k] != v {
			t.Errorf("server got %s = %q (% x), want %q", k, values[k], values[k], v)
		}
	}
	if !bytes.Equal(files["ảnh chân dung.png"], pngBytes()) {
		t.Errorf("server got files %v, want ảnh chân dung.png with the PNG bytes", keys(files))
	}
}

func TestConsoleExceptionsAndFailedRequests(t *testing.T) {
	b := needBrowser(t)
	srv, _ := testServer(t)
	tab := newTab(t, b)
	if err := tab.Navigate(srv.URL + "/errors"); err != nil {
		t.Fatal(err)
	}
	// The failed fetch settles after the load event: wait for it, not a while.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(strings.Join(tab.Errors(), "\n"), "127.0.0.1:1") && time.Now().Before(deadline) {
		if err := tab.Evaluate(`new Promise(r => setTimeout(r, 20))`, nil); err != nil {
			t.Fatal(err)
		}
	}
	console := strings.Join(tab.Console(), "\n")
	for _, want := range []string{`console.error: lỗi thử {ma: 7, ten: "Ngọc"} [1, 2]`, "console.warning: cảnh báo 42"} {
		if !strings.Contains(console, want) {
			t.Errorf("console lacks %q:\n%s", want, console)
		}
	}
	if strings.Contains(console, "bình thường") {
		t.Errorf("console.log should not be recorded:\n%s", console)
	}
	errs := strings.Join(tab.Errors(), "\n")
	for _, want := range []string{"exception: Uncaught Error: hỏng rồi", "network: 404", "/missing.png", "GET http://127.0.0.1:1/khong-co failed: net::ERR_"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors lack %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, "favicon") {
		t.Errorf("the browser's own favicon request is not a page error:\n%s", errs)
	}
}

func TestEvidence(t *testing.T) {
	b := needBrowser(t)
	srv, _ := testServer(t)
	tab := newTab(t, b)
	if err := tab.Navigate(srv.URL + "/errors"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	paths, err := tab.Evidence(dir, "thử nghiệm/1")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"thử-nghiệm-1.png", "thử-nghiệm-1.html", "thử-nghiệm-1.console.txt"}
	if len(paths) != 3 {
		t.Fatalf("paths = %v, want %v", paths, want)
	}
	for i, p := range paths {
		if filepath.Base(p) != want[i] || filepath.Dir(p) != dir {
			t.Errorf("path %d = %s, want %s in %s", i, p, want[i], dir)
		}
	}
	png, _ := os.ReadFile(paths[0])
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("screenshot is not a PNG: % x", png[:min(8, len(png))])
	}
	html, _ := os.ReadFile(paths[1])
	if !strings.HasPrefix(string(html), "<!DOCTYPE html>") || !strings.Contains(string(html), "Trang có lỗi") {
		t.Errorf("page HTML = %.200s", html)
	}
	console, _ := os.ReadFile(paths[2])
	for _, w := range []string{"# page: " + srv.URL + "/errors", "console.error: lỗi thử", "exception: Uncaught Error: hỏng rồi", "/missing.png"} {
		if !strings.Contains(string(console), w) {
			t.Errorf("console file lacks %q:\n%s", w, console)
		}
	}

	// A closed tab still leaves its log behind.
	tab.Close()
	paths, err = tab.Evidence(dir, "closed")
	if len(paths) != 1 || !strings.HasSuffix(paths[0], "closed.console.txt") || !errors.Is(err, ErrTabClosed) {
		t.Errorf("evidence of a closed tab = %v, %v", paths, err)
	}
}

func TestTabsDoNotShareCookies(t *testing.T) {
	b := needBrowser(t)
	srv, _ := testServer(t)
	one, two := newTab(t, b), newTab(t, b)
	if err := one.Navigate(srv.URL + "/set-cookie"); err != nil {
		t.Fatal(err)
	}
	read := func(tab *Tab) string {
		t.Helper()
		if err := tab.Navigate(srv.URL + "/cookie"); err != nil {
			t.Fatal(err)
		}
		s, err := tab.Text("#cookie")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got := read(one); got != "abc" {
		t.Errorf("the tab that got the cookie sends %q", got)
	}
	if got := read(two); got != "none" {
		t.Errorf("another tab sends the cookie %q: browser contexts leak", got)
	}
}

func TestMissingElementFailsWithinTheStepTimeout(t *testing.T) {
	b := needBrowser(t)
	srv, _ := testServer(t)
	tab := newTab(t, b)
	tab.SetStepTimeout(500 * time.Millisecond)
	if err := tab.Navigate(srv.URL + "/form"); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() error{
		"click":            func() error { return tab.Click("#khong-co") },
		"read the text of": func() error { _, err := tab.Text("#khong-co"); return err },
		"set the value of": func() error { return tab.SetValue("#khong-co", "x") },
	} {
		start := time.Now()
		err := f()
		took := time.Since(start)
		var se *StepError
		if !errors.As(err, &se) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: want a StepError wrapping DeadlineExceeded, got %T %v", name, err, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, name+` "#khong-co"`) || !strings.Contains(msg, "step timeout (500ms)") {
			t.Errorf("%s: error %q should name the step, the selector and the timeout", name, msg)
		}
		if took > 2*time.Second {
			t.Errorf("%s: took %s with a 500ms step timeout", name, took)
		}
	}
	// The tab is still usable after a timed-out step.
	if !tab.Exists("#ho-ten") || tab.Exists("#khong-co") {
		t.Error("Exists after a timeout")
	}
}

func TestReadingThePage(t *testing.T) {
	b := needBrowser(t)
	srv, _ := testServer(t)
	tab := newTab(t, b)
	status, err := tab.NavigateStatus(srv.URL + "/errors")
	if err != nil || status != 200 {
		t.Fatalf("navigate: %d, %v", status, err)
	}
	start := time.Now()
	if tab.Exists("#khong-co") || !tab.Exists("#tieu-de") {
		t.Error("Exists")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Exists waited %s", d)
	}
	if v, ok, err := tab.Attr("#tieu-de", "data-x"); v != "1" || !ok || err != nil {
		t.Errorf("Attr = %q, %v, %v", v, ok, err)
	}
	if v, ok, err := tab.Attr("#tieu-de", "data-y"); v != "" || ok || err != nil {
		t.Errorf("missing Attr = %q, %v, %v", v, ok, err)
	}
	if err := tab.WaitVisible("#tieu-de"); err != nil {
		t.Error(err)
	}
	if loc, err := tab.Location(); loc != srv.URL+"/errors" || err != nil {
		t.Errorf("Location = %q, %v", loc, err)
	}
	var obj struct {
		A int    `json:"a"`
		B string `json:"b"`
	}
	if err := tab.Evaluate(`({a: 1 + 2, b: document.title})`, &obj); err != nil || obj.A != 3 || obj.B != "Lỗi" {
		t.Errorf("Evaluate = %+v, %v", obj, err)
	}
	var fetched struct {
		Ten string `json:"ten"`
	}
	if err := tab.EvaluatePromise(`fetch('/json').then(r => r.json())`, &fetched); err != nil || fetched.Ten != vietName {
		t.Errorf("EvaluatePromise = %+v, %v", fetched, err)
	}
	if err := tab.Evaluate(`undefined`, &obj); err != nil {
		t.Errorf("Evaluate(undefined): %v", err)
	}
	if err := tab.Evaluate(`throw new Error('xấu')`, nil); err == nil || !strings.Contains(err.Error(), "xấu") {
		t.Errorf("Evaluate of a throwing script: %v", err)
	}
	if html, err := tab.HTML(); err != nil || !strings.Contains(html, `<h1 id="tieu-de" data-x="1">Trang có lỗi</h1>`) {
		t.Errorf("HTML = %.300s, %v", html, err)
	}
	if err := tab.Evaluate(`document.getElementById('tieu-de').textContent = 'đổi'`, nil); err != nil {
		t.Fatal(err)
	}
	if err := tab.Reload(); err != nil {
		t.Fatal(err)
	}
	if s, err := tab.Text("#tieu-de"); s != "Trang có lỗi" || err != nil {
		t.Errorf("after Reload the heading is %q, %v", s, err)
	}
	var lang string
	if err := tab.Evaluate(`navigator.language`, &lang); err != nil || (lang != "vi-VN" && !b.Remote()) {
		t.Errorf("navigator.language = %q, %v; want vi-VN", lang, err)
	}
	if png, err := tab.Screenshot(); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("Screenshot: %v", err)
	}
}

func TestStartWithoutChromium(t *testing.T) {
	_, err := Start(context.Background(), Options{ExecPath: "/khong-co/chromium"})
	if !errors.Is(err, ErrNoChromium) || !strings.Contains(err.Error(), "apt-get install -y chromium fonts-liberation2") ||
		!strings.Contains(err.Error(), RemoteURLEnv) {
		t.Errorf("want ErrNoChromium saying what to install, got %v", err)
	}
}

func TestStartFailureIsExplained(t *testing.T) {
	// A binary that exits at once: Chromium "fails to start".
	fake := filepath.Join(t.TempDir(), "chromium")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'không khởi động được' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := Start(context.Background(), Options{ExecPath: fake})
	if err == nil || !strings.Contains(err.Error(), "start Chromium "+fake) || !strings.Contains(err.Error(), "apt-get install") {
		t.Fatalf("want an error naming the binary and the fix, got %v", err)
	}
	if !strings.Contains(err.Error(), "không khởi động được") {
		t.Errorf("the error should include Chromium's output: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("failing took %s", d)
	}
}

func TestProcessRemembersFailure(t *testing.T) {
	p := &Process{}
	_, err1 := p.Get(Options{ExecPath: "/khong-co/chromium"})
	_, err2 := p.Get(Options{}) // would work, but a failed start is final
	if err1 == nil || err2 != err1 {
		t.Errorf("second Get = %v, want the first error %v", err2, err1)
	}
	p.Close()
	if _, err := p.Get(Options{}); err != err1 {
		t.Errorf("after Close: %v", err)
	}
}

func TestProcessStartsOnceAndPID(t *testing.T) {
	needBrowser(t) // skip without Chromium
	p := &Process{}
	b1, err := p.Get(Options{})
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := p.Get(Options{StepTimeout: time.Second})
	if b1 != b2 {
		t.Error("Get started a second browser")
	}
	pid := b1.PID()
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); pid <= 0 || err != nil {
		t.Errorf("PID %d: %v", pid, err)
	}
	tmp := b1.tmpDir
	if err := p.Close(); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary folder %s left behind: %v", tmp, err)
	}
	if _, err := p.Get(Options{}); err == nil {
		t.Error("Get after Close should fail")
	}
}

func TestStartupCost(t *testing.T) {
	b := needBrowser(t)
	t.Logf("starting Chromium took %s (pid %d)", startTook.Round(time.Millisecond), b.PID())
}

func TestEvidenceName(t *testing.T) {
	for _, tt := range []struct {
		text    string
		attempt int
		prefix  string
	}{
		{"DV07 Đăng ký khai sinh [service:DV07] nộp hồ sơ/thanh toán", 2, "DV07-Đăng-ký-khai-sinh-service-DV07-nộp-hồ-sơ-thanh-toán-"},
		{"../../etc/passwd", 1, "etc-passwd-"},
		{"", 0, "spec-"},
	} {
		got := EvidenceName(tt.text, tt.attempt)
		if !strings.HasPrefix(got, tt.prefix) || !strings.HasSuffix(got, fmt.Sprintf("-attempt%d", max(tt.attempt, 1))) {
			t.Errorf("EvidenceName(%q, %d) = %q", tt.text, tt.attempt, got)
		}
	}
	long := strings.Repeat("rất dài ", 40)
	a, b := EvidenceName(long+"một", 1), EvidenceName(long+"hai", 1)
	if a == b || len([]rune(a)) > 110 {
		t.Errorf("long names: %q, %q", a, b)
	}
}

func pngBytes() []byte {
	return []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x00IEND\xaeB`\x82")
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
