package portal

import (
	"context"
	"crypto"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	api "github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/defects"
)

// serviceLinks are the home page's services, by data-service-id, in order.
func serviceLinks(t *testing.T, r *response) []string {
	t.Helper()
	list := mustID(t, r, "danh-sach-dich-vu")
	var ids []string
	for _, a := range all(list, func(n *html.Node) bool { _, ok := attrOK(n, "data-service-id"); return ok }) {
		id := attr(a, "data-service-id")
		if attr(a, "href") != portalPrefix+"/dich-vu/"+id || a.Parent.DataAtom != atom.Li {
			t.Errorf("service link %s: href %q in <%s>", id, attr(a, "href"), a.Parent.Data)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestWebHomeListsAndSearches(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.browser()
	home := b.get("/")
	if got := serviceLinks(t, home); !slices.Equal(got, []string{"DV09", "DV12", "DV15"}) {
		t.Fatalf("home lists %v", got)
	}
	if a := mustID(t, home, "dang-nhap"); text(a) != "Đăng nhập bằng VNeID" || byID(home.doc, "nguoi-dung") != nil {
		t.Fatalf("logged-out header: login link %q", text(a))
	}
	if !strings.Contains(text(first(home.doc, tagged(atom.Header))), "Cổng dịch vụ công Hà Nội") {
		t.Fatal("header does not name the portal")
	}
	form := first(home.doc, func(n *html.Node) bool { return n.DataAtom == atom.Form && attr(n, "role") == "search" })
	if form == nil || attr(mustID(t, home, "tim-kiem"), "name") != "q" || text(mustID(t, home, "nut-tim-kiem")) != "Tìm kiếm" {
		t.Fatal("no search form with #tim-kiem (q) and #nut-tim-kiem")
	}
	for q, want := range map[string][]string{
		"dang ky khai sinh":  {"DV09", "DV15"}, // no diacritics
		"Khai Sinh":          {"DV09", "DV15"},
		"ĐĂNG KÝ":            {"DV09", "DV15"},
		"đăng ký khai sinh":  {"DV09", "DV15"},
		"Đăng ky\u0301":      {"DV09", "DV15"}, // combining acute accent, as some keyboards type it
		"hộ chiếu":           {"DV12"},
		"ho chieu pho thong": {"DV12"},
		"passport":           {"DV12"}, // name_en
		"dv15":               {"DV15"}, // id
		"the bhyt":           {"DV15"},
		"xe máy":             nil,
	} {
		r := b.get("/?q=" + url.QueryEscape(q))
		if got := serviceLinks(t, r); !slices.Equal(got, want) {
			t.Errorf("search %q found %v, want %v", q, got, want)
		}
		if attr(mustID(t, r, "tim-kiem"), "value") != q {
			t.Errorf("search %q: the box does not keep the query", q)
		}
		if want == nil && !strings.Contains(r.body, "Không tìm thấy dịch vụ công phù hợp") {
			t.Errorf("search %q: no 'nothing found' message", q)
		}
	}
}

// The real catalog: all 25 services, and a Vietnamese name found without accents.
func TestWebHomeWithTheRealCatalog(t *testing.T) {
	cat, err := fixtures.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(nil)
	defer srv.Close()
	p, err := New(Options{BaseURL: srv.URL + portalPrefix, Province: testProvince, Catalog: cat, SSOIssuer: issuer,
		KeySet: &oidc.StaticKeySet{PublicKeys: []crypto.PublicKey{&ssoKey.PublicKey}}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	srv.Config.Handler = http.StripPrefix(portalPrefix, p)
	b := (&env{t: t, base: srv.URL + portalPrefix}).browser()
	if got := serviceLinks(t, b.get("/")); len(got) != len(cat.Services) || len(got) != 25 {
		t.Fatalf("home lists %d services, catalog has %d", len(got), len(cat.Services))
	}
	var birth string
	for _, s := range cat.Services {
		if s.NameVI == "Đăng ký khai sinh" {
			birth = s.ID
		}
	}
	if birth == "" {
		t.Fatal(`no service "Đăng ký khai sinh" in the catalog`)
	}
	if got := serviceLinks(t, b.get("/?q=dang+ky+khai+sinh")); !slices.Contains(got, birth) {
		t.Fatalf(`"dang ky khai sinh" found %v, not %s`, got, birth)
	}
	svc := b.get("/dich-vu/" + birth)
	if text(first(svc.doc, tagged(atom.H1))) != "Đăng ký khai sinh" {
		t.Fatalf("service page h1 %q", text(first(svc.doc, tagged(atom.H1))))
	}
}

func TestWebServicePage(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.browser()
	r := b.get("/dich-vu/DV12")
	if r.status != http.StatusOK || text(first(r.doc, tagged(atom.H1))) != "Cấp hộ chiếu phổ thông" {
		t.Fatalf("service page: %d %s", r.status, r.body)
	}
	if got := text(mustID(t, r, "le-phi")); got != "200.000 ₫" {
		t.Errorf("fee %q", got)
	}
	if got := text(mustID(t, r, "thoi-han")); got != "8 ngày làm việc" {
		t.Errorf("processing time %q", got)
	}
	if !strings.Contains(r.body, "Bộ Công an") || !strings.Contains(r.body, "Ảnh chân dung") {
		t.Error("agency or attachments missing")
	}
	a := mustID(t, r, "nop-ho-so")
	if attr(a, "href") != portalPrefix+"/ho-so/moi/DV12" || text(a) != "Nộp hồ sơ trực tuyến" {
		t.Errorf("submit link %q %q", attr(a, "href"), text(a))
	}
	if got := text(mustID(t, b.get("/dich-vu/DV09"), "le-phi")); got != "Miễn phí" {
		t.Errorf("free service fee %q", got)
	}
}

func TestWebLoginFlow(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.browser()

	// Step by step: the portal sends the browser to the SSO with PKCE.
	start := b.getNoFollow("/dang-nhap?next=" + url.QueryEscape("/ho-so"))
	loc, _ := url.Parse(start.header.Get("Location"))
	q := loc.Query()
	if start.status != http.StatusFound || !strings.HasSuffix(loc.Path, "/sso/authorize") || q.Get("client_id") != "dvcqa-portal" ||
		q.Get("redirect_uri") != e.base+"/auth/callback" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" ||
		q.Get("state") == "" || q.Get("nonce") == "" || !strings.Contains(q.Get("scope"), "openid") {
		t.Fatalf("login redirect %d %s", start.status, loc)
	}
	if c := setCookie(start, loginCookie); c == nil || !c.HttpOnly || c.MaxAge <= 0 || c.MaxAge > 600 || strings.Contains(c.Value, q.Get("code_challenge")) {
		t.Fatalf("login-state cookie %+v", c)
	}
	// The SSO's page, the credentials, and back to the callback.
	page := b.get(loc.String())
	form := first(page.doc, tagged(atom.Form))
	vals := controls(form)
	vals.Set("username", an.ID)
	vals.Set("password", password(an))
	toCallback := b.postNoFollow(attr(form, "action"), vals)
	cb := b.getNoFollow(toCallback.header.Get("Location"))
	if cb.status != http.StatusSeeOther || cb.header.Get("Location") != portalPrefix+"/ho-so" {
		t.Fatalf("callback: %d Location %q\n%s", cb.status, cb.header.Get("Location"), cb.body)
	}
	phien := setCookie(cb, sessionCookie)
	if phien == nil || phien.Value == "" || !phien.HttpOnly || phien.SameSite != http.SameSiteLaxMode || phien.Path != portalPrefix {
		t.Fatalf("session cookie %+v", phien)
	}
	if strings.Contains(phien.Value, ".") || len(phien.Value) > 64 {
		t.Fatalf("the cookie holds more than a session id: %q", phien.Value)
	}
	// Logged in: the header shows the citizen.
	mine := b.get("/ho-so")
	if mine.status != http.StatusOK || text(mustID(t, mine, "nguoi-dung")) != an.Name || byID(mine.doc, "dang-nhap") != nil {
		t.Fatalf("my dossiers after login: %d\n%s", mine.status, mine.body)
	}
	if a := mustID(t, mine, "ho-so-cua-toi"); attr(a, "href") != portalPrefix+"/ho-so" {
		t.Fatalf("my dossiers link %q", attr(a, "href"))
	}
	// The callback cannot be replayed (the code and the state are single use).
	if again := b.get(toCallback.header.Get("Location")); again.status != http.StatusBadRequest {
		t.Fatalf("replayed callback: %d", again.status)
	}
	// Logout ends the session on the server, not only in the browser.
	out := b.postNoFollow("/dang-xuat", nil)
	if out.status != http.StatusSeeOther || out.header.Get("Location") != portalPrefix+"/" {
		t.Fatalf("logout: %d %q", out.status, out.header.Get("Location"))
	}
	if c := setCookie(out, sessionCookie); c == nil || c.MaxAge >= 0 {
		t.Fatalf("logout does not clear the cookie: %+v", c)
	}
	stolen := e.browser()
	stolen.follow.Jar.SetCookies(mustURL(e.base+"/"), []*http.Cookie{{Name: sessionCookie, Value: phien.Value, Path: portalPrefix}})
	if r := stolen.getNoFollow("/ho-so"); r.status != http.StatusSeeOther {
		t.Fatalf("the ended session still works: %d", r.status)
	}
	if home := b.get("/"); byID(home.doc, "dang-nhap") == nil {
		t.Fatal("no login link after logout")
	}
}

func TestWebLoginHelperAndNext(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.browser()
	form := b.login(an, "/ho-so/moi/DV09")
	mustID(t, form, "form-ho-so")
	// Already logged in: /dang-nhap goes straight to next.
	if r := b.getNoFollow("/dang-nhap?next=%2Fho-so"); r.status != http.StatusSeeOther || r.header.Get("Location") != portalPrefix+"/ho-so" {
		t.Fatalf("login when logged in: %d %q", r.status, r.header.Get("Location"))
	}
	// next never leaves the portal.
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""} {
		if got := e.portal.safeNext(next); got != "/" {
			t.Errorf("safeNext(%q) = %q", next, got)
		}
	}
	if got := e.portal.safeNext(portalPrefix + "/ho-so?x=1"); got != "/ho-so?x=1" {
		t.Errorf("safeNext with the base path = %q", got)
	}
}

func TestWebCallbackRefusesForgedState(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.browser()
	b.getNoFollow("/dang-nhap") // sets the login cookie
	for _, q := range []string{"code=abc&state=wrong", "code=abc", "error=access_denied&state=x"} {
		r := b.get("/auth/callback?" + q)
		if r.status != http.StatusBadRequest && r.status != http.StatusUnauthorized {
			t.Errorf("callback %s: %d", q, r.status)
		}
		if setCookie(r, sessionCookie) != nil || !strings.Contains(r.body, "Đăng nhập không thành công") {
			t.Errorf("callback %s: session set or no message", q)
		}
	}
	// A tampered login cookie is refused too.
	b2 := e.browser()
	start := b2.getNoFollow("/dang-nhap")
	st := setCookie(start, loginCookie)
	b2.follow.Jar.SetCookies(mustURL(e.base+"/auth/callback"), []*http.Cookie{{Name: loginCookie, Value: st.Value + "x", Path: portalPrefix + "/auth/callback"}})
	state := mustURL(start.header.Get("Location")).Query().Get("state")
	if r := b2.get("/auth/callback?code=abc&state=" + state); r.status != http.StatusBadRequest {
		t.Errorf("tampered login cookie: %d", r.status)
	}
}

func TestWebLoginRequired(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.browser()
	for _, path := range []string{"/ho-so", "/ho-so/moi/DV09", "/ho-so/hs-1", "/ho-so/hs-1/ket-qua", "/ho-so/hs-1/ket-qua.pdf"} {
		r := b.getNoFollow(path)
		if want := portalPrefix + "/dang-nhap?next=" + url.QueryEscape(path); r.status != http.StatusSeeOther || r.header.Get("Location") != want {
			t.Errorf("%s without login: %d %q, want 303 %s", path, r.status, r.header.Get("Location"), want)
		}
	}
	if r := b.postNoFollow("/ho-so/hs-1/thanh-toan", nil); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), portalPrefix+"/dang-nhap") {
		t.Errorf("pay without login: %d %q", r.status, r.header.Get("Location"))
	}
}

func TestWebFormShowsPrefilledData(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.loggedIn(an)
	r, _ := b.openForm("DV09")
	form := mustID(t, r, "form-ho-so")
	if attr(form, "method") != "post" || attr(form, "enctype") != "multipart/form-data" || attr(form, "action") != portalPrefix+"/ho-so/moi/DV09" {
		t.Fatalf("form attributes %v", form.Attr)
	}
	for name, want := range map[string]string{"HoVaTenNguoiYeuCau": an.Name, "NgaySinhNguoiYeuCau": an.Born, "TinhTrangHonNhan": "Đã kết hôn"} {
		in := mustID(t, r, "f-"+name)
		_, ro := attrOK(in, "readonly")
		if attr(in, "value") != want || !ro || attr(in, "data-prefilled") != "true" || attr(in, "name") != name {
			t.Errorf("prefilled %s: %v", name, in.Attr)
		}
		if note := byID(r.doc, "nguon-"+name); text(note) != "Dữ liệu từ CSDL quốc gia" {
			t.Errorf("prefilled %s has no note", name)
		}
	}
	if attr(mustID(t, r, "f-NgaySinhNguoiYeuCau"), "type") != "date" {
		t.Error("a date field is not input[type=date]")
	}
	typed := mustID(t, r, "f-HoTenTre")
	if _, ro := attrOK(typed, "readonly"); ro || attr(typed, "value") != "" || attr(typed, "data-prefilled") != "" {
		t.Errorf("typed field %v", typed.Attr)
	}
	if _, req := attrOK(typed, "required"); !req {
		t.Error("required field without required")
	}
	if _, req := attrOK(mustID(t, r, "f-ThuDienTu"), "required"); req {
		t.Error("optional field marked required")
	}
	for name, typ := range map[string]string{"HoTenTre": "text", "NgaySinhTre": "date", "SoDinhDanhMe": "text", "SoDienThoai": "tel", "ThuDienTu": "email", "CanNang": "number"} {
		if n := mustID(t, r, "f-"+name); n.DataAtom != atom.Input || attr(n, "type") != typ {
			t.Errorf("%s is <%s type=%q>, want input %s", name, n.Data, attr(n, "type"), typ)
		}
	}
	sel := mustID(t, r, "f-GioiTinhTre")
	opts := all(sel, tagged(atom.Option))
	if sel.DataAtom != atom.Select || len(opts) != 3 || attr(opts[0], "value") != "" || text(opts[0]) != "-- Chọn --" || text(opts[1]) != "Nam" || text(opts[2]) != "Nữ" {
		t.Errorf("select: %d options", len(opts))
	}
	file := mustID(t, r, "tep-giay_chung_sinh")
	if attr(file, "type") != "file" || attr(file, "accept") != "application/pdf,image/jpeg" {
		t.Errorf("file input %v", file.Attr)
	}
	key := first(form, func(n *html.Node) bool { return attr(n, "name") == keyField })
	if attr(key, "type") != "hidden" || len(attr(key, "value")) < 16 {
		t.Errorf("idempotency key input %v", key)
	}
	again, _ := b.openForm("DV09")
	if k2 := first(again.doc, func(n *html.Node) bool { return attr(n, "name") == keyField }); attr(k2, "value") == attr(key, "value") {
		t.Error("two openings of the form share an idempotency key")
	}
	btn := mustID(t, r, "xem-lai")
	if btn.DataAtom != atom.Button || attr(btn, "name") != "action" || attr(btn, "value") != "review" || text(btn) != "Xem lại hồ sơ" {
		t.Errorf("review button %v %q", btn.Attr, text(btn))
	}
	// Binh has no civil-status record: that field stays for him to type.
	rb, _ := e.loggedIn(binh).openForm("DV09")
	if in := mustID(t, rb, "f-TinhTrangHonNhan"); attr(in, "data-prefilled") != "" || attr(in, "value") != "" {
		t.Errorf("field without national data is prefilled: %v", in.Attr)
	}
	if r := b.get("/ho-so/moi/DV99"); r.status != http.StatusNotFound {
		t.Errorf("form of an unknown service: %d", r.status)
	}
}

func TestWebFormMissingRequiredField(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.loggedIn(an)
	_, shown := b.openForm("DV09")
	vals := birthForm(shown)
	vals.Set("HoTenTre", "")
	vals.Set("SoDinhDanhMe", "12345")
	r := b.postMultipart("/ho-so/moi/DV09", vals, birthFiles)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("missing field: %d", r.status)
	}
	field := mustID(t, r, "f-HoTenTre")
	msg := nextElement(field)
	if msg == nil || attr(msg, "id") != "loi-HoTenTre" || msg.DataAtom != atom.P || !hasClass(msg, "loi") || attr(msg, "role") != "alert" ||
		!strings.Contains(text(msg), "bắt buộc") {
		t.Fatalf("no error right after the field: %v", msg)
	}
	if attr(field, "aria-invalid") != "true" || !strings.Contains(attr(field, "aria-describedby"), "loi-HoTenTre") {
		t.Errorf("field not marked invalid: %v", field.Attr)
	}
	if !strings.Contains(text(mustID(t, r, "loi-SoDinhDanhMe")), "12 chữ số") {
		t.Error("second error missing")
	}
	summary := mustID(t, r, "tom-tat-loi")
	if attr(summary, "role") != "alert" || !strings.Contains(text(summary), "2 thông tin") || first(summary, tagged(atom.A)) == nil {
		t.Errorf("summary %q", text(summary))
	}
	if strings.Contains(r.body, "goroutine") || first(r.doc, tagged(atom.Pre)) != nil {
		t.Error("a correct portal shows internal details")
	}
	// Values are kept, the key too, and the uploaded file need not be chosen again.
	if attr(mustID(t, r, "f-SoDienThoai"), "value") != "0912345678" || attr(mustID(t, r, "f-SoDinhDanhMe"), "value") != "12345" {
		t.Error("typed values lost")
	}
	kept := controls(mustID(t, r, "form-ho-so"))
	if kept.Get(keyField) != vals.Get(keyField) || !strings.HasPrefix(kept.Get("tep-id-giay_chung_sinh"), "tl-") {
		t.Errorf("key or upload not kept: %v", kept)
	}
	// Correcting the fields is enough: the file is carried by its id.
	kept.Set("HoTenTre", "Nguyễn Minh Khôi")
	kept.Set("SoDinhDanhMe", "")
	kept.Set("action", "review")
	if ok := b.postMultipart("/ho-so/moi/DV09", kept, nil); ok.status != http.StatusOK || byID(ok.doc, "xem-lai-ho-so") == nil {
		t.Fatalf("corrected form: %d\n%s", ok.status, ok.body)
	}
}

func TestWebFormAttachmentErrors(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.loggedIn(an)
	_, shown := b.openForm("DV09")
	// No file at all, then a text file posing as a PDF.
	for name, files := range map[string]map[string]upload{
		"missing":    nil,
		"wrong type": {"tep-giay_chung_sinh": {"ghi-chu.pdf", "application/pdf", []byte("plain text, not a PDF")}},
	} {
		r := b.postMultipart("/ho-so/moi/DV09", birthForm(shown), files)
		msg := byID(r.doc, "loi-tep-giay_chung_sinh")
		if r.status != http.StatusUnprocessableEntity || msg == nil || attr(msg, "role") != "alert" || attr(nextElementBefore(msg), "id") != "tep-giay_chung_sinh" {
			t.Errorf("%s attachment: %d, error %v", name, r.status, msg)
		}
	}
}

// nextElementBefore is the element right before n.
func nextElementBefore(n *html.Node) *html.Node {
	for s := n.PrevSibling; s != nil; s = s.PrevSibling {
		if s.Type == html.ElementNode {
			return s
		}
	}
	return nil
}

func TestWebReviewAndSubmit(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.loggedIn(an)
	review := b.reviewBirth()
	section := mustID(t, review, "xem-lai-ho-so")
	if section.DataAtom != atom.Section || first(section, tagged(atom.Dl)) == nil {
		t.Fatal("review is not a section with a dl")
	}
	for _, want := range []string{an.Name, "15/02/1990", "Đã kết hôn", "Nguyễn Minh Khôi", "20/02/2026", "0912345678", "giay-chung-sinh.pdf"} {
		if !strings.Contains(text(section), want) {
			t.Errorf("review does not show %q", want)
		}
	}
	nop := mustID(t, review, "nop")
	if _, disabled := attrOK(nop, "disabled"); disabled || text(nop) != "Nộp hồ sơ" || attr(nop, "value") != "submit" {
		t.Errorf("submit button %v", nop.Attr)
	}
	if first(section, func(n *html.Node) bool {
		return n.DataAtom == atom.Button && attr(n, "value") == "edit" && text(n) == "Sửa lại"
	}) == nil {
		t.Error("no Sửa lại button")
	}
	hidden := controls(first(section, tagged(atom.Form)))
	if hidden.Get("HoTenTre") != "Nguyễn Minh Khôi" || !strings.HasPrefix(hidden.Get("tep-id-giay_chung_sinh"), "tl-") {
		t.Errorf("hidden values %v", hidden)
	}
	// Sửa lại: back to the form, values kept.
	edit := hidden
	edit.Set("action", "edit")
	back := b.post("/ho-so/moi/DV09", edit)
	if back.status != http.StatusOK || attr(mustID(t, back, "f-HoTenTre"), "value") != "Nguyễn Minh Khôi" {
		t.Fatalf("edit: %d", back.status)
	}

	// Submit, then the same page submitted again (a double click).
	id := dossierID(t, b.submitReview("DV09", review))
	if again := dossierID(t, b.submitReview("DV09", review)); again != id {
		t.Fatalf("resubmit created %s, first was %s", again, id)
	}
	list, err := e.as(an).Dossiers(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("dossiers after double submit: %d %v", len(list), err)
	}
	d := list[0]
	if d.ID != id || d.ServiceID != "DV09" || d.Fields["HoTenTre"] != "Nguyễn Minh Khôi" || d.Fields["HoVaTenNguoiYeuCau"] != an.Name ||
		len(d.Attachments) != 1 || d.Attachments[0].ID != hidden.Get("tep-id-giay_chung_sinh") || d.Applicant.SoDinhDanh != an.ID {
		t.Fatalf("dossier %+v", d)
	}
	// The same key with other values is refused, not a second dossier.
	changed := controls(reviewForm(review))
	changed.Set("HoTenTre", "Tên khác")
	changed.Set("action", "submit")
	if r := b.postNoFollow("/ho-so/moi/DV09", changed); r.status != http.StatusConflict {
		t.Fatalf("same key, other values: %d", r.status)
	}
	// A submit with a forged value of national data fails validation (422), like the API.
	forged := controls(reviewForm(review))
	forged.Set(keyField, "another-key")
	forged.Set("HoVaTenNguoiYeuCau", "Người Khác")
	forged.Set("action", "submit")
	r := b.postNoFollow("/ho-so/moi/DV09", forged)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(text(byID(r.doc, "loi-HoVaTenNguoiYeuCau")), "không khớp") {
		t.Fatalf("forged national value: %d", r.status)
	}
}

// reviewForm is the form of a review page.
func reviewForm(review *response) *html.Node {
	return first(byID(review.doc, "xem-lai-ho-so"), tagged(atom.Form))
}

func TestWebDossierPage(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.loggedIn(an)
	id := b.submitBirthWeb()
	r := b.get("/ho-so/" + id)
	d := e.apiDossier(an, id)
	if text(mustID(t, r, "ma-ho-so")) != d.Code || !strings.Contains(text(first(r.doc, tagged(atom.H1))), d.Code) {
		t.Fatalf("code: %q want %s", text(mustID(t, r, "ma-ho-so")), d.Code)
	}
	st := mustID(t, r, "trang-thai")
	if attr(st, "data-status") == "" || text(st) != statusText(attr(st, "data-status")) {
		t.Fatalf("status %q %q", attr(st, "data-status"), text(st))
	}
	if !strings.Contains(r.body, "Đăng ký khai sinh") || mustID(t, r, "ngay-hen-tra") == nil {
		t.Error("service name or appointment date missing")
	}
	if byID(r.doc, "thanh-toan") != nil || byID(r.doc, "tai-ket-qua") != nil {
		t.Error("free, undelivered dossier offers payment or a result")
	}
	delivered := e.waitFor(e.as(an), id, "delivered", delivered)
	r = b.get("/ho-so/" + id)
	st = mustID(t, r, "trang-thai")
	if attr(st, "data-status") != "delivered" || text(st) != "Đã trả kết quả" {
		t.Fatalf("delivered dossier shows %q %q", attr(st, "data-status"), text(st))
	}
	items := all(mustID(t, r, "lich-su"), tagged(atom.Li))
	if len(items) != len(delivered.History) {
		t.Fatalf("%d history items, API has %d", len(items), len(delivered.History))
	}
	for i, h := range delivered.History {
		txt := text(items[i])
		for _, want := range []string{formatDateTime(h.At), statusText(h.Status), h.Officer, h.Unit, h.Note} {
			if !strings.Contains(txt, want) {
				t.Errorf("history %d %q lacks %q", i, txt, want)
			}
		}
	}
	if got := text(mustID(t, r, "ngay-hen-tra")); got != formatDateTime(delivered.AppointmentAt) || len(got) != len("02/01/2006 15:04") {
		t.Errorf("appointment %q", got)
	}
	if a := mustID(t, r, "tai-ket-qua"); attr(a, "href") != portalPrefix+"/ho-so/"+id+"/ket-qua" || text(a) != "Xem và tải kết quả" {
		t.Errorf("result link %v", a.Attr)
	}
	if first(r.doc, func(n *html.Node) bool { return attr(n, "http-equiv") == "refresh" }) != nil {
		t.Error("a delivered dossier still refreshes")
	}
	mine := b.get("/ho-so")
	row := first(mustID(t, mine, "danh-sach-ho-so"), func(n *html.Node) bool { return attr(n, "data-dossier-id") == id })
	if row == nil || !strings.Contains(text(row), d.Code) || !strings.Contains(text(row), "Đã trả kết quả") {
		t.Fatalf("my dossiers row %q", text(row))
	}
}

func TestWebDossierRefreshesWhileProcessing(t *testing.T) {
	e := newWebEnvDay(t, time.Hour) // the officers take a while
	b := e.loggedIn(an)
	id := b.submitBirthWeb()
	r := b.get("/ho-so/" + id)
	meta := first(r.doc, func(n *html.Node) bool { return attr(n, "http-equiv") == "refresh" })
	if attr(mustID(t, r, "trang-thai"), "data-status") == "delivered" || attr(meta, "content") != "2" {
		t.Fatalf("processing dossier: refresh %v", meta)
	}
}

func TestWebPayment(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.loggedIn(an)
	_, shown := b.openForm("DV12")
	shown.Set("NoiNhan", "Bưu chính")
	shown.Set("action", "review")
	review := b.postMultipart("/ho-so/moi/DV12", shown, map[string]upload{"tep-anh_chan_dung": {"anh.jpg", "image/jpeg", jpgBytes}})
	if review.status != http.StatusOK {
		t.Fatalf("review DV12: %d\n%s", review.status, review.body)
	}
	id := dossierID(t, b.submitReview("DV12", review))
	d := e.waitFor(e.as(an), id, "waiting for payment", func(d *api.Dossier) bool { return d.Status == api.StatusPaymentRequired })
	page := b.get("/ho-so/" + id)
	if attr(mustID(t, page, "trang-thai"), "data-status") != "payment_required" || text(mustID(t, page, "trang-thai")) != "Chờ thanh toán" {
		t.Fatal("status is not Chờ thanh toán")
	}
	if text(mustID(t, page, "le-phi")) != "200.000 ₫" || text(mustID(t, page, "tinh-trang-thanh-toan")) != "Chưa thanh toán" {
		t.Error("fee or payment state")
	}
	btn := mustID(t, page, "thanh-toan")
	if text(btn) != "Thanh toán lệ phí" || attr(btn.Parent, "action") != portalPrefix+"/ho-so/"+id+"/thanh-toan" || attr(btn.Parent, "method") != "post" {
		t.Fatalf("pay button %q in %v", text(btn), btn.Parent.Attr)
	}
	if first(page.doc, func(n *html.Node) bool { return attr(n, "http-equiv") == "refresh" }) != nil {
		t.Error("the page refreshes while the citizen has to pay")
	}
	pay := b.postNoFollow("/ho-so/"+id+"/thanh-toan", nil)
	if pay.status != http.StatusSeeOther || pay.header.Get("Location") != "http://payment.test/pay/GD-"+d.Code {
		t.Fatalf("pay: %d %q", pay.status, pay.header.Get("Location"))
	}
	e.payments.mu.Lock()
	inits := slices.Clone(e.payments.inits)
	e.payments.mu.Unlock()
	if len(inits) != 1 || inits[0].Reference != d.Code || inits[0].Amount != 200000 || inits[0].ReturnURL != e.base+"/payment/return" ||
		inits[0].CallbackURL != e.base+"/api/v1/payment/callback" {
		t.Fatalf("INIT %+v", inits)
	}
	// Back from the platform: the owner gets a link to the dossier, others the list.
	ret := "/payment/return?MaThamChieu=" + url.QueryEscape(d.Code) + "&TrangThaiGD=1"
	for _, c := range []struct {
		name string
		b    *browser
		href string
	}{{"owner", b, portalPrefix + "/ho-so/" + id}, {"other citizen", e.loggedIn(binh), portalPrefix + "/ho-so"}, {"anonymous", e.browser(), portalPrefix + "/ho-so"}} {
		r := c.b.get(ret)
		if a := mustID(t, r, "xem-ho-so"); r.status != http.StatusOK || attr(a, "href") != c.href || !strings.Contains(r.body, "Thanh toán thành công") {
			t.Errorf("%s: return page %d link %q", c.name, r.status, attr(a, "href"))
		}
	}
	if r := b.get("/payment/return?MaThamChieu=x&TrangThaiGD=4"); !strings.Contains(text(first(r.doc, tagged(atom.H1))), "không thành công") {
		t.Error("a failed payment reads as a success")
	}
	// Paid: the button is gone and nothing more can be paid.
	e.pay(d)
	e.waitFor(e.as(an), id, "paid", func(d *api.Dossier) bool { return d.Fee.Paid })
	if byID(b.get("/ho-so/"+id).doc, "thanh-toan") != nil {
		t.Error("a paid dossier still offers payment")
	}
	if r := b.postNoFollow("/ho-so/"+id+"/thanh-toan", nil); r.status != http.StatusConflict {
		t.Errorf("paying twice: %d", r.status)
	}
}

func TestWebResult(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.loggedIn(an)
	id := b.submitBirthWeb()
	d := e.waitFor(e.as(an), id, "delivered", delivered)
	r := b.get("/ho-so/" + id + "/ket-qua")
	if r.status != http.StatusOK {
		t.Fatalf("result page: %d", r.status)
	}
	for id, want := range map[string]string{"so-van-ban": "KQ-" + d.Code, "nguoi-nhan-so-dinh-danh": an.ID, "nguoi-nhan-ho-ten": an.Name,
		"co-quan": "Ủy ban nhân dân Hà Nội", "ngay-ky": formatDateTime(d.DeliveredAt)} {
		if got := text(mustID(t, r, id)); got != want {
			t.Errorf("#%s = %q, want %q", id, got, want)
		}
	}
	link := mustID(t, r, "tep-ky-so")
	if attr(link, "href") != portalPrefix+"/ho-so/"+id+"/ket-qua.pdf" || text(link) != "Tải văn bản điện tử có ký số" {
		t.Fatalf("download link %v", link.Attr)
	}
	file := b.get("/ho-so/" + id + "/ket-qua.pdf")
	if file.status != http.StatusOK || !strings.HasPrefix(file.header.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(file.header.Get("Content-Disposition"), "KQ-"+d.Code+".pdf") || file.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %d %q %q", file.status, file.header.Get("Content-Disposition"), file.header.Get("Content-Type"))
	}
	want, err := e.as(an).Result(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if file.body != string(want.PDF) {
		t.Fatal("the download differs from the API's result PDF")
	}
	if valid, _, err := pdfSigner(t, []byte(file.body)); err != nil || !valid {
		t.Fatalf("downloaded result does not verify: %v", err)
	}
}

func TestWebOwnerOnly(t *testing.T) {
	e := newWebEnv(t, nil)
	id := e.loggedIn(an).submitBirthWeb()
	e.waitFor(e.as(an), id, "delivered", delivered)
	other := e.loggedIn(binh)
	for _, path := range []string{"/ho-so/" + id, "/ho-so/" + id + "/ket-qua", "/ho-so/" + id + "/ket-qua.pdf", "/ho-so/nope"} {
		r := other.get(path)
		if r.status != http.StatusNotFound || r.doc == nil || strings.Contains(r.body, an.Name) || !strings.Contains(r.body, "Không tìm thấy") {
			t.Errorf("%s as another citizen: %d %s", path, r.status, r.header.Get("Content-Type"))
		}
	}
	if r := other.postNoFollow("/ho-so/"+id+"/thanh-toan", nil); r.status != http.StatusNotFound {
		t.Errorf("pay another's dossier: %d", r.status)
	}
	if r := other.get("/ho-so"); first(r.doc, func(n *html.Node) bool { return attr(n, "data-dossier-id") != "" }) != nil {
		t.Error("another citizen's dossier is listed")
	}
}

func TestWebErrorPages(t *testing.T) {
	e := newWebEnv(t, nil)
	b := e.browser()
	for _, path := range []string{"/khong-co-trang-nay", "/dich-vu/DV99", "/ho-so/a/b/c"} {
		r := b.get(path)
		if r.status != http.StatusNotFound || r.doc == nil || !strings.Contains(r.body, "Không tìm thấy") {
			t.Errorf("%s: %d %q", path, r.status, r.header.Get("Content-Type"))
		}
	}
	// The API keeps its JSON errors.
	r := b.get("/api/v1/khong-co")
	if r.status != http.StatusNotFound || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Errorf("unknown API path: %d %q", r.status, r.header.Get("Content-Type"))
	}
	// A crash is a Vietnamese 500 page without the stack.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	e.portal.recoverPages(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom at web.go:1") })).ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "Lỗi hệ thống") || strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("panic page: %d %s", rec.Code, rec.Body)
	}
	// An upstream failure is a page too.
	e.data.mu.Lock()
	e.data.fail = true
	e.data.mu.Unlock()
	if r := e.loggedIn(an).get("/ho-so/moi/DV09"); r.status != http.StatusBadGateway || !strings.Contains(r.body, "cơ sở dữ liệu quốc gia") {
		t.Errorf("national data down: %d", r.status)
	}
}

