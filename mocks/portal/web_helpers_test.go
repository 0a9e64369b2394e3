package portal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/dvcqa/dvcqa/mocks/sso"
)

const portalPrefix = "/portal/01" // where web tests mount the portal, as the world does

func password(p person) string { return "mk-" + p.ID }

// newWebEnv is a portal mounted under /portal/01 beside a real SSO (the
// mocks/sso provider, signing with ssoKey) where An and Binh have
// accounts, and the client dvcqa-portal may come back to the portal's
// /auth/callback. The portal reads the SSO's keys from its JWKS, as in
// the world.
func newWebEnv(t *testing.T, defects Defects) *env {
	t.Helper()
	return newWebEnvWith(t, worldDay, defects)
}

// newWebEnvDay is newWebEnv with a world day lasting day in real time.
func newWebEnvDay(t *testing.T, day time.Duration) *env {
	t.Helper()
	return newWebEnvWith(t, day, nil)
}

func newWebEnvWith(t *testing.T, day time.Duration, defects Defects) *env {
	t.Helper()
	ssoSrv := httptest.NewServer(nil)
	t.Cleanup(ssoSrv.Close)
	iss := ssoSrv.URL + "/sso"
	e := newEnvFrom(t, envConfig{day: day, defects: defects, prefix: portalPrefix, tweak: func(o *Options) {
		o.SSOIssuer = iss
		o.KeySet = nil
	}})
	e.tokenClaims = func(m map[string]any) { m["iss"] = iss } // API tokens as if from this SSO
	var accounts []sso.Account
	for _, p := range []person{an, binh} {
		accounts = append(accounts, sso.Account{PersonalID: p.ID, Password: password(p),
			Claims: map[string]string{"HoVaTen": p.Name, "NgayThangNamSinh": p.Born}})
	}
	provider, err := sso.New(sso.Options{Issuer: iss, Key: ssoKey, Accounts: accounts,
		Clients: []sso.Client{{ID: "dvcqa-portal", RedirectURIs: []string{e.base + "/auth/callback"}}}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/sso/", http.StripPrefix("/sso", provider))
	ssoSrv.Config.Handler = mux
	// The portal picks keys from the JWKS by kid: API tokens need the SSO's.
	resp, err := http.Get(iss + "/jwks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var jwks struct {
		Keys []struct {
			Kid string `json:"kid"`
		} `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&jwks); err != nil || len(jwks.Keys) == 0 {
		t.Fatalf("SSO JWKS: %v", err)
	}
	e.tokenKid = jwks.Keys[0].Kid
	return e
}

// browser is a citizen's browser: a cookie jar, and every portal page it
// receives is checked by checkPage.
type browser struct {
	t      *testing.T
	e      *env
	follow *http.Client
	stay   *http.Client // does not follow redirects
}

func (e *env) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	stop := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{t: e.t, e: e,
		follow: &http.Client{Jar: jar, Timeout: 10 * time.Second},
		stay:   &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: stop}}
}

// response is one answer, its HTML parsed.
type response struct {
	status int
	url    *url.URL // after redirects
	header http.Header
	body   string
	doc    *html.Node // nil unless HTML
}

func (b *browser) abs(path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return path
	}
	return b.e.base + path
}

func (b *browser) do(c *http.Client, req *http.Request) *response {
	b.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	r := &response{status: resp.StatusCode, url: resp.Request.URL, header: resp.Header, body: string(body)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		if r.doc, err = html.Parse(bytes.NewReader(body)); err != nil {
			b.t.Fatalf("%s does not parse as HTML: %v", r.url, err)
		}
		// Redirects carry a stub body from net/http, not a page.
		if strings.HasPrefix(r.url.String(), b.e.base+"/") && (r.status < 300 || r.status > 399) {
			checkPage(b.t, r.url.Path, r.doc)
		}
	}
	return r
}

func (b *browser) get(path string) *response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.abs(path), nil)
	return b.do(b.follow, req)
}

func (b *browser) getNoFollow(path string) *response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.abs(path), nil)
	return b.do(b.stay, req)
}

func (b *browser) post(path string, form url.Values) *response {
	b.t.Helper()
	return b.do(b.follow, b.formRequest(path, form))
}

func (b *browser) postNoFollow(path string, form url.Values) *response {
	b.t.Helper()
	return b.do(b.stay, b.formRequest(path, form))
}

func (b *browser) formRequest(path string, form url.Values) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, b.abs(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// upload is a file chosen in a file input.
type upload struct {
	name, contentType string
	data              []byte
}

// postMultipart posts like the form page does: values, then files by
// input name. It does not follow redirects.
func (b *browser) postMultipart(path string, form url.Values, files map[string]upload) *response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for input, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, input, f.name))
		h.Set("Content-Type", f.contentType)
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(f.data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.abs(path), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(b.stay, req)
}

// login goes through the SSO's login page as p and comes back to next.
func (b *browser) login(p person, next string) *response {
	b.t.Helper()
	page := b.get("/dang-nhap?next=" + url.QueryEscape(next))
	if page.status != http.StatusOK || !strings.Contains(page.url.Path, "/sso/authorize") {
		b.t.Fatalf("login did not reach the SSO page: %d %s", page.status, page.url)
	}
	form := first(page.doc, func(n *html.Node) bool { return n.DataAtom == atom.Form })
	if form == nil {
		b.t.Fatalf("SSO page has no form: %s", page.body)
	}
	vals := url.Values{}
	for _, in := range all(form, func(n *html.Node) bool { return n.DataAtom == atom.Input }) {
		if name := attr(in, "name"); name != "" {
			vals.Set(name, attr(in, "value"))
		}
	}
	vals.Set("username", p.ID)
	vals.Set("password", password(p))
	back := b.post(attr(form, "action"), vals)
	if back.status != http.StatusOK || back.url.Path != portalPrefix+strings.SplitN(next, "?", 2)[0] {
		b.t.Fatalf("after login: %d %s, want %s", back.status, back.url, next)
	}
	return back
}

// --- HTML helpers --------------------------------------------------------

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func all(root *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	if root != nil {
		walk(root)
	}
	return out
}

func first(root *html.Node, match func(*html.Node) bool) *html.Node {
	if found := all(root, match); len(found) > 0 {
		return found[0]
	}
	return nil
}

func byID(root *html.Node, id string) *html.Node {
	return first(root, func(n *html.Node) bool { return attr(n, "id") == id })
}

func tagged(a atom.Atom) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.DataAtom == a }
}

// text is the element's text, spaces collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	if n != nil {
		walk(n)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// nextElement is the element right after n among its siblings.
func nextElement(n *html.Node) *html.Node {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode {
			return s
		}
	}
	return nil
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// mustID is the element with the id, failing the test without one.
func mustID(t *testing.T, r *response, id string) *html.Node {
	t.Helper()
	n := byID(r.doc, id)
	if n == nil {
		t.Fatalf("%s has no #%s:\n%s", r.url, id, r.body)
	}
	return n
}

// checkPage is the structural and accessibility floor of every portal
// page (what axe-core would flag first): language, charset, viewport,
// title, one h1, heading levels that do not skip, landmarks, unique ids,
// a label[for] for every control, named buttons and links, no positive
// tabindex, errors announced, and the display controls as type=button.
func checkPage(t *testing.T, where string, doc *html.Node) {
	t.Helper()
	fail := func(format string, args ...any) { t.Errorf("%s: "+format, append([]any{where}, args...)...) }
	if d := doc.FirstChild; d == nil || d.Type != html.DoctypeNode || d.Data != "html" {
		fail("no <!DOCTYPE html>")
	}
	root := first(doc, tagged(atom.Html))
	if attr(root, "lang") != "vi" {
		fail(`<html lang=%q>, want "vi"`, attr(root, "lang"))
	}
	if first(doc, func(n *html.Node) bool {
		return n.DataAtom == atom.Meta && strings.EqualFold(attr(n, "charset"), "utf-8")
	}) == nil {
		fail(`no <meta charset="utf-8">`)
	}
	if first(doc, func(n *html.Node) bool { return n.DataAtom == atom.Meta && attr(n, "name") == "viewport" }) == nil {
		fail(`no <meta name="viewport">`)
	}
	if title := first(doc, tagged(atom.Title)); text(title) == "" {
		fail("no <title>")
	}
	levels := []atom.Atom{atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6}
	prev := 0
	for _, h := range all(doc, func(n *html.Node) bool { return headingLevel(n, levels) > 0 }) {
		lvl := headingLevel(h, levels)
		if lvl > prev+1 {
			fail("heading <h%d> %q skips a level after <h%d>", lvl, text(h), prev)
		}
		prev = lvl
	}
	if n := len(all(doc, tagged(atom.H1))); n != 1 {
		fail("%d <h1>, want exactly one", n)
	}
	for _, lm := range []atom.Atom{atom.Header, atom.Nav, atom.Main, atom.Footer} {
		if first(doc, tagged(lm)) == nil {
			fail("no <%s> landmark", lm)
		}
	}
	ids := map[string]bool{}
	for _, n := range all(doc, func(n *html.Node) bool { _, ok := attrOK(n, "id"); return ok }) {
		id := attr(n, "id")
		if id == "" || ids[id] {
			fail("empty or duplicate id %q", id)
		}
		ids[id] = true
	}
	labelled := map[string]bool{}
	for _, l := range all(doc, tagged(atom.Label)) {
		if text(l) == "" {
			fail("label for %q has no text", attr(l, "for"))
		}
		labelled[attr(l, "for")] = true
	}
	for _, c := range all(doc, func(n *html.Node) bool {
		return n.DataAtom == atom.Select || n.DataAtom == atom.Textarea ||
			(n.DataAtom == atom.Input && !strings.Contains(" hidden submit button reset image ", " "+attr(n, "type")+" "))
	}) {
		if id := attr(c, "id"); id == "" || !labelled[id] {
			fail("<%s name=%q id=%q> has no <label for>", c.Data, attr(c, "name"), id)
		}
	}
	for _, n := range all(doc, func(n *html.Node) bool { _, ok := attrOK(n, "tabindex"); return ok }) {
		if v, _ := strconv.Atoi(attr(n, "tabindex")); v > 0 {
			fail("positive tabindex on <%s id=%q>", n.Data, attr(n, "id"))
		}
	}
	for _, b := range all(doc, tagged(atom.Button)) {
		if text(b) == "" {
			fail("button %q has no text", attr(b, "id"))
		}
	}
	for _, a := range all(doc, tagged(atom.A)) {
		if text(a) == "" {
			fail("link to %q has no text", attr(a, "href"))
		}
	}
	for _, e := range all(doc, func(n *html.Node) bool { return hasClass(n, "loi") }) {
		if attr(e, "role") != "alert" {
			fail("error %q is not role=alert", text(e))
		}
	}
	for _, id := range []string{"co-chu-nho", "co-chu-vua", "co-chu-lon", "tuong-phan-cao"} {
		if b := byID(doc, id); b == nil || b.DataAtom != atom.Button || attr(b, "type") != "button" {
			fail(`#%s is not a <button type="button">`, id)
		}
	}
}

func headingLevel(n *html.Node, levels []atom.Atom) int {
	for i, a := range levels {
		if n.DataAtom == a {
			return i + 1
		}
	}
	return 0
}
