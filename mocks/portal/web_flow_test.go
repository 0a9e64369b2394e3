package portal

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	api "github.com/dvcqa/dvcqa/api/portal"
)

// Helpers that drive the form like a person in a browser.

// controls are the values a browser would send for a form: named inputs
// (not files, not buttons, not disabled), selected options, textareas.
func controls(form *html.Node) url.Values {
	vals := url.Values{}
	for _, n := range all(form, func(n *html.Node) bool {
		return n.DataAtom == atom.Input || n.DataAtom == atom.Select || n.DataAtom == atom.Textarea
	}) {
		name := attr(n, "name")
		if _, disabled := attrOK(n, "disabled"); name == "" || disabled {
			continue
		}
		switch n.DataAtom {
		case atom.Input:
			if t := attr(n, "type"); t != "file" && t != "submit" && t != "button" {
				vals.Add(name, attr(n, "value"))
			}
		case atom.Select:
			opts := all(n, tagged(atom.Option))
			v := ""
			for i, o := range opts {
				if _, sel := attrOK(o, "selected"); sel || (i == 0 && v == "") {
					v = attr(o, "value")
				}
			}
			vals.Add(name, v)
		case atom.Textarea:
			vals.Add(name, text(n))
		}
	}
	return vals
}

// openForm shows a service's form and returns what the browser would send.
func (b *browser) openForm(service string) (*response, url.Values) {
	b.t.Helper()
	r := b.get("/ho-so/moi/" + service)
	if r.status != http.StatusOK {
		b.t.Fatalf("form of %s: %d\n%s", service, r.status, r.body)
	}
	return r, controls(mustID(b.t, r, "form-ho-so"))
}

// birthForm is a valid DV09 form for An, over the shown form's values.
func birthForm(shown url.Values) url.Values {
	v := url.Values{}
	for k, vs := range shown {
		v[k] = append([]string(nil), vs...)
	}
	for k, val := range map[string]string{"HoTenTre": "Nguyễn Minh Khôi", "NgaySinhTre": "2026-02-20", "GioiTinhTre": "Nam",
		"SoDienThoai": "0912345678", "ThuDienTu": "an@example.vn", "CanNang": "3200", "MaBuuChinh": "100000", "action": "review"} {
		v.Set(k, val)
	}
	return v
}

var birthFiles = map[string]upload{"tep-giay_chung_sinh": {"giay-chung-sinh.pdf", "application/pdf", pdfBytes}}

// reviewBirth fills DV09's form and asks for the review page.
func (b *browser) reviewBirth() *response {
	b.t.Helper()
	_, shown := b.openForm("DV09")
	r := b.postMultipart("/ho-so/moi/DV09", birthForm(shown), birthFiles)
	if r.status != http.StatusOK {
		b.t.Fatalf("review: %d\n%s", r.status, r.body)
	}
	return r
}

// submitReview presses "Nộp hồ sơ" on a review page (even when disabled)
// and returns the answer, not following the redirect.
func (b *browser) submitReview(service string, review *response) *response {
	b.t.Helper()
	section := mustID(b.t, review, "xem-lai-ho-so")
	vals := controls(first(section, tagged(atom.Form)))
	vals.Set("action", "submit")
	return b.postNoFollow("/ho-so/moi/"+service, vals)
}

// dossierID is the dossier a submit answer redirects to.
func dossierID(t *testing.T, r *response) string {
	t.Helper()
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, portalPrefix+"/ho-so/") {
		t.Fatalf("submit answered %d Location %q, want 303 to the dossier\n%s", r.status, loc, r.body)
	}
	return strings.TrimPrefix(loc, portalPrefix+"/ho-so/")
}

// submitBirthWeb logs An in (if needed) and submits a DV09 dossier
// through the pages.
func (b *browser) submitBirthWeb() string {
	b.t.Helper()
	return dossierID(b.t, b.submitReview("DV09", b.reviewBirth()))
}

// loggedIn is a browser where p has logged in.
func (e *env) loggedIn(p person) *browser {
	b := e.browser()
	b.login(p, "/")
	return b
}

// apiDossier reads a dossier through the API as p.
func (e *env) apiDossier(p person, id string) *api.Dossier {
	e.t.Helper()
	d, err := e.as(p).Dossier(context.Background(), id)
	if err != nil {
		e.t.Fatalf("dossier %s: %v", id, err)
	}
	return d
}
