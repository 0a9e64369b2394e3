package portal

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	api "github.com/dvcqa/dvcqa/api/portal"
)

// selectorProfile is fixtures/portals/mock.yaml: where browser specs look
// for things on each page.
type selectorProfile struct {
	Name  string                       `yaml:"name"`
	Pages map[string]map[string]string `yaml:"pages"`
	Texts map[string]string            `yaml:"texts"`
}

var plainID = regexp.MustCompile(`^#[A-Za-z0-9_-]+$`)

// TestWebSelectorProfile: every plain "#id" selector of the mock portal's
// profile exists on the page it belongs to (placeholders filled with each
// field and attachment of the service), and the profile's texts appear.
func TestWebSelectorProfile(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "portals", "mock.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var prof selectorProfile
	if err := yaml.Unmarshal(raw, &prof); err != nil {
		t.Fatal(err)
	}

	e := newWebEnv(t, nil)
	anon := e.browser()
	b := e.browser()
	loggedIn := b.login(an, "/")

	// Every page state the profile's selectors need, by profile page.
	formPage, shown := b.openForm("DV09")
	missing := birthForm(shown)
	missing.Set("HoTenTre", "")
	invalid := b.postMultipart("/ho-so/moi/DV09", missing, birthFiles)
	review := b.reviewBirth()
	birthID := dossierID(t, b.submitReview("DV09", review))
	birth := e.waitFor(e.as(an), birthID, "delivered", delivered)

	_, passport := b.openForm("DV12")
	passport.Set("NoiNhan", "Trực tiếp")
	passport.Set("action", "review")
	passportReview := b.postMultipart("/ho-so/moi/DV12", passport, map[string]upload{"tep-anh_chan_dung": {"anh.png", "image/png", pngBytes}})
	passportID := dossierID(t, b.submitReview("DV12", passportReview))
	passportDossier := e.waitFor(e.as(an), passportID, "waiting for payment", func(d *api.Dossier) bool { return d.Status == api.StatusPaymentRequired })

	pages := map[string][]*response{
		"home":           {anon.get("/"), loggedIn},
		"service":        {b.get("/dich-vu/DV09")},
		"form":           {formPage, invalid},
		"review":         {review},
		"dossier":        {b.get("/ho-so/" + birthID), b.get("/ho-so/" + passportID)},
		"payment_return": {b.get("/payment/return?TrangThaiGD=1&MaThamChieu=" + url.QueryEscape(passportDossier.Code))},
		"result":         {b.get("/ho-so/" + birthID + "/ket-qua")},
	}
	external := map[string]bool{"sso_login": true, "payment": true} // the SSO's and the payment platform's pages
	fill := map[string][]string{"{id}": {"DV09"}, "{name}": nil, "{type}": nil}
	for _, f := range testCatalog().Services[0].Form {
		fill["{name}"] = append(fill["{name}"], f.Name)
	}
	for _, a := range testCatalog().Services[0].Attachments {
		fill["{type}"] = append(fill["{type}"], a.Type)
	}
	// The field error exists for the field left empty.
	only := map[string][]string{"#loi-{name}": {"HoTenTre"}}

	checked := 0
	for pageName, selectors := range prof.Pages {
		docs, known := pages[pageName]
		if external[pageName] {
			continue
		}
		if !known {
			t.Errorf("profile page %q is not known to this test: add its page state", pageName)
			continue
		}
		for key, sel := range selectors {
			for _, concrete := range expand(sel, fill, only) {
				if !plainID.MatchString(concrete) {
					continue // attribute and tag selectors: the page tests check them
				}
				checked++
				found := false
				for _, r := range docs {
					found = found || byID(r.doc, strings.TrimPrefix(concrete, "#")) != nil
				}
				if !found {
					t.Errorf("%s.%s: %s is on none of the page's states (%d checked)", pageName, key, concrete, len(docs))
				}
			}
		}
	}
	if checked < 30 {
		t.Fatalf("only %d selectors checked: the profile was not read", checked)
	}
	if !strings.Contains(pages["dossier"][0].body, prof.Texts["delivered"]) || birth.Status != api.StatusDelivered {
		t.Errorf("delivered dossier lacks %q", prof.Texts["delivered"])
	}
	if !strings.Contains(pages["payment_return"][0].body, prof.Texts["payment_success"]) {
		t.Errorf("payment return lacks %q", prof.Texts["payment_success"])
	}
	if r := pages["dossier"][1]; r.status != http.StatusOK || byID(r.doc, "thanh-toan") == nil {
		t.Error("the unpaid dossier has no pay button")
	}
}

// expand fills a selector's placeholders with every value (or the values
// of only, for that selector).
func expand(sel string, fill, only map[string][]string) []string {
	out := []string{sel}
	for ph, values := range fill {
		if !strings.Contains(sel, ph) {
			continue
		}
		if o, ok := only[sel]; ok {
			values = o
		}
		var next []string
		for _, s := range out {
			for _, v := range values {
				next = append(next, strings.ReplaceAll(s, ph, v))
			}
		}
		out = next
	}
	return out
}