func TestWebSeededDefects(t *testing.T) {
	t.Run("submit-disabled", func(t *testing.T) {
		for _, sw := range []defects.Switch{{Name: defectSubmitDisabled, Service: "DV09"}, {Name: defectSubmitDisabled, Service: "DV12"}} {
			e := newWebEnv(t, defects.NewSet(sw))
			b := e.loggedIn(an)
			review := b.reviewBirth()
			_, disabled := attrOK(mustID(t, review, "nop"), "disabled")
			if disabled != (sw.Service == "DV09") {
				t.Fatalf("%s: #nop disabled = %v", sw, disabled)
			}
			// The defect is in the page: a POST forced past it is honoured.
			dossierID(t, b.submitReview("DV09", review))
		}
	})
	t.Run("error-leaks-stack", func(t *testing.T) {
		e := newWebEnv(t, defects.NewSet(defects.Switch{Name: defectErrorLeaksStack, Service: "DV09"}))
		b := e.loggedIn(an)
		_, shown := b.openForm("DV09")
		vals := birthForm(shown)
		vals.Del("HoTenTre")
		r := b.postMultipart("/ho-so/moi/DV09", vals, birthFiles)
		pre := first(mustID(t, r, "tom-tat-loi"), tagged(atom.Pre))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(text(pre), "goroutine 17 [running]") {
			t.Fatalf("no stack in the summary: %d %q", r.status, text(pre))
		}
		if byID(r.doc, "loi-HoTenTre") == nil {
			t.Fatal("the field error is gone")
		}
	})
	t.Run("prefill-missing-field", func(t *testing.T) {
		e := newWebEnv(t, defects.NewSet(defects.Switch{Name: defectPrefillMissingField, Param: "TinhTrangHonNhan", Service: "DV09"}))
		r, _ := e.loggedIn(an).openForm("DV09")
		in := mustID(t, r, "f-TinhTrangHonNhan")
		if _, ro := attrOK(in, "readonly"); ro || attr(in, "value") != "" || attr(in, "data-prefilled") != "" || byID(r.doc, "nguon-TinhTrangHonNhan") != nil {
			t.Fatalf("missing field still prefilled: %v", in.Attr)
		}
		if attr(mustID(t, r, "f-HoVaTenNguoiYeuCau"), "data-prefilled") != "true" {
			t.Fatal("other fields lost their prefill")
		}
	})
	t.Run("validation-500", func(t *testing.T) {
		e := newWebEnv(t, defects.NewSet(defects.Switch{Name: defectValidation500, Service: "DV09"}))
		b := e.loggedIn(an)
		_, shown := b.openForm("DV09")
		vals := birthForm(shown)
		vals.Del("HoTenTre")
		r := b.postMultipart("/ho-so/moi/DV09", vals, birthFiles)
		if r.status != http.StatusInternalServerError || !strings.Contains(r.body, "Lỗi hệ thống") || strings.Contains(r.body, "goroutine") {
			t.Fatalf("validation-500 on the web: %d", r.status)
		}
	})
}

