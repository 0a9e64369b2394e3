package portal

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// byAttr is the first element with attribute key = value.
func byAttr(root *html.Node, key, value string) *html.Node {
	return first(root, func(n *html.Node) bool { v, ok := attrOK(n, key); return ok && v == value })
}

// officerLogin logs the browser in to the back office and returns the page
// it lands on.
func (b *browser) officerLogin(password, next string) *response {
	b.t.Helper()
	return b.post("/backoffice/dang-nhap", url.Values{"username": {"canbo.01"}, "password": {password}, "next": {next}})
}

func TestBackofficePagesDriveTheDossier(t *testing.T) {
	e := newManualEnv(t, nil)
	d := e.submitBirth(e.as(an))
	b := e.browser() // checks every page (checkPage: lang, headings, labels, ids, roles)

	r := b.get("/backoffice/ho-so")
	if !strings.HasSuffix(r.url.Path, "/backoffice/dang-nhap") {
		t.Fatalf("list without a session landed on %s, want the login page", r.url)
	}
	for _, id := range []string{"ten-dang-nhap", "mat-khau", "dang-nhap-can-bo"} {
		mustID(t, r, id)
	}
	if r = b.officerLogin("sai", ""); r.status != http.StatusUnauthorized || attr(mustID(t, r, "loi-dang-nhap"), "role") != "alert" {
		t.Fatalf("wrong password: %d", r.status)
	}
	r = b.officerLogin(testOfficerPassword, portalPrefix+"/backoffice/ho-so?trang-thai=submitted")
	if r.status != http.StatusOK || r.url.Query().Get("trang-thai") != "submitted" {
		t.Fatalf("login: %d at %s, want the list asked for", r.status, r.url)
	}
	table := mustID(t, r, "danh-sach-ho-so")
	row := byAttr(table, "data-ma-ho-so", d.Code)
	if row == nil {
		t.Fatalf("no row for %s:\n%s", d.Code, r.body)
	}
	link := first(row, func(n *html.Node) bool { return n.DataAtom == atom.A && hasClass(n, "mo-ho-so") })
	if link == nil {
		t.Fatal("row has no a.mo-ho-so")
	}

	r = b.get(strings.TrimPrefix(attr(link, "href"), portalPrefix)) // links are absolute paths
	if got := text(mustID(t, r, "ma-ho-so")); got != d.Code {
		t.Errorf("#ma-ho-so %q, want %s", got, d.Code)
	}
	if st := attr(mustID(t, r, "trang-thai"), "data-trang-thai"); st != "submitted" {
		t.Errorf("#trang-thai data-trang-thai %q", st)
	}
	mustID(t, r, "han-tra")
	if n := mustID(t, r, "ghi-chu"); n.DataAtom != atom.Textarea {
		t.Errorf("#ghi-chu is <%s>", n.Data)
	}
	var shown []string
	for _, btn := range all(r.doc, func(n *html.Node) bool { _, ok := attrOK(n, "data-thao-tac"); return ok }) {
		shown = append(shown, attr(btn, "data-thao-tac"))
	}
	if !slices.Equal(shown, []string{"receive", "refuse"}) {
		t.Fatalf("action buttons %v, want receive, refuse", shown)
	}
	key := attr(first(r.doc, func(n *html.Node) bool { return attr(n, "name") == "khoa" }), "value")
	page := strings.TrimPrefix(r.url.Path, portalPrefix)
	form := url.Values{"thao-tac": {"receive"}, "ghi-chu": {"Đã kiểm tra đủ giấy tờ"}, "khoa": {key}}

	r = b.postNoFollow(page, form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("action POST: %d, want 303 (POST-redirect-GET)", r.status)
	}
	b.postNoFollow(page, form) // a double submission of the same form
	r = b.get(strings.TrimPrefix(r.header.Get("Location"), portalPrefix))
	if n := mustID(t, r, "thong-bao"); attr(n, "role") != "status" || text(n) == "" {
		t.Errorf("#thong-bao %q role %q", text(n), attr(n, "role"))
	}
	if st := attr(mustID(t, r, "trang-thai"), "data-trang-thai"); st != "accepted" {
		t.Fatalf("after receive via the web: %q", st)
	}
	it := e.officer().dossier(d.Code)
	tm := first(mustID(t, r, "han-tra"), tagged(atom.Time))
	if tm == nil || attr(tm, "datetime") != it.AppointmentAt.Format(time.RFC3339) || byAttr(r.doc, "data-thao-tac", "assign") == nil {
		t.Errorf("accepted page lacks the appointment %v or the assign button:\n%s", it.AppointmentAt, r.body)
	}
	if len(it.History) != 2 || it.History[1].Note != "Đã kiểm tra đủ giấy tờ" {
		t.Fatalf("history after the web action (and its double submission) %+v", it.History)
	}

	r = b.post(page, url.Values{"thao-tac": {"receive"}})
	if n := mustID(t, r, "loi-thao-tac"); attr(n, "role") != "alert" {
		t.Errorf("#loi-thao-tac role %q", attr(n, "role"))
	}
	if r = b.get("/backoffice/ho-so?trang-thai=accepted"); byAttr(mustID(t, r, "danh-sach-ho-so"), "data-ma-ho-so", d.Code) == nil {
		t.Error("accepted list lacks the dossier")
	}
	if r = b.get("/backoffice/ho-so?trang-thai=delivered"); byAttr(r.doc, "data-ma-ho-so", d.Code) != nil {
		t.Error("delivered list shows an accepted dossier")
	}
	if r = b.get("/backoffice/ho-so/H01.22-000000-9999"); r.status != http.StatusNotFound {
		t.Errorf("unknown dossier page: %d", r.status)
	}
	b.post("/backoffice/dang-xuat", nil)
	if r = b.get("/backoffice/ho-so"); !strings.HasSuffix(r.url.Path, "/backoffice/dang-nhap") {
		t.Errorf("after logout the list is at %s, want the login page", r.url)
	}
}
