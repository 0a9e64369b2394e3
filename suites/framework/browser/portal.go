package browser

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
)

// ErrFormRejected is wrapped by the errors of SubmitButtonEnabled and Submit
// when the portal sent the form back with errors instead of the review page.
var ErrFormRejected = errors.New("the portal sent the form back with errors")

// Portal is the page object of a provincial portal's web front (docs/web.md):
// what a citizen does, as methods a spec reads like a checklist. Where
// things are comes from the selectors profile P, never from Go code.
type Portal struct {
	Tab  *Tab
	Base string // the portal's base URL, e.g. {world}/portal/01
	P    *fixtures.PortalProfile
}

func (p *Portal) url(path string) string { return strings.TrimRight(p.Base, "/") + path }

// wrap names the checklist step in an error.
func wrap(step string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("portal: %s: %w", step, err)
}

// clickTo follows a link or button and waits for an element of the page it
// leads to.
func (p *Portal) clickTo(sel, want string) error {
	if _, err := p.Tab.ClickAndWait(sel); err != nil {
		return err
	}
	return p.Tab.WaitVisible(want)
}

// Home opens the portal's home page.
func (p *Portal) Home() error {
	h := p.P.Pages.Home
	if err := p.Tab.Navigate(p.url(h.Path)); err != nil {
		return wrap("open the home page", err)
	}
	return wrap("open the home page", p.Tab.WaitVisible(h.SearchInput))
}

// Search searches the services from the home page's search box.
func (p *Portal) Search(q string) error {
	h := p.P.Pages.Home
	if !p.Tab.Exists(h.SearchInput) {
		if err := p.Home(); err != nil {
			return err
		}
	}
	if err := p.Tab.SetValue(h.SearchInput, q); err != nil {
		return wrap("search "+q, err)
	}
	return wrap("search "+q, p.clickTo(h.SearchSubmit, h.SearchInput))
}

// ServiceListed reports whether the page lists a link to service id now.
func (p *Portal) ServiceListed(id string) bool {
	return p.Tab.Exists(fixtures.Fill(p.P.Pages.Home.ServiceLink, "id", id))
}

// OpenService follows the link to service id (from the home page when the
// current page has none) and waits for its page.
func (p *Portal) OpenService(id string) error {
	link := fixtures.Fill(p.P.Pages.Home.ServiceLink, "id", id)
	if !p.Tab.Exists(link) {
		if err := p.Home(); err != nil {
			return err
		}
	}
	return wrap("open service "+id, p.clickTo(link, p.P.Pages.Service.Title))
}

// ServiceDetails is what a service page shows a citizen about the
// procedure, as rendered text.
type ServiceDetails struct {
	Fee            string   // e.g. "150.000 ₫", "Miễn phí"
	ProcessingTime string   // e.g. "5 ngày làm việc"
	Attachments    []string // the required-documents list's items, in page order
}

// ServiceDetails reads the visible fee, processing time and required
// documents of the service page shown.
func (p *Portal) ServiceDetails() (ServiceDetails, error) {
	s := p.P.Pages.Service
	var d ServiceDetails
	var err error
	if d.Fee, err = p.Tab.Text(s.Fee); err != nil {
		return d, wrap("read the service's fee", err)
	}
	if d.ProcessingTime, err = p.Tab.Text(s.ProcessingTime); err != nil {
		return d, wrap("read the service's processing time", err)
	}
	d.Attachments, err = p.Tab.Texts(s.AttachmentItem)
	return d, wrap("read the service's required documents", err)
}

