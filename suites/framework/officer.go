package framework

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/officer"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework/browser"
	"github.com/dvcqa/dvcqa/vocab"
)

// SystemBackoffice labels specs of the back office's own behaviour (the
// officer's negative specs), so a label filter can pick them.
var SystemBackoffice = ginkgo.Label(vocab.Label(vocab.KeySystem, vocab.SystemBackoffice))

// Officer is a test officer logged in to the target's back office
// (docs/officers.md), by the driver the profile names (officers.driver):
// the back office's API (APIOfficer) or its officer pages (WebOfficer).
type Officer interface {
	// Act takes an action (officer.Receive …) on the dossier with the
	// code, with a note for its history entry, and returns the dossier's
	// state after it.
	Act(ctx context.Context, code, action, note string) (state string, err error)
	// Dossier reads the dossier as the back office shows it. The web
	// driver fills in only what the pages show (see WebOfficer.Dossier).
	Dossier(ctx context.Context, code string) (*officer.Dossier, error)
}

// Officer logs in as the profile's test officer (officers.username and
// its password) with the profile's driver and returns it. On the web
// driver it opens a browser tab of its own, closed when the spec ends.
func (f *Framework) Officer(ctx context.Context) Officer {
	ginkgo.GinkgoHelper()
	user := f.Target.OfficerUsername()
	pw, err := f.Target.OfficerPassword()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "the test officer's password (officers.password_env)")
	base := f.Target.OfficerURL()
	if f.Target.OfficerDriver() == fixtures.OfficerDriverWeb {
		return f.webOfficer(ctx, base, user, pw)
	}
	c := officer.New(base, f.HTTP)
	s, err := c.Login(ctx, user, pw)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "log in to the back office %s as officer %s", base, user)
	return &APIOfficer{Client: c, Session: s}
}

// APIOfficer acts through the back office's API (api/officer).
type APIOfficer struct {
	Client  *officer.Client
	Session *officer.Session // the login's answer: who the harness acts as
	last    *officer.Dossier
}

// Act sends the action with a fresh idempotency key and keeps the answer
// (LastAnswer): the dossier after the action, as the back office says.
func (o *APIOfficer) Act(ctx context.Context, code, action, note string) (string, error) {
	o.last = nil
	d, err := o.Client.Act(ctx, code, action, note, NewKey())
	if err != nil {
		return "", err
	}
	o.last = d
	return d.Status, nil
}

// Dossier reads the dossier with its history (GET /dossiers/{code}).
func (o *APIOfficer) Dossier(ctx context.Context, code string) (*officer.Dossier, error) {
	return o.Client.Dossier(ctx, code)
}

// LastAnswer is the answer of the last successful Act, nil after a failed one.
func (o *APIOfficer) LastAnswer() *officer.Dossier { return o.last }

// ActAnswer is what the last Act of o answered, whole: the API's answer
// when the driver has one, else the dossier read back after it.
func ActAnswer(ctx context.Context, o Officer, code string) (*officer.Dossier, error) {
	if a, ok := o.(*APIOfficer); ok && a.last != nil && a.last.Code == code {
		return a.last, nil
	}
	return o.Dossier(ctx, code)
}

// ActingOfficer is who the back office names the harness's officer:
// the API session's officer (full name, title, unit). The officer pages
// do not show it: ok is false for the web driver.
func ActingOfficer(o Officer) (officer.Officer, bool) {
	if a, ok := o.(*APIOfficer); ok && a.Session != nil {
		return a.Session.Officer, true
	}
	return officer.Officer{}, false
}

// WebOfficer acts on the back office's officer pages in its own tab.
type WebOfficer struct {
	Page *browser.Backoffice
	// shown is the dossier whose page the tab shows; fresh is the one an
	// action has just reloaded, whose next Dossier reads that page rather
	// than opening it again.
	shown, fresh string
	found        map[string]bool // dossiers found once in the list
}