func TestWebDisplayControls(t *testing.T) {
	e := newWebEnv(t, nil)
	r := e.browser().get("/")
	for id, label := range map[string]string{"co-chu-nho": "A-", "co-chu-vua": "A", "co-chu-lon": "A+", "tuong-phan-cao": "Tương phản cao"} {
		if got := text(mustID(t, r, id)); got != label {
			t.Errorf("#%s reads %q", id, got)
		}
	}
	for _, want := range []string{"localStorage", "classList", "tuong-phan-cao", "chu-lon"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the display script lacks %q", want)
		}
	}
	// Nothing is fetched from elsewhere.
	for _, n := range all(r.doc, func(n *html.Node) bool { return attr(n, "src") != "" || n.DataAtom == atom.Link }) {
		t.Errorf("external resource <%s %v>", n.Data, n.Attr)
	}
}

func TestWebFormats(t *testing.T) {
	for v, want := range map[int64]string{0: "0 ₫", 500: "500 ₫", 135000: "135.000 ₫", 1000000: "1.000.000 ₫", 25000000000: "25.000.000.000 ₫"} {
		if got := formatMoney(v); got != want {
			t.Errorf("formatMoney(%d) = %q", v, got)
		}
	}
	if formatFee(0) != "Miễn phí" {
		t.Error("free fee")
	}
	utc := time.Date(2026, 3, 2, 17, 5, 0, 0, time.UTC) // 00:05 next day in Vietnam
	if got := formatDateTime(utc); got != "03/03/2026 00:05" {
		t.Errorf("formatDateTime = %q", got)
	}
	if formatDateTime(time.Time{}) != "" || formatDate("2026-02-20") != "20/02/2026" || formatDate("x") != "x" {
		t.Error("date formats")
	}
	for _, st := range fixtures.WorkflowStates {
		if statusText(st) == st {
			t.Errorf("status %s has no Vietnamese text", st)
		}
	}
	for q, ok := range map[string]bool{"dang ky khai sinh": true, "ĐĂNG   KÝ": true, "khai tu": false, "": true} {
		if matches(q, "DV09", "Đăng ký khai sinh") != ok {
			t.Errorf("matches(%q) != %v", q, ok)
		}
	}
}

func setCookie(r *response, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