// Login logs in through the SSO's login page, as a citizen does: login link,
// credentials, back on the portal with the citizen's name shown.
func (p *Portal) Login(personalID, password string) error {
	h, s := p.P.Pages.Home, p.P.Pages.SSOLogin
	if !p.Tab.Exists(h.LoginLink) {
		if err := p.Home(); err != nil {
			return err
		}
	}
	steps := []func() error{
		func() error { return p.clickTo(h.LoginLink, s.Username) },
		func() error { return p.Tab.SetValue(s.Username, personalID) },
		func() error { return p.Tab.SetValue(s.Password, password) },
		func() error { return p.clickTo(s.Submit, h.UserName) },
	}
	for _, f := range steps {
		if err := f(); err != nil {
			return wrap("log in", err)
		}
	}
	if loc, err := p.Tab.Location(); err != nil || !strings.HasPrefix(loc, strings.TrimRight(p.Base, "/")) {
		return wrap("log in", fmt.Errorf("not back on the portal %s after login, at %s (%v)", p.Base, loc, err))
	}
	if name, err := p.UserName(); err == nil {
		p.Tab.MaskInEvidence(strings.TrimSpace(name))
	}
	return nil
}

// SaveLogin keeps the tab's logged-in state (after Login) in l for later
// specs of the same citizen on the same portal (LoginReusing).
func (p *Portal) SaveLogin(l *Logins, personalID string) error {
	st, err := p.Tab.StorageState()
	if err != nil {
		return wrap("save the login", err)
	}
	l.put(p.loginKey(personalID), st)
	return nil
}

// LoginReusing logs in as the citizen with the state a spec saved after
// logging in through the SSO pages (SaveLogin) when there is one, and
// through the pages otherwise (then saving it). The saved state must still
// be logged in: the home page shows the user's name, else it is dropped
// and the citizen logs in through the pages. reused says which happened.
func (p *Portal) LoginReusing(l *Logins, personalID, password string) (reused bool, err error) {
	key := p.loginKey(personalID)
	if st := l.get(key); st != nil {
		if err := p.Tab.SetStorageState(st); err != nil {
			return false, wrap("log in with the saved state", err)
		}
		if err := p.Home(); err != nil {
			return false, err
		}
		if p.Tab.Exists(p.P.Pages.Home.UserName) {
			if name, err := p.UserName(); err == nil {
				p.Tab.MaskInEvidence(strings.TrimSpace(name))
			}
			return true, nil
		}
		l.drop(key) // expired: log in again
	}
	if err := p.Login(personalID, password); err != nil {
		return false, err
	}
	return false, p.SaveLogin(l, personalID)
}

func (p *Portal) loginKey(personalID string) string {
	return strings.TrimRight(p.Base, "/") + " " + personalID
}

// UserName is the logged-in citizen's name as the portal shows it.
func (p *Portal) UserName() (string, error) {
	s, err := p.Tab.Text(p.P.Pages.Home.UserName)
	return s, wrap("read the user name", err)
}

// StartDossier clicks "submit online" on a service page and waits for the form.
func (p *Portal) StartDossier() error {
	return wrap("start a dossier", p.clickTo(p.P.Pages.Service.SubmitOnline, p.P.Pages.Form.Form))
}

func (p *Portal) field(name string) string { return fixtures.Fill(p.P.Pages.Form.Field, "name", name) }

// FieldValue is the current value of form field name.
func (p *Portal) FieldValue(name string) (string, error) {
	v, err := p.Tab.Value(p.field(name))
	return v, wrap("read field "+name, err)
}

// FieldPrefilled reports whether the portal filled field name from the
// national databases: data-prefilled="true", or read-only.
func (p *Portal) FieldPrefilled(name string) bool {
	sel := p.field(name)
	if v, ok, err := p.Tab.Attr(sel, "data-prefilled"); err == nil && ok && v == "true" {
		return true
	}
	_, ro, err := p.Tab.Attr(sel, "readonly")
	return err == nil && ro
}

// FillField enters value into a form field according to its type.
func (p *Portal) FillField(f fixtures.Field, value string) error {
	var err error
	if f.Type == "select" {
		err = p.Tab.Select(p.field(f.Name), value)
	} else {
		err = p.Tab.SetValue(p.field(f.Name), value)
	}
	return wrap("fill field "+f.Name, err)
}