// open opens the dossier's page: from the list the first time, as an
// officer finds it, then at its address.
func (w *WebOfficer) open(code string) error {
	w.shown, w.fresh = "", ""
	open := w.Page.Open
	if w.found[code] {
		open = w.Page.Goto
	}
	if err := open(code); err != nil {
		return err
	}
	if w.found == nil {
		w.found = map[string]bool{}
	}
	w.found[code], w.shown = true, code
	return nil
}

// webOfficer opens a tab of its own (own cookies, evidence on failure
// under its own name) and logs in on the login page.
func (f *Framework) webOfficer(ctx context.Context, base, username, password string) *WebOfficer {
	ginkgo.GinkgoHelper()
	profile, err := f.portalProfile()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "load the portal's selectors profile")
	if !profile.Backoffice.Configured() {
		where := profile.File
		if where == "" {
			where = fixtures.DefaultPortalFile
		}
		ginkgo.Fail(fmt.Sprintf("officers.driver web: the selectors profile %s has no backoffice section (login, list, dossier pages) to drive the officer pages with", where))
	}
	tab := f.newTab(ctx)
	// Masked in the page before any evidence is captured, should a
	// failure leave it in the login form.
	tab.MaskInEvidence(password)
	browser.AttachOfficerOnFailure(tab, RunConfig().RunDir)
	w := &WebOfficer{Page: &browser.Backoffice{Tab: tab, Base: base, P: &profile.Backoffice}}
	gomega.Expect(w.Page.Login(username, password)).To(gomega.Succeed(), "log in on the back office's login page %s as officer %s", base, username)
	return w
}

// Act opens the dossier (unless the tab shows its page),
// presses the action's button with the note and reads the state back from
// the reloaded page. An action without a button wraps
// browser.ErrActionNotOffered.
func (w *WebOfficer) Act(_ context.Context, code, action, note string) (string, error) {
	if w.shown != code {
		if err := w.open(code); err != nil {
			return "", err
		}
	}
	w.fresh = ""
	page, err := w.Page.Act(action, note)
	if err != nil {
		return "", err
	}
	if page.Code != code {
		w.shown = ""
		return "", fmt.Errorf("back office: %s %s: the reloaded page shows dossier %q", action, code, page.Code)
	}
	w.fresh = code
	return page.Status, nil
}

// displayDate finds a dd/MM/yyyy date in what a page shows.
var displayDate = regexp.MustCompile(`\b\d{2}/\d{2}/\d{4}\b`)

// Dossier opens the dossier's page (or reads the one an action has just
// reloaded) and reads what it shows: the code, the state, the actions
// offered (a button each) and the appointment (its <time datetime> when
// the page has one, else the displayed date at midnight, Vietnam time;
// zero when none is shown). The pages show no approval flag, applicant or
// history: those stay zero.
func (w *WebOfficer) Dossier(_ context.Context, code string) (*officer.Dossier, error) {
	if w.fresh != code {
		if err := w.open(code); err != nil {
			return nil, err
		}
	}
	w.fresh = ""
	page, err := w.Page.Read(officer.AllActions)
	if err != nil {
		return nil, err
	}
	d := &officer.Dossier{Code: page.Code, Status: page.Status, Actions: page.Actions}
	switch m := displayDate.FindString(page.Appointment); {
	case page.AppointmentDatetime != "":
		if d.AppointmentAt, err = time.Parse(time.RFC3339, page.AppointmentDatetime); err != nil {
			return nil, fmt.Errorf("back office: dossier %s: appointment datetime %q: %w", code, page.AppointmentDatetime, err)
		}
	case m != "":
		if d.AppointmentAt, err = time.ParseInLocation("02/01/2006", m, vietnamTime); err != nil {
			return nil, fmt.Errorf("back office: dossier %s: appointment %q: %w", code, page.Appointment, err)
		}
	}
	return d, nil
}

var vietnamTime = time.FixedZone("ICT", 7*3600)

// IsActionRefused reports whether err is the back office refusing an
// action the dossier's state does not allow: the API's 409
// action_not_allowed, or no button for it on the dossier page.
func IsActionRefused(err error) bool {
	return officer.IsActionNotAllowed(err) || errors.Is(err, browser.ErrActionNotOffered)
}
