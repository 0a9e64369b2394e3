package services

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/suites/framework/browser"
)

// browserKinds are the browser layer's specs of a service: what a citizen
// sees and clicks, in real Chromium.
var browserKinds = []specKind{
	{"is processed end to end in the browser, as a citizen clicks it", framework.KindE2E,
		onBrowser(func(ctx context.Context, f *framework.Framework, svc fixtures.Service, i int) {
			browserEndToEnd(ctx, f, svc, f.Citizen(framework.RoleBrowser, i))
		})},
	{"shows the error next to a missing required field in the browser", framework.KindNegative,
		onBrowser(func(ctx context.Context, f *framework.Framework, svc fixtures.Service, i int) {
			browserMissingField(ctx, f, svc, f.Citizen(framework.RoleBrowser, i))
		})},
	{"passes the accessibility check (axe-core) on its service page", framework.KindA11y,
		onBrowser(func(ctx context.Context, f *framework.Framework, svc fixtures.Service, _ int) {
			accessibility(ctx, f, svc)
		})},
}

// onBrowser runs a browser spec as a framework.BrowserFlow: started again
// on the next remote endpoint when its own died mid-flow.
func onBrowser(run func(context.Context, *framework.Framework, fixtures.Service, int)) func(context.Context, *framework.Framework, fixtures.Service, int) {
	return func(ctx context.Context, f *framework.Framework, svc fixtures.Service, i int) {
		f.BrowserFlow(func() { run(ctx, f, svc, i) })
	}
}

var _ = framework.Describe(browserContainer, framework.LayerBrowser, func() {
	describeKinds(framework.NewDefaultFramework("services-browser"), browserKinds)
})

