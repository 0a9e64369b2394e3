package payment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"

	"github.com/dvcqa/dvcqa/internal/netreason"
)

// Pay acts as the citizen on the pay page: it loads payURL, submits the
// page's form with action=confirm (or cancel), and returns where the
// platform redirects to, without following it (the return URL belongs to
// the portal under test).
func (c *Client) Pay(ctx context.Context, payURL string, confirm bool) (string, error) {
	choice := "cancel"
	if confirm {
		choice = "confirm"
	}
	hc := *c.httpClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, payURL, nil)
	if err != nil {
		return "", fmt.Errorf("pay page: %w", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("pay page: %w", err)
	}
	page, err := netreason.ReadBody(resp.Body, 4<<20)
	resp.Body.Close()
	if err != nil {
		return "", fmt.Errorf("pay page %s: %w", payURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("pay page %s: HTTP %d: %s", payURL, resp.StatusCode, snippet(page))
	}
	f, err := parsePayForm(string(page))
	if err != nil {
		return "", fmt.Errorf("pay page %s: %w", payURL, err)
	}
	if !slices.Contains(f.choices, choice) {
		return "", fmt.Errorf("pay page %s: no %q button (has %v)", payURL, choice, f.choices)
	}
	action, err := resp.Request.URL.Parse(f.action)
	if err != nil {
		return "", fmt.Errorf("pay page %s: form action %q: %w", payURL, f.action, err)
	}
	f.values.Set("action", choice)

	req, err = http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(f.values.Encode()))
	if err != nil {
		return "", fmt.Errorf("pay %s: %w", choice, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("pay %s: %w", choice, err)
	}
	body, _ := netreason.ReadBody(resp.Body, 64<<10)
	resp.Body.Close()
	if resp.StatusCode/100 != 3 {
		return "", fmt.Errorf("pay %s: HTTP %d, want a redirect: %s", choice, resp.StatusCode, snippet(body))
	}
	loc, err := resp.Location()
	if err != nil {
		return "", fmt.Errorf("pay %s: redirect: %w", choice, err)
	}
	return loc.String(), nil
}

// payForm is the first POST form of the page that has an "action" button.
type payForm struct {
	action  string     // as written, maybe relative
	values  url.Values // hidden inputs, sent back as they are
	choices []string   // values of the "action" buttons
}

func parsePayForm(page string) (*payForm, error) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("parse HTML: %w", err)
	}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "form" || !strings.EqualFold(attr(n, "method"), "post") {
			continue
		}
		f := &payForm{action: attr(n, "action"), values: url.Values{}}
		for c := range n.Descendants() {
			if c.Type != html.ElementNode || (c.Data != "input" && c.Data != "button") {
				continue
			}
			switch {
			case attr(c, "name") == "action" && isSubmit(c):
				f.choices = append(f.choices, attr(c, "value"))
			case c.Data == "input" && strings.EqualFold(attr(c, "type"), "hidden") && attr(c, "name") != "":
				f.values.Add(attr(c, "name"), attr(c, "value"))
			}
		}
		if len(f.choices) > 0 {
			return f, nil
		}
	}
	return nil, errors.New("no POST form with action buttons")
}

// isSubmit: a <button> submits unless its type says otherwise.
func isSubmit(n *html.Node) bool {
	typ := strings.ToLower(attr(n, "type"))
	if n.Data == "button" {
		return typ == "" || typ == "submit"
	}
	return typ == "submit"
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