// Attach puts a file into the attachment input of type typ.
func (p *Portal) Attach(typ, filename, mimeType string, data []byte) error {
	sel := fixtures.Fill(p.P.Pages.Form.Attachment, "type", typ)
	return wrap("attach "+typ, p.Tab.upload(sel, filename, mimeType, data))
}

// Review sends the form for review and waits for the portal's answer: the
// review page, or the form sent back with errors (read them with
// FieldError; SubmitButtonEnabled and Submit then fail with
// ErrFormRejected). The browser's own checks (required, pattern) are
// bypassed, so that the portal's validation, which is what is under test,
// answers; ValidationMessage reads what the browser would have said.
func (p *Portal) Review() error {
	f, r := p.P.Pages.Form, p.P.Pages.Review
	if err := p.DisableBrowserValidation(); err != nil {
		return err
	}
	if _, err := p.Tab.ClickAndWait(f.Review); err != nil {
		return wrap("review the dossier", err)
	}
	if p.Tab.Exists(r.Section) || p.Tab.Exists(f.Form) {
		return nil
	}
	return wrap("review the dossier", p.Tab.WaitVisible(r.Section))
}

// OnReviewPage reports whether the review page is shown (false after the
// portal sent the form back).
func (p *Portal) OnReviewPage() bool { return p.Tab.Exists(p.P.Pages.Review.Section) }

// rejected is the error for "still on the form": the alerts the page shows.
func (p *Portal) rejected() error {
	var alerts []string
	_ = p.Tab.Evaluate(`[...document.querySelectorAll('[role=alert]')].map(e => e.innerText.trim()).filter(s => s)`, &alerts)
	if len(alerts) == 0 {
		return ErrFormRejected
	}
	return fmt.Errorf("%w: %s", ErrFormRejected, strings.Join(alerts, "; "))
}

// DisableBrowserValidation lets the current form be sent with values the
// browser would refuse (empty required fields, bad dates), so that specs
// test the portal's own validation. It lasts until the next page.
func (p *Portal) DisableBrowserValidation() error {
	sel := p.P.Pages.Form.Form
	if err := p.Tab.WaitVisible(sel); err != nil {
		return wrap("find the form", err)
	}
	return wrap("disable the browser's form validation",
		p.Tab.Evaluate(`document.querySelector(`+jsString(sel)+`).noValidate = true`, nil))
}

// ValidationMessage is the browser's own validation message for form field
// name ("" when its value is valid), in the browser's UI language (English
// unless Debian's chromium-l10n is installed).
func (p *Portal) ValidationMessage(name string) (string, error) {
	var msg string
	err := p.Tab.Evaluate(`document.querySelector(`+jsString(p.field(name))+`).validationMessage`, &msg)
	return msg, wrap("read the validation message of field "+name, err)
}

// FieldError is the error shown next to form field name, "" when none.
func (p *Portal) FieldError(name string) (string, error) {
	sel := fixtures.Fill(p.P.Pages.Form.FieldError, "name", name)
	if !p.Tab.Exists(sel) {
		return "", nil
	}
	s, err := p.Tab.Text(sel)
	return s, wrap("read the error of field "+name, err)
}

// FieldErrorState is the error element next to a form field as the page
// has it: whether it is there at all, whether the citizen can see it, and
// its text (read even when hidden, to report what was hidden).
type FieldErrorState struct {
	Present, Visible bool
	Text             string
}

// FieldErrorOf looks at the error next to the named field. Visible means
// rendered, not hidden (attribute, display, visibility, opacity) and taking
// up space.
func (p *Portal) FieldErrorOf(name string) (FieldErrorState, error) {
	sel := fixtures.Fill(p.P.Pages.Form.FieldError, "name", name)
	var st struct {
		Present, Visible bool
		Text             string
	}
	err := p.Tab.Evaluate(`(e => e ? {Present: true, Text: e.textContent.trim(),
  Visible: e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true, opacityProperty: true, visibilityProperty: true}) && e.getClientRects().length > 0}
  : {Present: false, Visible: false, Text: ""})(document.querySelector(`+jsString(sel)+`))`, &st)
	return FieldErrorState(st), wrap("look at the error of field "+name, err)
}