func browserEndToEnd(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen) {
	f.MustAllow(framework.ActSubmit)
	p := f.NewPortalPage(ctx)

	framework.Step(framework.CheckLogin, "logging in with VNeID on the SSO page")
	gomega.Expect(p.Home()).To(gomega.Succeed(), "open the portal's home page")
	gomega.Expect(p.Login(c.PersonalID, c.Password)).To(gomega.Succeed(), "log in as %s through the SSO page", redact.ID(c.PersonalID))
	// This spec is the service's one that logs in through the real pages;
	// the service's other browser specs reuse its state (docs/browser.md).
	gomega.Expect(p.SaveLogin(browser.SavedLogins, c.PersonalID)).To(gomega.Succeed(), "save the login of %s", redact.ID(c.PersonalID))

	framework.Step(framework.CheckCatalog, "finding the service by search")
	gomega.Expect(p.Search(svc.NameVI)).To(gomega.Succeed(), "search the catalog for %q", svc.NameVI)
	gomega.Expect(p.OpenService(svc.ID)).To(gomega.Succeed(), "open %s from the search results", svc.ID)
	checkServicePage(p, svc)

	framework.Step(framework.CheckPrefill, "checking the values prefilled from national databases")
	gomega.Expect(p.StartDossier()).To(gomega.Succeed(), "open the dossier form of %s", svc.ID)
	records := map[string]map[string]string{}
	var m framework.Diffs
	for _, fd := range svc.Form {
		if fd.PrefillFrom == "" {
			continue
		}
		db, field, _ := strings.Cut(fd.PrefillFrom, ".")
		if records[db] == nil {
			records[db] = f.PrefillSource(ctx, svc, db, c)
		}
		want := records[db][field]
		got, err := p.FieldValue(fd.Name)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read form field %s of %s", fd.Name, svc.ID)
		m.Field(webForm, "field "+fd.Name+" (national database "+fd.PrefillFrom+")", want, got)
		if want != "" {
			m.Field(webForm, "field "+fd.Name+" shown prefilled, read-only", true, p.FieldPrefilled(fd.Name))
		}
	}
	m.Expect("the form of " + svc.ID + " in the browser ≠ the national databases")

	framework.Step(framework.CheckSubmit, "filling the remaining fields and attaching the documents")
	fillTyped(p, svc)
	f.MustAllow(framework.ActUpload)
	attachRequired(p, svc)

	gomega.Expect(p.Review()).To(gomega.Succeed(), "review the dossier of %s", svc.ID)
	enabled, err := p.SubmitButtonEnabled()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "find the submit button")
	gomega.Expect(enabled).To(gomega.BeTrue(), "the submit button (Nộp hồ sơ) of %s is disabled: citizens cannot submit", svc.ID)
	gomega.Expect(p.Submit()).To(gomega.Succeed(), "submit the dossier of %s", svc.ID)
	code, err := p.DossierCode()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the dossier code")
	gomega.Expect(dvcqg.ValidDossierCode(code)).To(gomega.BeTrue(), "page shows dossier code %q, not {agency}-{yyMMdd}-{NNNN}", code)
	ginkgo.AddReportEntry("dossier", code)

	if svc.FeeVND > 0 {
		framework.Step(framework.CheckPayment, fmt.Sprintf("paying the fee of %d VND on the payment platform's page", svc.FeeVND))
		f.MustAllow(framework.ActPay)
		gomega.Expect(p.Pay()).To(gomega.Succeed(), "pay the fee of dossier %s", code)
	}

	if f.Target.ManualOfficers() {
		framework.Step(framework.CheckProcessing, "processing the dossier as the test officer (officers.mode manual), then following the status page until the result is delivered")
		pop := f.Record(ctx, "population", c.PersonalID)
		processSeenFromBackOffice(ctx, f, f.Officer(ctx), svc, portal.Applicant{SoDinhDanh: c.PersonalID, HoVaTen: pop["HoVaTen"]}, code, "dossier "+code+" of "+svc.ID)
	} else {
		framework.Step(framework.CheckProcessing, "following the status page until the result is delivered")
	}
	gomega.Expect(p.WaitStatus("delivered", f.Target.Timeouts.Result)).To(gomega.Succeed(), "dossier %s on its status page", code)
	var api *portal.Client
	var dossier *portal.Dossier
	if f.Target.PortalAPINone() {
		// No citizen API to read the dossier from: the national portal's
		// record, held to the harness's references, stands in for it (and
		// proves the sync, which the API flow would otherwise).
		framework.Step(framework.CheckSync, "reading the dossier back from the national portal (portal.api: none: the portal has no API to read it from)")
		dossier = browserNationalSync(ctx, f, svc, c, code)
		framework.Step(framework.CheckHistory, "checking the dossier page's status and appointment date against the harness's references")
		checkDossierPageRefs(p, svc, code, dossier)
	} else {
		api, dossier = checkDossierPage(ctx, f, p, c, code)
	}

	framework.Step(framework.CheckResult, "downloading the result PDF and verifying its signature against the pinned CA")
	gomega.Expect(p.OpenResult()).To(gomega.Succeed(), "open the result of %s", code)
	pdf, err := p.SignedResult()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "download the signed result of %s", code)
	doc := verifyResult(f, pdf, "the downloaded result of "+code)
	var got framework.Diffs
	if api == nil {
		// Without the API there is no dossier to hold the whole document
		// to: the applicant, the dossier and the service.
		got.Field(webDownload, "applicant.SoDinhDanh (the citizen who applied)", c.PersonalID, doc.Applicant.SoDinhDanh)
		got.Field(webDownload, "dossier_code (shown on the dossier page)", code, doc.DossierCode)
		got.Field(webDownload, "service_id", svc.ID, doc.ServiceID)
	} else {
		resultDiffs(&got, webDownload, svc, dossier, provinceName(f), *doc)
	}
	got.Expect("the downloaded result of " + code + " ≠ the dossier and the catalog")
	if api == nil {
		checkResultPageRefs(ctx, f, p, c, code)
	} else {
		checkResultPage(ctx, f, p, c, *doc)
	}
}

