package browser

import (
	"bytes"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
)

const (
	citizenID   = "001190000123"
	citizenPass = "mật-khẩu"
	dossierID   = "HS0001"
)

// fakePortal is the smallest server that follows docs/web.md for one
// service (DV01), one citizen and one dossier: home and search, SSO login
// with redirects, the form (prefilled field, date, select, textarea,
// attachment, 422 on errors), review, submit, payment on another "system",
// status changes, result and its signed JSON.
type fakePortal struct {
	srv *httptest.Server

	mu        sync.Mutex
	values    map[string]string
	files     map[string][]byte
	status    string
	paidAt    time.Time
	submitOff bool // the submit-disabled defect
}

func (f *fakePortal) base() string { return f.srv.URL + "/portal/01" }

func (f *fakePortal) statusNow() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	// The result is delivered a moment after payment: WaitStatus must poll.
	if f.status == "processing" && time.Since(f.paidAt) > 300*time.Millisecond {
		f.status = "delivered"
	}
	return f.status
}

func newFakePortal(t *testing.T) *fakePortal {
	f := &fakePortal{}
	mux := http.NewServeMux()
	loggedIn := func(r *http.Request) bool {
		c, err := r.Cookie("phien")
		return err == nil && c.Value == "s1"
	}
	render := func(w http.ResponseWriter, r *http.Request, status int, title, body string) {
		head := `<a id="dang-nhap" href="/portal/01/dang-nhap?next=` + url.QueryEscape(r.URL.Path) + `">Đăng nhập bằng VNeID</a>`
		if loggedIn(r) {
			head = `<span id="nguoi-dung">Nguyễn Thị Bích Ngọc</span> <a id="ho-so-cua-toi" href="/portal/01/ho-so">Hồ sơ của tôi</a>`
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, page(title, `<header>Cổng dịch vụ công Hà Nội `+head+`</header><main>`+body+`</main>`))
	}
	p := "/portal/01"

	mux.HandleFunc("GET "+p+"/{$}", func(w http.ResponseWriter, r *http.Request) {
		q := strings.ToLower(r.URL.Query().Get("q"))
		items := ""
		for _, s := range []struct{ id, name string }{{"DV01", "Đăng ký khai sinh"}, {"DV02", "Cấp phiếu lý lịch tư pháp"}} {
			if q == "" || strings.Contains(strings.ToLower(s.name), q) {
				items += `<li><a data-service-id="` + s.id + `" href="` + p + `/dich-vu/` + s.id + `">` + s.name + `</a></li>`
			}
		}
		render(w, r, 200, "Trang chủ", `<form role="search"><label for="tim-kiem">Tìm kiếm dịch vụ công</label>
<input id="tim-kiem" name="q" value="`+html.EscapeString(q)+`"><button id="nut-tim-kiem">Tìm kiếm</button></form><ul id="danh-sach-dich-vu">`+items+`</ul>`)
	})
	mux.HandleFunc("GET "+p+"/dich-vu/DV01", func(w http.ResponseWriter, r *http.Request) {
		render(w, r, 200, "DV01", `<h1>Đăng ký khai sinh</h1><dl><dt>Phí, lệ phí</dt><dd id="le-phi"> 150.000 ₫ </dd><dt>Thời hạn giải quyết</dt><dd id="thoi-han">5 ngày làm việc</dd></dl>`+
			`<ul id="thanh-phan-ho-so"><li>Giấy chứng sinh (bắt buộc)</li><li>  Giấy tờ khác (nếu có)</li></ul><a id="nop-ho-so" href="`+p+`/ho-so/moi/DV01">Nộp hồ sơ trực tuyến</a>`)
	})
	mux.HandleFunc("GET "+p+"/dang-nhap", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/sso/authorize?next="+url.QueryEscape(r.URL.Query().Get("next")), http.StatusFound)
	})
	mux.HandleFunc("GET /sso/authorize", func(w http.ResponseWriter, r *http.Request) {
		render(w, r, 200, "VNeID", `<form method="post" action="/sso/authorize?next=`+url.QueryEscape(r.URL.Query().Get("next"))+`">
<label for="u">Số định danh</label><input id="u" name="username"><label for="pw">Mật khẩu</label><input id="pw" name="password" type="password">
<button type="submit">Đăng nhập</button></form>`)
	})
	mux.HandleFunc("POST /sso/authorize", func(w http.ResponseWriter, r *http.Request) {
		if r.PostFormValue("username") != citizenID || r.PostFormValue("password") != citizenPass {
			http.Error(w, "sai mật khẩu", http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, p+"/auth/callback?code=c1&next="+url.QueryEscape(r.URL.Query().Get("next")), http.StatusFound)
	})
	mux.HandleFunc("GET "+p+"/auth/callback", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "phien", Value: "s1", Path: p, HttpOnly: true})
		http.Redirect(w, r, r.URL.Query().Get("next"), http.StatusSeeOther)
	})

	formPage := func(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, errs map[string]string) {
		field := func(name, label, control string) string {
			s := `<label for="f-` + name + `">` + label + `</label>` + control
			if e := errs[name]; e != "" {
				s += `<p id="loi-` + name + `" class="loi" role="alert">` + e + `</p>`
			}
			return s
		}
		v := func(k string) string { return html.EscapeString(vals[k]) }
		sel := func(o string) string {
			if vals["GioiTinh"] == o {
				return " selected"
			}
			return ""
		}
		render(w, r, status, "Tờ khai", `<form id="form-ho-so" method="post" enctype="multipart/form-data">`+
			field("HoVaTen", "Họ và tên", `<input id="f-HoVaTen" name="HoVaTen" value="Nguyễn Thị Bích Ngọc" readonly data-prefilled="true"> Dữ liệu từ CSDL quốc gia`)+
			field("NgaySinh", "Ngày sinh", `<input id="f-NgaySinh" name="NgaySinh" type="date" required value="`+v("NgaySinh")+`">`)+
			field("GioiTinh", "Giới tính", `<select id="f-GioiTinh" name="GioiTinh"><option value="nam"`+sel("nam")+`>Nam</option><option value="nu"`+sel("nu")+`>Nữ</option></select>`)+
			field("GhiChu", "Ghi chú", `<textarea id="f-GhiChu" name="GhiChu">`+v("GhiChu")+`</textarea>`)+
			`<label for="tep-giay_chung_sinh">Giấy chứng sinh</label><input type="file" id="tep-giay_chung_sinh" name="giay_chung_sinh" accept="application/pdf">`+
			`<button id="xem-lai" name="action" value="review">Xem lại hồ sơ</button></form>`)
	}
	mux.HandleFunc("GET "+p+"/ho-so/moi/DV01", func(w http.ResponseWriter, r *http.Request) {
		if !loggedIn(r) {
			http.Redirect(w, r, p+"/dang-nhap?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
			return
		}
		formPage(w, r, 200, nil, nil)
	})
	mux.HandleFunc("POST "+p+"/ho-so/moi/DV01", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil || !loggedIn(r) {
			http.Error(w, "bad", 400)
			return
		}
		vals := map[string]string{}
		for k, v := range r.MultipartForm.Value {
			vals[k] = v[0]
		}
		if vals["action"] == "submit" {
			f.mu.Lock()
			f.values, f.status = vals, "payment_required"
			f.mu.Unlock()
			http.Redirect(w, r, p+"/ho-so/"+dossierID, http.StatusSeeOther)
			return
		}
		errs := map[string]string{}
		if vals["NgaySinh"] == "" {
			errs["NgaySinh"] = "Ngày sinh là trường bắt buộc"
		}
		fhs := r.MultipartForm.File["giay_chung_sinh"]
		if len(fhs) == 0 {
			errs["giay_chung_sinh"] = "thiếu tệp"
		}
		if len(errs) > 0 {
			formPage(w, r, http.StatusUnprocessableEntity, vals, errs)
			return
		}
		file, _ := fhs[0].Open()
		data, _ := io.ReadAll(file)
		file.Close()
		f.mu.Lock()
		f.files = map[string][]byte{fhs[0].Filename: data}
		disabled := ""
		if f.submitOff {
			disabled = " disabled"
		}
		f.mu.Unlock()
		hidden := ""
		for k, v := range vals {
			if k != "action" {
				hidden += `<input type="hidden" name="` + k + `" value="` + html.EscapeString(v) + `">`
			}
		}
		render(w, r, 200, "Xem lại", `<section id="xem-lai-ho-so"><h1>Xem lại hồ sơ</h1><dl><dt>Ngày sinh</dt><dd>`+html.EscapeString(vals["NgaySinh"])+`</dd></dl>
<form method="post" enctype="multipart/form-data">`+hidden+`<button id="nop" name="action" value="submit"`+disabled+`>Nộp hồ sơ</button></form></section>`)
	})
	mux.HandleFunc("GET "+p+"/ho-so/"+dossierID, func(w http.ResponseWriter, r *http.Request) {
		st := f.statusNow()
		extra := ""
		switch st {
		case "payment_required":
			extra = `<form method="post" action="` + p + `/ho-so/` + dossierID + `/thanh-toan"><button id="thanh-toan">Thanh toán lệ phí</button></form>`
		case "delivered":
			extra = `<a id="tai-ket-qua" href="` + p + `/ho-so/` + dossierID + `/ket-qua">Xem và tải kết quả</a>`
		}
		render(w, r, 200, "Hồ sơ", `<h1>Hồ sơ <span id="ma-ho-so">`+dossierID+`</span></h1><p id="trang-thai" data-status="`+st+`">Nhãn `+st+`</p><p id="ngay-hen-tra">05/12/2026 16:30</p><ol id="lich-su"><li>Mới tiếp nhận</li></ol>`+extra)
	})
	mux.HandleFunc("POST "+p+"/ho-so/"+dossierID+"/thanh-toan", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/payment/pay?MaThamChieu=TT1", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /payment/pay", func(w http.ResponseWriter, r *http.Request) {
		render(w, r, 200, "Cổng thanh toán", `<form method="post"><p>135.000 ₫</p><button name="action" value="confirm">Xác nhận thanh toán</button></form>`)
	})
	mux.HandleFunc("POST /payment/pay", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.status, f.paidAt = "processing", time.Now()
		f.mu.Unlock()
		http.Redirect(w, r, p+"/payment/return?MaThamChieu=TT1&TrangThaiGD=00", http.StatusFound)
	})
	mux.HandleFunc("GET "+p+"/payment/return", func(w http.ResponseWriter, r *http.Request) {
		render(w, r, 200, "Kết quả thanh toán", `<h1>Thanh toán thành công</h1><a id="xem-ho-so" href="`+p+`/ho-so/`+dossierID+`">Xem hồ sơ</a>`)
	})
	mux.HandleFunc("GET "+p+"/ho-so/"+dossierID+"/ket-qua", func(w http.ResponseWriter, r *http.Request) {
		render(w, r, 200, "Kết quả", `<h1>Giấy khai sinh</h1><p id="so-van-ban">123/GKS</p>
<p id="nguoi-nhan-so-dinh-danh">`+citizenID+`</p><p id="nguoi-nhan-ho-ten">Nguyễn Thị Bích Ngọc</p>
<a id="tep-ky-so" href="`+p+`/ho-so/`+dossierID+`/ket-qua.pdf">Tải văn bản điện tử có ký số</a>`)
	})
	mux.HandleFunc("GET "+p+"/ho-so/"+dossierID+"/ket-qua.pdf", func(w http.ResponseWriter, r *http.Request) {
		if !loggedIn(r) {
			http.Error(w, "cần đăng nhập", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="ket-qua.pdf"`)
		_, _ = w.Write(signedFile)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// signedFile stands for a signed PDF: bytes that are no UTF-8 text (a NUL,
// 0xFF), which the download must hand over exactly.
var signedFile = []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n\x00\xff\x80 binary body\n%%EOF\n")

func mockProfile(t *testing.T) *fixtures.PortalProfile {
	t.Helper()
	p, err := fixtures.DefaultPortalProfile()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPortalCitizenJourney walks the page object through a whole dossier,
// in the order a browser spec does.
func TestPortalCitizenJourney(t *testing.T) {
	b := needBrowser(t)
	fp := newFakePortal(t)
	p := &Portal{Tab: newTab(t, b), Base: fp.base(), P: mockProfile(t)}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	must("home", p.Home())
	must("search", p.Search("khai sinh"))
	if !p.ServiceListed("DV01") || p.ServiceListed("DV02") {
		t.Errorf("search for khai sinh: DV01 listed %v, DV02 listed %v", p.ServiceListed("DV01"), p.ServiceListed("DV02"))
	}
	must("login", p.Login(citizenID, citizenPass))
	if name, err := p.UserName(); name != vietName || err != nil {
		t.Errorf("user name = %q, %v", name, err)
	}
	must("open service", p.OpenService("DV01"))
	if d, err := p.ServiceDetails(); err != nil || d.Fee != "150.000 ₫" || d.ProcessingTime != "5 ngày làm việc" ||
		strings.Join(d.Attachments, "|") != "Giấy chứng sinh (bắt buộc)|Giấy tờ khác (nếu có)" {
		t.Errorf("ServiceDetails = %+v, %v", d, err)
	}
	must("start dossier", p.StartDossier())

	if !p.FieldPrefilled("HoVaTen") || p.FieldPrefilled("NgaySinh") {
		t.Error("FieldPrefilled: HoVaTen is prefilled, NgaySinh is not")
	}
	if v, err := p.FieldValue("HoVaTen"); v != vietName || err != nil {
		t.Errorf("prefilled HoVaTen = %q, %v", v, err)
	}

	// The browser would refuse the empty required date...
	if msg, err := p.ValidationMessage("NgaySinh"); msg == "" || err != nil {
		t.Errorf("ValidationMessage(NgaySinh) = %q, %v", msg, err)
	} else {
		t.Logf("the browser says: %s", msg)
	}
	if msg, err := p.ValidationMessage("GioiTinh"); msg != "" || err != nil {
		t.Errorf("ValidationMessage of a valid field = %q, %v", msg, err)
	}
	// ...but Review lets the portal validate, and it sends the form back.
	must("review an incomplete form", p.Review())
	if p.OnReviewPage() {
		t.Fatal("an incomplete form reached the review page")
	}
	start := time.Now()
	if _, err := p.SubmitButtonEnabled(); !errors.Is(err, ErrFormRejected) || !strings.Contains(err.Error(), "Ngày sinh là trường bắt buộc") || time.Since(start) > time.Second {
		t.Errorf("SubmitButtonEnabled on the rejected form = %v after %s, want ErrFormRejected quoting the error", err, time.Since(start))
	}
	if msg, err := p.FieldError("NgaySinh"); msg != "Ngày sinh là trường bắt buộc" || err != nil {
		t.Errorf("FieldError(NgaySinh) = %q, %v", msg, err)
	}
	if msg, err := p.FieldError("GioiTinh"); msg != "" || err != nil {
		t.Errorf("FieldError of a valid field = %q, %v", msg, err)
	}

	note := "Con thứ hai, sinh tại Bệnh viện Phụ sản Hà Nội"
	must("date", p.FillField(fixtures.Field{Name: "NgaySinh", Type: "date"}, "2025-07-01"))
	must("select", p.FillField(fixtures.Field{Name: "GioiTinh", Type: "select"}, "nu"))
	must("textarea", p.FillField(fixtures.Field{Name: "GhiChu", Type: "textarea"}, note))
	pdf := []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	must("attach", p.Attach("giay_chung_sinh", "giấy chứng sinh.pdf", "application/pdf", pdf))
	must("review", p.Review())
	if ok, err := p.SubmitButtonEnabled(); !ok || err != nil {
		t.Errorf("SubmitButtonEnabled = %v, %v", ok, err)
	}
	must("submit", p.Submit())

	fp.mu.Lock()
	values, files := fp.values, fp.files
	fp.mu.Unlock()
	for k, want := range map[string]string{"HoVaTen": vietName, "NgaySinh": "2025-07-01", "GioiTinh": "nu", "GhiChu": note} {
		if values[k] != want {
			t.Errorf("portal got %s = %q, want %q", k, values[k], want)
		}
	}
	if !bytes.Equal(files["giấy chứng sinh.pdf"], pdf) {
		t.Errorf("portal got files %v", keys(files))
	}

	if code, err := p.DossierCode(); code != dossierID || err != nil {
		t.Errorf("DossierCode = %q, %v", code, err)
	}
	if st, err := p.Status(); st != "payment_required" || err != nil {
		t.Errorf("Status = %q, %v", st, err)
	}
	if l, err := p.StatusLabel(); l != "Nhãn payment_required" || err != nil {
		t.Errorf("StatusLabel = %q, %v", l, err)
	}
	if a, err := p.AppointmentText(); a != "05/12/2026 16:30" || err != nil {
		t.Errorf("AppointmentText = %q, %v", a, err)
	}
	must("pay", p.Pay())
	must("wait delivered", p.WaitStatus("delivered", 5*time.Second))
	must("open result", p.OpenResult())
	id, name, err := p.ResultApplicant()
	if id != citizenID || name != vietName || err != nil {
		t.Errorf("ResultApplicant = %q, %q, %v", id, name, err)
	}
	raw, err := p.SignedResult()
	must("signed result", err)
	if !bytes.Equal(raw, signedFile) {
		t.Errorf("signed result = %q, want the served bytes %q", raw, signedFile)
	}
	if errs := p.Tab.Errors(); len(errs) != 1 || !strings.Contains(errs[0], "422") {
		t.Errorf("the journey's only page error should be the 422 of the rejected form, got %v", errs)
	}
}

func TestPortalSubmitDisabledAndTimeouts(t *testing.T) {
	b := needBrowser(t)
	fp := newFakePortal(t)
	fp.submitOff = true
	p := &Portal{Tab: newTab(t, b), Base: fp.base(), P: mockProfile(t)}
	p.Tab.SetStepTimeout(2 * time.Second)
	if err := p.Login(citizenID, citizenPass); err != nil {
		t.Fatal(err)
	}
	if err := p.OpenService("DV01"); err != nil {
		t.Fatal(err)
	}
	if err := p.StartDossier(); err != nil {
		t.Fatal(err)
	}
	if err := p.FillField(fixtures.Field{Name: "NgaySinh", Type: "date"}, "2025-07-01"); err != nil {
		t.Fatal(err)
	}
	if err := p.Attach("giay_chung_sinh", "a.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n")); err != nil {
		t.Fatal(err)
	}
	if err := p.Review(); err != nil {
		t.Fatal(err)
	}
	if ok, err := p.SubmitButtonEnabled(); ok || err != nil {
		t.Errorf("SubmitButtonEnabled with the defect = %v, %v", ok, err)
	}
	start := time.Now()
	if err := p.Submit(); err == nil || !strings.Contains(err.Error(), "submit button is disabled") {
		t.Errorf("Submit with a disabled button = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Submit took %s to notice the disabled button", d)
	}

	// A wait that cannot succeed ends at its timeout, saying what it saw.
	if err := p.Tab.Navigate(fp.base() + "/ho-so/" + dossierID); err != nil {
		t.Fatal(err)
	}
	err := p.WaitStatus("delivered", 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), `wait for status delivered: still "" after 300ms`) {
		t.Errorf("WaitStatus that cannot succeed = %v", err)
	}
}
