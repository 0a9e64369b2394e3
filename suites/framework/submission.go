package framework

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/portal"
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

	form, err := s.Portal.Form(ctx, svc.ID)
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "open the form of %s as %s", svc.ID, redact.ID(c.PersonalID))
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
		f.MustAllow(ActUpload)
		name, data := SampleFile(a.MimeTypes[0])
		up, err := s.Portal.UploadAttachment(ctx, a.Type, name, a.MimeTypes[0], data)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "upload attachment %q for %s", a.Type, svc.ID)
		s.Request.Attachments = append(s.Request.Attachments, portal.AttachmentRef{Type: a.Type, ID: up.ID})
		s.Uploads = append(s.Uploads, Upload{Type: a.Type, Filename: name, ContentType: a.MimeTypes[0], Data: data, Receipt: *up})
	}
	return s
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