// checkServicePage compares what the service page shows the citizen — the
// fee, the processing time and the required documents, as rendered text —
// with the catalog, formatted the Vietnamese way by the harness.
func checkServicePage(p *browser.Portal, svc fixtures.Service) {
	ginkgo.GinkgoHelper()
	got, err := p.ServiceDetails()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the service page of %s", svc.ID)
	var m framework.Diffs
	m.Field(webService, fmt.Sprintf("fee (catalog fee_vnd %d)", svc.FeeVND), framework.DisplayFee(svc.FeeVND), got.Fee)
	m.Field(webService, fmt.Sprintf("processing time (catalog processing_days %d)", svc.ProcessingDays),
		framework.DisplayProcessingTime(svc.ProcessingDays), got.ProcessingTime)
	want := framework.DisplayAttachments(svc)
	for i := range max(len(got.Attachments), len(want)) {
		var g, w string
		if i < len(got.Attachments) {
			g = got.Attachments[i]
		}
		if i < len(want) {
			w = want[i]
		}
		m.Field(webService, fmt.Sprintf("required document %d (catalog attachments)", i+1), w, g)
	}
	m.Expect("the service page of " + svc.ID + " in the browser ≠ the catalog")
}

// appointmentDateRE finds a dd/MM/yyyy date in the displayed appointment
// (which may carry a time after it).
var appointmentDateRE = regexp.MustCompile(`\b\d{2}/\d{2}/\d{4}\b`)

// checkDossierPage compares the status label and the appointment date the
// dossier page shows the citizen with the dossier as the portal's API
// answers it to the same citizen, the label by the harness's own mapping
// (docs/web.md).
//
// It returns the citizen's API client and the dossier, for the result page.
func checkDossierPage(ctx context.Context, f *framework.Framework, p *browser.Portal, c framework.Citizen, code string) (*portal.Client, *portal.Dossier) {
	ginkgo.GinkgoHelper()
	api := f.Portal(f.Login(ctx, c).IDToken)
	d := findDossier(ctx, api, code)
	gomega.Expect(d).NotTo(gomega.BeNil(), "the portal's API does not list dossier %s that its page shows", code)
	label, err := p.StatusLabel()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the status label of %s", code)
	shown, err := p.AppointmentText()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the appointment date of %s", code)
	wantLabel, known := framework.DisplayStatus(d.Status)
	gomega.Expect(known).To(gomega.BeTrue(), "the API answers dossier %s with unknown status %q", code, d.Status)
	wantDate := framework.DisplayDate(d.AppointmentAt)
	gomega.Expect(wantDate).NotTo(gomega.BeEmpty(), "the API answers dossier %s (%s) without an appointment", code, d.Status)
	var m framework.Diffs
	m.Same(webDossier, "status label", ansDossier, wantLabel+" (status "+d.Status+")", label+" (status "+d.Status+")")
	m.Same(webDossier, fmt.Sprintf("appointment date (shown %q)", shown), ansDossier, wantDate, appointmentDateRE.FindString(shown))
	m.Expect("the dossier page of " + code + " in the browser ≠ the portal's API")
	return api, d
}

// checkResultPage compares the applicant the result page shows — ID and
// name as displayed, unmasked (masking happens only when evidence is
// captured) — with the citizen, the population database and the
// applicant the signed result PDF (downloaded from the page, verified)
// names.
func checkResultPage(ctx context.Context, f *framework.Framework, p *browser.Portal, c framework.Citizen, doc portal.ResultDocument) {
	ginkgo.GinkgoHelper()
	id, name, err := p.ResultApplicant()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the result page")
	pop := f.Record(ctx, "population", c.PersonalID)
	var m framework.Diffs
	// IDs are compared in full and reported masked (framework.Diffs).
	m.Field(webResult, "applicant ID (the citizen who applied)", c.PersonalID, id)
	m.Same(webResult, "applicant ID", webDownload, doc.Applicant.SoDinhDanh, id)
	m.Field(webResult, "applicant name (population database HoVaTen)", pop["HoVaTen"], name)
	m.Same(webResult, "applicant name", webDownload, doc.Applicant.HoVaTen, name)
	m.Expect("the result page of " + doc.DossierCode + " names another applicant than the citizen, the population database and the signed result")
}

