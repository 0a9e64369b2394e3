package framework

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/internal/runrecord"
)

// Submission is a citizen logged in to the portal with a form filled in and
// ready to submit.
type Submission struct {
	Citizen Citizen
	IDToken string
	Portal  *portal.Client
	Form    *portal.Form
	Request portal.SubmitRequest
	// Uploads are the attachments uploaded, with what the portal's upload
	// answer stated of each.
	Uploads []Upload
}

// Upload is one attachment the harness uploaded and the portal's receipt.
type Upload struct {
	Type, Filename, ContentType string
	Data                        []byte
	Receipt                     portal.Attachment
}

// NewSubmission logs the citizen in, opens the service's form and fills it the way
// a citizen would: prefilled values kept, the rest typed from the catalog's
// examples, required attachments uploaded (which needs allow.submit: the
// spec is skipped without it, see MustAllow).
func (f *Framework) NewSubmission(ctx context.Context, svc fixtures.Service, c Citizen) *Submission {
	ginkgo.GinkgoHelper()
	s := &Submission{Citizen: c}
	toks := f.Login(ctx, c)
	s.IDToken = toks.IDToken
	s.Portal = f.Portal(toks.IDToken)
	what, err := f.fill(ctx, svc, s, func(a Action) error { f.MustAllow(a); return nil })
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), what)
	return s
}

// Prepare is NewSubmission without Ginkgo, for code that runs outside a
// spec (dvcqa trial): every failure is an error, and a data-mutating step
// the target profile does not allow is an error too (see Permit).
func (e *Env) Prepare(ctx context.Context, svc fixtures.Service, c Citizen) (*Submission, error) {
	if e.Target.PortalAPINone() {
		return nil, fmt.Errorf("prepare %s: %s", svc.ID, PortalAPINoneSkip)
	}
	toks, err := e.SignIn(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("prepare %s: %w", svc.ID, err)
	}
	s := &Submission{Citizen: c, IDToken: toks.IDToken, Portal: e.Portal(toks.IDToken)} // the Env's client: no spec to skip
	if what, err := e.fill(ctx, svc, s, e.Permit); err != nil {
		return nil, fmt.Errorf("prepare %s: %s: %w", svc.ID, what, err)
	}
	return s, nil
}

// SignIn logs the citizen in through the target's SSO, as the portal's
// client: Framework.Login's core, returning errors.
func (e *Env) SignIn(ctx context.Context, c Citizen) (*sso.Tokens, error) {
	toks, err := e.login(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("log in through SSO as test citizen %s: %w", redact.ID(c.PersonalID), err)
	}
	if toks.IDToken == "" {
		return nil, fmt.Errorf("log in through SSO as test citizen %s: SSO returned no ID token", redact.ID(c.PersonalID))
	}
	learnIDToken(toks.IDToken) // accountpii.go
	return toks, nil
}

// Permit is MustAllow outside a spec: an error naming the switch when the
// target profile does not allow the action, else the action's requests
// may go out (allowGuard).
func (e *Env) Permit(a Action) error {
	w, ok := allowWords[a]
	if !ok {
		return fmt.Errorf("harness: unknown data-mutating action %q", a)
	}
	if !e.Allowed(a) {
		return fmt.Errorf("target profile does not allow %s (%s: false)", w.doing, w.switchName)
	}
	if e.allow != nil {
		e.allow.grant(a)
	}
	return nil
}

// Account is the n-th test account (the order AccountIndex numbers them).
func (e *Env) Account(n int) (Citizen, bool) {
	if n < 0 || n >= len(e.citizens) {
		return Citizen{}, false
	}
	return e.citizens[n], true
}

// fill opens the service's form in s.Portal and fills s.Request; allow
// gates the uploads. On failure it says which step failed (what) with the
// error, so NewSubmission keeps its messages.
func (e *Env) fill(ctx context.Context, svc fixtures.Service, s *Submission, allow func(Action) error) (what string, err error) {
	form, err := s.Portal.Form(ctx, svc.ID)
	if err != nil {
		return fmt.Sprintf("open the form of %s as %s", svc.ID, redact.ID(s.Citizen.PersonalID)), err
	}
	s.Form = form

	s.Request = portal.SubmitRequest{ServiceID: svc.ID, Fields: map[string]string{}, Note: RunMarker()}
	for _, ff := range form.Fields {
		if ff.Prefilled {
			s.Request.Fields[ff.Name] = ff.Value
		}
	}
	for _, fd := range svc.Form {
		if fd.PrefillFrom == "" && fd.Example != "" {
			s.Request.Fields[fd.Name] = fd.Example
		}
	}
	for _, a := range svc.Attachments {
		if !a.Required {
			continue
		}
		if err := allow(ActUpload); err != nil {
			return fmt.Sprintf("upload attachment %q for %s", a.Type, svc.ID), err
		}
		name, data := SampleFile(a.MimeTypes[0])
		up, err := s.Portal.UploadAttachment(ctx, a.Type, name, a.MimeTypes[0], data)
		if err != nil {
			return fmt.Sprintf("upload attachment %q for %s", a.Type, svc.ID), err
		}
		s.Request.Attachments = append(s.Request.Attachments, portal.AttachmentRef{Type: a.Type, ID: up.ID})
		s.Uploads = append(s.Uploads, Upload{Type: a.Type, Filename: name, ContentType: a.MimeTypes[0], Data: data, Receipt: *up})
	}
	return "", nil
}

// RunMarker is the note every dossier the harness submits carries, "dvcqa
// test run <run id>": on a shared staging portal, officers and `dvcqa
// cleanup <run id>` can tell the run's test dossiers from real ones.
func RunMarker() string {
	id := RunConfig().RunID
	if id == "" {
		id = "unnamed" // go test without `dvcqa run`: no run folder, no cleanup
	}
	return runrecord.Marker(id)
}

// NewKey returns a fresh idempotency key.
func NewKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// CloneFields copies a form's values so a spec can alter one without
// touching the prepared request.
func CloneFields(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

// FirstTypedRequired is the first required field the citizen types (not
// prefilled); the catalog loader guarantees every service has one.
func FirstTypedRequired(svc fixtures.Service) fixtures.Field {
	for _, fd := range svc.Form {
		if fd.Required && fd.PrefillFrom == "" {
			return fd
		}
	}
	ginkgo.Fail("catalog service " + svc.ID + " has no required citizen-typed field")
	return fixtures.Field{}
}