// SubmitButtonEnabled reports whether the review page's submit button can
// be pressed.
func (p *Portal) SubmitButtonEnabled() (bool, error) {
	sel := p.P.Pages.Review.Submit
	if !p.OnReviewPage() && p.Tab.Exists(p.P.Pages.Form.Form) {
		return false, wrap("find the submit button", p.rejected())
	}
	if err := p.Tab.WaitVisible(sel); err != nil {
		return false, wrap("find the submit button", err)
	}
	var enabled bool
	err := p.Tab.Evaluate(`!document.querySelector(`+jsString(sel)+`).disabled`, &enabled)
	return enabled, wrap("read the submit button", err)
}

// Submit presses the review page's submit button and waits for the new
// dossier's page.
func (p *Portal) Submit() error {
	enabled, err := p.SubmitButtonEnabled()
	if err != nil {
		return err
	}
	if !enabled {
		return wrap("submit the dossier", errors.New("the submit button is disabled"))
	}
	return wrap("submit the dossier", p.clickTo(p.P.Pages.Review.Submit, p.P.Pages.Dossier.Code))
}

// DossierCode is the dossier page's code.
func (p *Portal) DossierCode() (string, error) {
	s, err := p.Tab.Text(p.P.Pages.Dossier.Code)
	return s, wrap("read the dossier code", err)
}

// Status is the dossier page's status key (e.g. "payment_required").
func (p *Portal) Status() (string, error) {
	d := p.P.Pages.Dossier
	v, ok, err := p.Tab.Attr(d.Status, d.StatusAttr)
	if err == nil && !ok {
		err = fmt.Errorf("%s has no attribute %s", d.Status, d.StatusAttr)
	}
	return v, wrap("read the dossier status", err)
}

// StatusLabel is the dossier page's status as the citizen reads it (e.g.
// "Đã trả kết quả").
func (p *Portal) StatusLabel() (string, error) {
	s, err := p.Tab.Text(p.P.Pages.Dossier.Status)
	return s, wrap("read the dossier status label", err)
}

// AppointmentText is the dossier page's appointment as displayed.
func (p *Portal) AppointmentText() (string, error) {
	s, err := p.Tab.Text(p.P.Pages.Dossier.Appointment)
	return s, wrap("read the dossier's appointment date", err)
}

// Pay pays the fee: the dossier's pay button, the payment platform's
// confirm button, the success message on the return page, back to the
// dossier.
func (p *Portal) Pay() error {
	d, pr := p.P.Pages.Dossier, p.P.Pages.PaymentReturn
	if err := p.clickTo(d.Pay, p.P.Pages.Payment.Confirm); err != nil {
		return wrap("pay: open the payment page", err)
	}
	if err := p.clickTo(p.P.Pages.Payment.Confirm, pr.BackToDossier); err != nil {
		return wrap("pay: confirm the payment", err)
	}
	body, err := p.Tab.Text("body")
	if err != nil {
		return wrap("pay: read the return page", err)
	}
	if want := p.P.Texts[fixtures.TextPaymentSuccess]; !strings.Contains(body, want) {
		return wrap("pay", fmt.Errorf("the return page does not say %q: %.300s", want, body))
	}
	return wrap("pay: back to the dossier", p.clickTo(pr.BackToDossier, d.Code))
}

