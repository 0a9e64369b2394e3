package browser

import (
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fakeBackoffice is the smallest back office that follows
// docs/officers.md's web pages for one dossier: login with a session
// cookie, the list, the dossier page with one button per allowed action
// and a note, POST-redirect-GET with the notice or the alert.
type fakeBackoffice struct {
	srv *httptest.Server

	mu    sync.Mutex
	state string
	notes []string
}

const boCode = "000.00.00.H01-261201-0001"

// boNext is the fake's own tiny table (receive and assign only).
var boNext = map[string]map[string]string{"submitted": {"receive": "accepted", "refuse": "rejected"}, "accepted": {"assign": "processing"}}

func newFakeBackoffice(t *testing.T) *fakeBackoffice {
	f := &fakeBackoffice{state: "submitted"}
	mux := http.NewServeMux()
	base := "/portal/01/backoffice"
	in := func(r *http.Request) bool { c, err := r.Cookie("phien-can-bo"); return err == nil && c.Value == "ok" }
	write := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page("Một cửa", body))
	}
	mux.HandleFunc("GET "+base+"/dang-nhap", func(w http.ResponseWriter, r *http.Request) {
		msg := ""
		if r.URL.Query().Get("loi") != "" {
			msg = `<p id="loi-dang-nhap" role="alert">Sai tên đăng nhập hoặc mật khẩu</p>`
		}
		write(w, msg+`<form method="post"><input id="ten-dang-nhap" name="u"><input id="mat-khau" name="p" type="password">
<button id="dang-nhap-can-bo">Đăng nhập</button></form>`)
	})
	mux.HandleFunc("POST "+base+"/dang-nhap", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("u") != "canbo.01" || r.FormValue("p") != "pw" {
			http.Redirect(w, r, base+"/dang-nhap?loi=1", http.StatusSeeOther)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "phien-can-bo", Value: "ok", Path: base})
		http.Redirect(w, r, base+"/ho-so", http.StatusSeeOther)
	})
	mux.HandleFunc("GET "+base+"/ho-so", func(w http.ResponseWriter, r *http.Request) {
		if !in(r) {
			http.Redirect(w, r, base+"/dang-nhap", http.StatusSeeOther)
			return
		}
		write(w, `<table id="danh-sach-ho-so"><tr data-ma-ho-so="`+boCode+`"><td><a class="mo-ho-so" href="`+base+`/ho-so/`+boCode+`">`+boCode+`</a></td></tr></table>`)
	})
	mux.HandleFunc("GET "+base+"/ho-so/{code}", func(w http.ResponseWriter, r *http.Request) {
		if !in(r) || r.PathValue("code") != boCode {
			http.NotFound(w, r)
			return
		}
		f.mu.Lock()
		st := f.state
		f.mu.Unlock()
		var b strings.Builder
		switch q := r.URL.Query(); {
		case q.Get("xong") != "":
			b.WriteString(`<p id="thong-bao" role="status">Đã ` + html.EscapeString(q.Get("xong")) + `</p>`)
		case q.Get("loi") != "":
			b.WriteString(`<p id="loi-thao-tac" role="alert">Không được phép</p>`)
		}
		b.WriteString(`<h1 id="ma-ho-so">` + boCode + `</h1><p id="trang-thai" data-trang-thai="` + st + `">` + st + `</p>`)
		if st != "submitted" {
			b.WriteString(`<p id="han-tra"><time datetime="2026-12-04T17:00:00+07:00">04/12/2026 17:00</time></p>`)
		}
		b.WriteString(`<form method="post"><textarea id="ghi-chu" name="ghi_chu"></textarea>`)
		var acts []string
		for a := range boNext[st] {
			acts = append(acts, a)
		}
		slices.Sort(acts)
		for _, a := range acts {
			b.WriteString(`<button name="thao_tac" value="` + a + `" data-thao-tac="` + a + `">` + a + `</button>`)
		}
		if st == "accepted" {
			// A button the back office then refuses (a stale page, say).
			b.WriteString(`<button name="thao_tac" value="refuse" data-thao-tac="refuse">refuse</button>`)
		}
		b.WriteString(`</form>`)
		write(w, b.String())
	})
	mux.HandleFunc("POST "+base+"/ho-so/{code}", func(w http.ResponseWriter, r *http.Request) {
		a := r.FormValue("thao_tac")
		f.mu.Lock()
		to, ok := boNext[f.state][a]
		if ok {
			f.state = to
			f.notes = append(f.notes, r.FormValue("ghi_chu"))
		}
		f.mu.Unlock()
		target := base + "/ho-so/" + boCode + "?xong=" + a
		if !ok {
			target = base + "/ho-so/" + boCode + "?loi=1"
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// TestBackofficeOfficerJourney walks the page object as the web officer
// driver does: a refused login, login, open from the list, read, act with
// a note, an action the page offers no button for, and one it refuses.
func TestBackofficeOfficerJourney(t *testing.T) {
	b := needBrowser(t)
	fb := newFakeBackoffice(t)
	p := &Backoffice{Tab: newTab(t, b), Base: fb.srv.URL + "/portal/01/backoffice", P: &mockProfile(t).Backoffice}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	if err := p.Login("canbo.01", "wrong"); err == nil || !strings.Contains(err.Error(), "Sai tên đăng nhập") {
		t.Errorf("a wrong password: %v, want the page's message", err)
	}
	must("login", p.Login("canbo.01", "pw"))
	must("open from the list", p.Open(boCode))
	if err := p.Open("000.00.00.H01-261201-9999"); err == nil || !strings.Contains(err.Error(), "the list has no row") {
		t.Errorf("open an unlisted dossier: %v", err)
	}
	must("go to the dossier", p.Goto(boCode))
	page, err := p.Read([]string{"receive", "assign", "sign", "refuse"})
	must("read", err)
	if page.Code != boCode || page.Status != "submitted" || !slices.Equal(page.Actions, []string{"receive", "refuse"}) || page.Appointment != "" {
		t.Errorf("submitted dossier page read as %+v", page)
	}
	after, err := p.Act("receive", "Tiếp nhận hồ sơ (dvcqa)")
	must("receive", err)
	if after.Status != "accepted" || after.Notice != "Đã receive" || after.AppointmentDatetime != "2026-12-04T17:00:00+07:00" || after.Appointment != "04/12/2026 17:00" {
		t.Errorf("after receive: %+v", after)
	}
	fb.mu.Lock()
	notes := slices.Clone(fb.notes)
	fb.mu.Unlock()
	if !slices.Equal(notes, []string{"Tiếp nhận hồ sơ (dvcqa)"}) {
		t.Errorf("notes sent %q", notes)
	}
	if _, err := p.Act("return", ""); !errors.Is(err, ErrActionNotOffered) {
		t.Errorf("an action without a button: %v, want ErrActionNotOffered", err)
	}
	if _, err := p.Act("refuse", ""); err == nil || !strings.Contains(err.Error(), "refused: Không được phép") {
		t.Errorf("an action the back office refuses: %v, want the page's alert", err)
	}
}
