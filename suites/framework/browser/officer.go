package browser

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/dvcqa/dvcqa/fixtures"
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
	li := b.P.List
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
	return b.shows(code)
}

// Goto opens the dossier's page at its address (dossier.path), as an
// officer's bookmark does: the quick way back to a dossier once found.
func (b *Backoffice) Goto(code string) error {
	if err := b.Tab.Navigate(b.url(fixtures.Fill(b.P.Dossier.Path, "code", code))); err != nil {
		return bwrap("go to dossier "+code, err)
	}
	return b.shows(code)
}

// shows waits for the dossier page and checks it is code's.
func (b *Backoffice) shows(code string) error {
	d := b.P.Dossier
	if err := b.Tab.WaitVisible(d.Code); err != nil {
		return bwrap("open dossier "+code, err)
	}
	if shown, err := b.Tab.Text(d.Code); err != nil || shown != code {
		return bwrap("open dossier "+code, fmt.Errorf("the page shows dossier %q (%v)", shown, err))
	}
	return nil
}

// DossierPage is what the dossier page shows, read in one step.
type DossierPage struct {
	Code   string
	Status string // the status element's attribute; "" when absent
	// Actions are the actions (of those asked about) whose buttons the page
	// shows, in the order asked.
	Actions []string
	// Appointment as displayed, and its machine-readable form (the
	// datetime of a <time> at or in the appointment element) when there is
	// one; both "" before the dossier is received.
	Appointment, AppointmentDatetime string
	Notice, Error                    string // after an action: what was done, or why not
}

// Read reads the dossier page shown, asking which of known are offered.
func (b *Backoffice) Read(known []string) (DossierPage, error) {
	d := b.P.Dossier
	buttons := map[string]string{}
	if known == nil {
		known = []string{} // a JSON list, never null
	}
	for _, a := range known {
		buttons[a] = fixtures.Fill(d.Action, "action", a)
	}
	sel, _ := json.Marshal(map[string]any{"code": d.Code, "status": d.Status, "attr": d.StatusAttr, "appointment": d.Appointment,
		"notice": d.Notice, "error": d.Error, "known": known, "buttons": buttons})
	js := `((s) => {
  const q = (x) => document.querySelector(x), text = (x) => { const e = q(x); return e ? e.textContent.trim() : ''; };
  const st = q(s.status), ap = q(s.appointment);
  let dt = '';
  if (ap) { const t = ap.matches('time[datetime]') ? ap : ap.querySelector('time[datetime]'); if (t) dt = t.getAttribute('datetime'); }
  return {Code: text(s.code), Status: st ? (st.getAttribute(s.attr) || '') : '', Actions: s.known.filter(a => q(s.buttons[a]) !== null),
    Appointment: text(s.appointment), AppointmentDatetime: dt, Notice: text(s.notice), Error: text(s.error)};
})(` + string(sel) + `)`
	var p DossierPage
	if err := b.Tab.WaitVisible(d.Code); err != nil {
		return p, bwrap("read the dossier page", err)
	}
	return p, bwrap("read the dossier page", b.Tab.Evaluate(js, &p))
}

// Act writes the note and presses the action's button on the dossier page
// shown, and returns the reloaded page (its Notice says what was done). An
// action with no button wraps ErrActionNotOffered; one the back office
// refused is an error carrying the page's alert.
func (b *Backoffice) Act(action, note string) (DossierPage, error) {
	d := b.P.Dossier
	step := "press " + action
	btn := fixtures.Fill(d.Action, "action", action)
	if !b.Tab.Exists(btn) {
		return DossierPage{}, bwrap(step, fmt.Errorf("%w (%s)", ErrActionNotOffered, btn))
	}
	if note != "" {
		if err := b.Tab.SetValue(d.Note, note); err != nil {
			return DossierPage{}, bwrap(step, err)
		}
	}
	if _, err := b.Tab.ClickAndWait(btn); err != nil {
		return DossierPage{}, bwrap(step, err)
	}
	page, err := b.Read(nil)
	switch {
	case err != nil:
		return page, bwrap(step, err)
	case page.Error != "":
		return page, bwrap(step, fmt.Errorf("refused: %s", page.Error))
	case page.Notice == "":
		return page, bwrap(step, fmt.Errorf("the reloaded page says nothing of it (no %s, no %s)", d.Notice, d.Error))
	}
	return page, nil
}

// AttachOfficerOnFailure captures the officer tab's evidence when the spec
// fails, beside the citizen tab's (AttachOnFailure), under a name of its
// own so that neither overwrites the other.
func AttachOfficerOnFailure(t *Tab, runDir string) { attachOnFailure(t, runDir, "-officer") }