// browserMissingField leaves the first required typed field empty: the
// portal must send the form back with a visible error next to that field,
// and next to no other (every other value was valid).
func browserMissingField(ctx context.Context, f *framework.Framework, svc fixtures.Service, c framework.Citizen) {
	// It uploads attachments and sends the form: a portal that wrongly takes
	// it keeps a dossier.
	f.MustAllow(framework.ActSubmit)
	f.MustAllow(framework.ActUpload)
	p := f.NewPortalPage(ctx)
	// Not a login spec: a state saved by a login through the SSO pages (this
	// citizen's, in this process) stands in for the login pages.
	_, err := p.LoginReusing(browser.SavedLogins, c.PersonalID, c.Password)
	gomega.Expect(err).To(gomega.Succeed(), "log in as %s (saved state, else the SSO page)", redact.ID(c.PersonalID))
	gomega.Expect(p.OpenService(svc.ID)).To(gomega.Succeed(), "open the service page of %s", svc.ID)
	gomega.Expect(p.StartDossier()).To(gomega.Succeed(), "open the dossier form of %s", svc.ID)
	skip := framework.FirstTypedRequired(svc)
	fillTypedExcept(p, svc, skip.Name)
	attachRequired(p, svc)
	gomega.Expect(p.Review()).To(gomega.Succeed(), "review the dossier of %s", svc.ID)
	gomega.Expect(p.OnReviewPage()).To(gomega.BeFalse(), "the portal took the dossier of %s to review without required field %s", svc.ID, skip.Name)

	errs := map[string]browser.FieldErrorState{}
	for _, fd := range svc.Form {
		st, err := p.FieldErrorOf(fd.Name)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "look at the error next to field %s of %s", fd.Name, svc.ID)
		if st.Present {
			errs[fd.Name] = st
		}
	}
	got, ok := errs[skip.Name]
	gomega.Expect(ok).To(gomega.BeTrue(), "no error next to the missing field %s of %s", skip.Name, svc.ID)
	gomega.Expect(slices.Sorted(maps.Keys(errs))).To(gomega.Equal([]string{skip.Name}),
		"errors next to fields of %s: want only the missing field %s, got %v", svc.ID, skip.Name, errs)
	gomega.Expect(got.Text).NotTo(gomega.BeEmpty(), "empty error next to the missing field %s of %s", skip.Name, svc.ID)
	gomega.Expect(got.Visible).To(gomega.BeTrue(), "the error next to the missing field %s of %s (%q) is not visible", skip.Name, svc.ID, got.Text)

	html, err := p.Tab.HTML()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "read the page of %s", svc.ID)
	gomega.Expect(html).NotTo(gomega.MatchRegexp(`goroutine \d+|panic:|\.go:\d+`), "the error page of %s leaks internal details (stack trace)", svc.ID)
}

func fillTyped(p interface {
	FillField(fixtures.Field, string) error
}, svc fixtures.Service) {
	ginkgo.GinkgoHelper()
	fillTypedExcept(p, svc, "")
}

func fillTypedExcept(p interface {
	FillField(fixtures.Field, string) error
}, svc fixtures.Service, except string) {
	ginkgo.GinkgoHelper()
	for _, fd := range svc.Form {
		if fd.PrefillFrom != "" || fd.Example == "" || fd.Name == except {
			continue
		}
		gomega.Expect(p.FillField(fd, fd.Example)).To(gomega.Succeed(), "type %s of %s", fd.Name, svc.ID)
	}
}

func attachRequired(p interface {
	Attach(typ, filename, mime string, data []byte) error
}, svc fixtures.Service) {
	ginkgo.GinkgoHelper()
	for _, a := range svc.Attachments {
		if !a.Required {
			continue
		}
		name, data := framework.SampleFile(a.MimeTypes[0])
		gomega.Expect(p.Attach(a.Type, name, a.MimeTypes[0], data)).To(gomega.Succeed(), "attach %s to %s", a.Type, svc.ID)
	}
}

// The pages the browser specs read, named for failures.
var (
	webService = framework.Answer{System: "portal", Operation: "web: service page"}
	webForm    = framework.Answer{System: "portal", Operation: "web: dossier form"}
	webDossier = framework.Answer{System: "portal", Operation: "web: dossier page"}
	webResult  = framework.Answer{System: "portal", Operation: "web: result page"}
)
