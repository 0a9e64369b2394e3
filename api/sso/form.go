package sso

import (
	"bytes"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// loginForm is the first form on a page that has a password input, with the
// values a browser would submit besides the credentials.
type loginForm struct {
	action *url.URL
	fields url.Values
	names  []string // names of the form's text-like, password and checkable inputs
}

// parsePage parses an HTML page; x/net/html recovers from any markup, so the
// only possible error is a read error, which cannot happen on a byte slice.
func parsePage(body []byte) *html.Node {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return &html.Node{Type: html.DocumentNode}
	}
	return doc
}

// findLoginForm returns the page's login form, or nil when it has none.
// The action is resolved against the page URL like a browser does.
func findLoginForm(doc *html.Node, page *url.URL) *loginForm {
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.DataAtom != atom.Form {
			continue
		}
		if f := readForm(n, page); f != nil {
			return f
		}
	}
	return nil
}

func readForm(form *html.Node, page *url.URL) *loginForm {
	f := &loginForm{action: page, fields: url.Values{}}
	if a, ok := attr(form, "action"); ok && strings.TrimSpace(a) != "" {
		u, err := page.Parse(strings.TrimSpace(a))
		if err != nil {
			return nil
		}
		f.action = u
	}
	hasPassword, haveButton := false, false
	for n := range form.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		name, _ := attr(n, "name")
		value, _ := attr(n, "value")
		typ, _ := attr(n, "type")
		typ = strings.ToLower(typ)
		switch n.DataAtom {
		case atom.Input:
			switch typ {
			case "password":
				hasPassword = true
				f.names = append(f.names, name)
			case "hidden":
				if name != "" {
					f.fields.Add(name, value)
				}
			case "checkbox", "radio":
				f.names = append(f.names, name) // so that a caller may tick it (has)
				if _, checked := attr(n, "checked"); checked && name != "" {
					f.fields.Add(name, orDefault(value, "on"))
				}
			case "submit", "image":
				// Browsers send the name of the button that was clicked: the first.
				if !haveButton && name != "" {
					f.fields.Add(name, value)
				}
				haveButton = true
			case "button", "reset", "file":
			default: // text, email, tel, number...
				f.names = append(f.names, name)
				if name != "" && value != "" {
					f.fields.Add(name, value)
				}
			}
		case atom.Button:
			if typ == "" || typ == "submit" {
				if !haveButton && name != "" {
					f.fields.Add(name, value)
				}
				haveButton = true
			}
		}
	}
	if !hasPassword {
		return nil
	}
	return f
}

func (f *loginForm) has(name string) bool { return slices.Contains(f.names, name) }

// pageMessage finds the message a login page shows the user: an element with
// role="alert", else one whose class mentions "error" or "alert", else the
// page title.
func pageMessage(doc *html.Node) string {
	var byClass, title string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		if role, _ := attr(n, "role"); role == "alert" {
			if t := text(n); t != "" {
				return t
			}
		}
		class, _ := attr(n, "class")
		class = strings.ToLower(class)
		if byClass == "" && (strings.Contains(class, "error") || strings.Contains(class, "alert")) {
			byClass = text(n)
		}
		if title == "" && n.DataAtom == atom.Title {
			title = text(n)
		}
	}
	if byClass != "" {
		return byClass
	}
	return title
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

// text is the node's visible text with whitespace collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