// WaitStatus waits until the dossier page's status is want, for at most
// timeout, then shows that page. Instead of reloading the page at a fixed
// pace, it asks the page's own address from inside the page (fetch with the
// citizen's cookies, parsed without rendering: a few ms) with a backoff
// from statusPollMin to statusPollMax, and reloads once the answer says
// want; the reloaded page's status is what counts.
func (p *Portal) WaitStatus(want string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	interval := statusPollMin
	for {
		got, err := p.Status()
		if err == nil && got == want {
			return nil
		}
		for {
			if time.Now().After(deadline) {
				return wrap("wait for status "+want, fmt.Errorf("still %q after %s (last error: %v)", got, timeout, err))
			}
			timer := time.NewTimer(interval)
			select {
			case <-timer.C:
			case <-p.Tab.ctx.Done():
				timer.Stop()
				return wrap("wait for status "+want, ErrTabClosed)
			}
			interval = min(2*interval, statusPollMax)
			// A failed poll (the page has no status element, a network
			// error) falls back to reloading, which reports it.
			if polled, perr := p.polledStatus(); perr != nil || polled == want {
				break
			}
		}
		if err := p.reload(); err != nil {
			return wrap("wait for status "+want, err)
		}
	}
}

// reload reloads the dossier page. A reload that meets the page's own
// refresh mid-navigation gets "Not attached to an active page" from
// Chromium: the page is fine a moment later, so it is tried again, a few
// times, before it counts as a failure.
func (p *Portal) reload() error {
	var err error
	for try := 0; try < 4; try++ {
		if err = p.Tab.Reload(); err == nil || !strings.Contains(err.Error(), "Not attached to an active page") {
			return err
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-p.Tab.ctx.Done():
			return err
		}
	}
	return err
}

// The backoff of WaitStatus's polls: the mock delivers in tens of ms, a
// real portal in seconds.
const (
	statusPollMin = 5 * time.Millisecond
	statusPollMax = 100 * time.Millisecond
)

// polledStatus is the status the current page's address answers now,
// without navigating.
func (p *Portal) polledStatus() (string, error) {
	d := p.P.Pages.Dossier
	js := `(async () => {
	const r = await fetch(location.href, {credentials: 'include', cache: 'no-store'});
	if (!r.ok) throw new Error('HTTP ' + r.status);
	const e = new DOMParser().parseFromString(await r.text(), 'text/html').querySelector(` + jsString(d.Status) + `);
	if (!e || !e.hasAttribute(` + jsString(d.StatusAttr) + `)) throw new Error('no status');
	return e.getAttribute(` + jsString(d.StatusAttr) + `);
})()`
	var s string
	err := p.Tab.EvaluatePromise(js, &s)
	return s, err
}

// OpenResult follows the dossier page's result link.
func (p *Portal) OpenResult() error {
	return wrap("open the result", p.clickTo(p.P.Pages.Dossier.ResultLink, p.P.Pages.Result.DocumentNo))
}

// ResultApplicant is the recipient shown on the result page.
func (p *Portal) ResultApplicant() (id, name string, err error) {
	r := p.P.Pages.Result
	if id, err = p.Tab.Text(r.ApplicantID); err != nil {
		return "", "", wrap("read the result's applicant", err)
	}
	name, err = p.Tab.Text(r.ApplicantName)
	return id, name, wrap("read the result's applicant", err)
}

// SignedResult downloads the signed result file (the PDF) the way the
// page's link does, from inside the page with the citizen's cookies, and
// returns its bytes exactly. (Following the link would trigger a
// download, not a page.) The bytes cross from the page as base64.
func (p *Portal) SignedResult() ([]byte, error) {
	js := `(async () => {
	const a = document.querySelector(` + jsString(p.P.Pages.Result.SignedFile) + `);
	if (!a) throw new Error('no signed file link');
	const r = await fetch(a.href, {credentials: 'include'});
	if (!r.ok) throw new Error('HTTP ' + r.status + ' from ' + a.href);
	const b = new Uint8Array(await r.arrayBuffer());
	let s = '';
	for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000));
	return btoa(s);
})()`
	if err := p.Tab.WaitVisible(p.P.Pages.Result.SignedFile); err != nil {
		return nil, wrap("download the signed result", err)
	}
	var body string
	if err := p.Tab.EvaluatePromise(js, &body); err != nil {
		return nil, wrap("download the signed result", err)
	}
	raw, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		return nil, wrap("download the signed result", fmt.Errorf("decode the page's base64: %w", err))
	}
	return raw, nil
}
