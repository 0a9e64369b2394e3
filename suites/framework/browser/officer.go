package browser

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework/pii"
)

// ErrActionNotOffered is wrapped by Backoffice.Act when the dossier page
// has no button for the action: the back office does not allow it now.
var ErrActionNotOffered = errors.New("the dossier page offers no button for this action")

// Backoffice is the page object of a back office's officer pages
// (docs/officers.md, "Web pages"): what a test officer does — log in,
// open a dossier by its code from the list, press an action's button with
// a note — as methods. Where things are comes from the selectors profile's
// backoffice pages P; Base is the back office's base URL.
type Backoffice struct {
	Tab  *Tab
	Base string
	P    *fixtures.BackofficePages
}

func (b *Backoffice) url(path string) string { return strings.TrimRight(b.Base, "/") + path }

func bwrap(step string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("back office: %s: %w", step, err)
}

// Login logs the officer in on the login page; a refused login is an
// error carrying the page's message.
func (b *Backoffice) Login(username, password string) error {
	l := b.P.Login
	if err := b.Tab.Navigate(b.url(l.Path)); err != nil {
		return bwrap("open the login page", err)
	}
	steps := []func() error{
		func() error { return b.Tab.WaitVisible(l.Username) },
		func() error { return b.Tab.SetValue(l.Username, username) },
		func() error { return b.Tab.SetValue(l.Password, password) },
		func() error { _, err := b.Tab.ClickAndWait(l.Submit); return err },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return bwrap("log in as "+username, err)
		}
	}
	if b.Tab.Exists(l.Error) {
		msg, _ := b.Tab.Text(l.Error)
		return bwrap("log in as "+username, fmt.Errorf("refused: %s", msg))
	}
	if loc, err := b.Tab.Location(); err != nil || strings.HasPrefix(loc, b.url(l.Path)) {
		return bwrap("log in as "+username, fmt.Errorf("still on the login page (%s, %v)", loc, err))
	}
	return nil
}

// Open opens the dossier with the code from the list page, as an officer
// finds it, and waits for its page.
func (b *Backoffice) Open(code string) error {
	li, d := b.P.List, b.P.Dossier
	if err := b.Tab.Navigate(b.url(li.Path)); err != nil {
		return bwrap("open the dossier list", err)
	}
	if err := b.Tab.WaitVisible(li.Table); err != nil {
		return bwrap("open the dossier list", err)
	}
	row := fixtures.Fill(li.Row, "code", code)
	if !b.Tab.Exists(row) {
		return bwrap("open dossier "+code, fmt.Errorf("the list has no row %s", row))
	}
	if _, err := b.Tab.ClickAndWait(row + " " + li.Open); err != nil {
		return bwrap("open dossier "+code, err)
	}
	if err := b.Tab.WaitVisible(d.Code); err != nil {
		return bwrap("open dossier "+code, err)
	}
	if shown, err := b.Tab.Text(d.Code); err != nil || shown != code {
		return bwrap("open dossier "+code, fmt.Errorf("the page shows dossier %q (%v)", shown, err))
	}
	return nil
}

// Showing reports whether the tab shows the dossier page of code now.
func (b *Backoffice) Showing(code string) bool {
	if !b.Tab.Exists(b.P.Dossier.Code) {
		return false
	}
	shown, err := b.Tab.Text(b.P.Dossier.Code)
	return err == nil && shown == code
}

// Status is the dossier page's state, from the status element's attribute.
func (b *Backoffice) Status() (string, error) {
	d := b.P.Dossier
	v, ok, err := b.Tab.Attr(d.Status, d.StatusAttr)
	if err == nil && !ok {
		err = fmt.Errorf("%s has no attribute %s", d.Status, d.StatusAttr)
	}
	return v, bwrap("read the dossier's state", err)
}

// Appointment is the appointment as the dossier page shows it ("" before
// the dossier is received).
func (b *Backoffice) Appointment() (string, error) {
	sel := b.P.Dossier.Appointment
	if !b.Tab.Exists(sel) {
		return "", nil
	}
	s, err := b.Tab.Text(sel)
	return s, bwrap("read the appointment", err)
}

// Actions are the actions of known whose buttons the dossier page shows,
// in known's order.
func (b *Backoffice) Actions(known []string) ([]string, error) {
	out := []string{}
	if err := b.Tab.WaitVisible(b.P.Dossier.Code); err != nil {
		return nil, bwrap("read the actions offered", err)
	}
	for _, a := range known {
		if b.Tab.Exists(fixtures.Fill(b.P.Dossier.Action, "action", a)) {
			out = append(out, a)
		}
	}
	return out, nil
}

// Act writes the note and presses the action's button on the dossier page
// shown, and returns what the reloaded page says was done. An action with
// no button wraps ErrActionNotOffered; one the back office refused is an
// error carrying the page's alert.
func (b *Backoffice) Act(action, note string) (string, error) {
	d := b.P.Dossier
	step := "press " + action
	btn := fixtures.Fill(d.Action, "action", action)
	if !b.Tab.Exists(btn) {
		return "", bwrap(step, fmt.Errorf("%w (%s)", ErrActionNotOffered, btn))
	}
	if note != "" {
		if err := b.Tab.SetValue(d.Note, note); err != nil {
			return "", bwrap(step, err)
		}
	}
	if _, err := b.Tab.ClickAndWait(btn); err != nil {
		return "", bwrap(step, err)
	}
	if b.Tab.Exists(d.Error) {
		msg, _ := b.Tab.Text(d.Error)
		return "", bwrap(step, fmt.Errorf("refused: %s", msg))
	}
	if err := b.Tab.WaitVisible(d.Notice); err != nil {
		return "", bwrap(step, err)
	}
	msg, err := b.Tab.Text(d.Notice)
	return msg, bwrap(step, err)
}

// AttachOfficerOnFailure captures the officer tab's evidence when the spec
// fails, beside the citizen tab's (AttachOnFailure), under a name of its
// own so that neither overwrites the other.
func AttachOfficerOnFailure(t *Tab, runDir string) {
	budget := 5*t.timeout + 5*time.Second
	ginkgo.DeferOnFailure(func(_ ginkgo.SpecContext) {
		r := ginkgo.CurrentSpecReport()
		dir := filepath.Join(RunDir(runDir), "evidence")
		paths, err := t.Evidence(dir, EvidenceName(r.FullText(), r.NumAttempts)+"-officer")
		vis := ginkgo.ReportEntryVisibilityFailureOrVerbose
		for _, p := range paths {
			switch {
			case strings.HasSuffix(p, ".png"):
				ginkgo.AddReportEntry("screenshot", p, vis)
			case strings.HasSuffix(p, ".html"):
				ginkgo.AddReportEntry("page_html", p, vis)
			case strings.HasSuffix(p, ".console.txt"):
				ginkgo.AddReportEntry("console", consoleExcerpt(maskLines(t.Log()), p), vis)
			}
		}
		if err != nil {
			ginkgo.AddReportEntry("evidence_error", pii.Mask(err.Error()), vis)
		}
	}, ginkgo.NodeTimeout(budget))
}
