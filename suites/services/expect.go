package services

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/suites/framework/refs"
	"github.com/dvcqa/dvcqa/vocab"
)

// The expected objects below are built from references only — the
// catalog, what the harness sent, the citizen's national records, the
// contract's rules and the clock — and compared whole with framework.Diffs.
// Fields that cannot be predicted (ids, times, officers) are checked for
// form and consistency, then taken over, so the comparison of the rest is
// exact. They are plain functions so expect_test.go can prove them.

// Answers the service flow reads, named as the portal's contract does.
var (
	ansService   = framework.Answer{System: "portal", Operation: "GET /api/v1/services/{id}"}
	ansServices  = framework.Answer{System: "portal", Operation: "GET /api/v1/services"}
	ansForm      = framework.Answer{System: "portal", Operation: "GET /api/v1/services/{id}/form"}
	ansUpload    = framework.Answer{System: "portal", Operation: "POST /api/v1/attachments"}
	ansSubmit    = framework.Answer{System: "portal", Operation: "POST /api/v1/dossiers"}
	ansDossier   = framework.Answer{System: "portal", Operation: "GET /api/v1/dossiers/{id}"}
	ansDossiers  = framework.Answer{System: "portal", Operation: "GET /api/v1/dossiers"}
	ansPayStart  = framework.Answer{System: "portal", Operation: "POST /api/v1/dossiers/{id}/payment"}
	ansResult    = framework.Answer{System: "portal", Operation: "GET /api/v1/dossiers/{id}/result"}
	ansQuery     = framework.Answer{System: "payment", Operation: "QUERY"}
	ansBill      = framework.Answer{System: "payment", Operation: "GET_BILL"}
	ansDVCQGLook = framework.Answer{System: "dvcqg", Operation: dvcqg.ServiceLookup}
)

// equateEmpty: an empty list and an absent one say the same on the wire.
var equateEmpty = cmpopts.EquateEmpty()

// clockSkew is how far the target's clock may stray from the harness's.
const clockSkew = time.Minute

// expectedEntry is the portal's catalog entry of a service: the catalog's
// own entry as the contract's JSON (docs/contracts.md, GET /services/{id}).
func expectedEntry(svc fixtures.Service) portal.Service {
	e := portal.Service{
		ID: svc.ID, ProcedureCode: svc.ProcedureCode, NameVI: svc.NameVI, NameEN: svc.NameEN,
		Agency: svc.Agency, FieldCode: svc.FieldCode, Databases: svc.Databases,
		FeeVND: svc.FeeVND, ProcessingDays: svc.ProcessingDays, Workflow: svc.Workflow,
		Result: portal.ResultInfo{Type: svc.Result.Type, NameVI: svc.Result.NameVI, NameEN: svc.Result.NameEN},
	}
	for _, f := range svc.Form {
		e.Form = append(e.Form, portal.Field{Name: f.Name, LabelVI: f.LabelVI, LabelEN: f.LabelEN, Type: f.Type,
			Required: f.Required, Pattern: f.Pattern, MaxLen: f.MaxLen, Options: f.Options, PrefillFrom: f.PrefillFrom})
	}
	for _, a := range svc.Attachments {
		e.Attachments = append(e.Attachments, portal.AttachmentType{Type: a.Type, NameVI: a.NameVI, NameEN: a.NameEN,
			Required: a.Required, MimeTypes: a.MimeTypes, MaxSizeKB: a.MaxSizeKB})
	}
	for _, c := range svc.Chain {
		e.Chain = append(e.Chain, portal.ChainStep{Step: c.Step, NameVI: c.NameVI, NameEN: c.NameEN, Agency: c.Agency, Service: c.Service})
	}
	return e
}

// expectedForm is the form of a service for a citizen: the catalog's
// fields in order, each prefilled field holding the value of the national
// record it names (records[db][field]), shown as prefilled and read-only;
// a field national data has no value for is empty and left to the citizen.
func expectedForm(svc fixtures.Service, records map[string]map[string]string) portal.Form {
	f := portal.Form{ServiceID: svc.ID}
	for _, fd := range svc.Form {
		ff := portal.FormField{Name: fd.Name, LabelVI: fd.LabelVI, LabelEN: fd.LabelEN, Type: fd.Type,
			Required: fd.Required, Options: fd.Options, Source: fd.PrefillFrom}
		if db, field, ok := fd.Prefill(); ok {
			ff.Value = records[db][field]
			ff.Prefilled = ff.Value != ""
			ff.ReadOnly = ff.Value != ""
		}
		f.Fields = append(f.Fields, ff)
	}
	return f
}

// receiptDiffs holds an upload receipt to what was uploaded: the type, the
// file name and content type sent, the size and SHA-256 of the bytes (the
// harness's own digest); the id is checked for form only.
func receiptDiffs(d *framework.Diffs, u framework.Upload, got portal.Attachment) {
	sum := sha256.Sum256(u.Data)
	want := portal.Attachment{ID: got.ID, Type: u.Type, Filename: u.Filename, ContentType: u.ContentType,
		Size: int64(len(u.Data)), SHA256: hex.EncodeToString(sum[:])}
	d.Form(ansUpload, "id", got.ID, got.ID != "", "a non-empty id")
	d.Compare(ansUpload, want, got)
}

// dossierRefs are the references a dossier is held to.
type dossierRefs struct {
	Service   fixtures.Service
	Province  string // the target's province code
	AgencyID  string // madonvi, the first part of every dossier code
	Applicant portal.Applicant
	Request   portal.SubmitRequest
	Receipts  []portal.Attachment // as the upload answers stated them (held to the bytes by receiptDiffs)
	Calendar  *refs.WorkingCalendar
	// Window is when the harness submitted: the submission time lies in it.
	From, To time.Time
	// Paid is the payment platform's QUERY of the dossier's payment, nil
	// while unpaid.
	Paid *payment.QueryResponse
	// ActedBy is the harness's officer (officers.mode manual): the entries
	// it made name it and carry its notes; nil = the portal's officers.
	ActedBy *actedBy
}

// dossierDiffs compares a dossier whole with the one the references make:
// the catalog's service and procedure, the province, the applicant as the
// population database names them, every submitted value and attachment,
// a history that follows the catalog workflow (each entry's code from the
// national portal's table, time never going back, a named officer), the
// status and times the history implies, the appointment by the harness's
// working-day calendar, the fee and its payment, the result and the
// follow-on dossiers the catalog's chain makes once delivered. With manual
// officers the entries the harness's officer made name it and carry its
// notes (actedDiffs).
func dossierDiffs(d *framework.Diffs, a framework.Answer, r dossierRefs, got *portal.Dossier) {
	svc := r.Service
	want := portal.Dossier{
		ID: got.ID, Code: got.Code, ServiceID: svc.ID, ProcedureCode: svc.ProcedureCode, Province: r.Province,
		Applicant: r.Applicant, Fields: r.Request.Fields,
		Fee: portal.Fee{AmountVND: svc.FeeVND},
		// The run marker, answered back as submitted (the contract's note).
		Note: framework.RunMarker(),
	}
	d.Form(a, "id", got.ID, got.ID != "", "a non-empty id")
	d.Form(a, "code", got.Code, codeOK(got.Code, r.AgencyID, got.SubmittedAt), "{"+r.AgencyID+"}-{yyMMdd of submission}-{NNNN}")
	d.Form(a, "submitted_at", got.SubmittedAt, within(got.SubmittedAt, r.From, r.To), "a time within the submission ("+
		r.From.Format(time.RFC3339)+" … "+r.To.Format(time.RFC3339)+")")
	want.SubmittedAt = got.SubmittedAt

	// Attachments: the receipts of what was sent, in the order sent.
	byID := map[string]portal.Attachment{}
	for _, rc := range r.Receipts {
		byID[rc.ID] = rc
	}
	for _, ref := range r.Request.Attachments {
		want.Attachments = append(want.Attachments, byID[ref.ID])
	}

	// History: a prefix of the catalog workflow, of which the status is the last.
	n := min(len(got.History), len(svc.Workflow))
	finished := false // chain steps become follow-on dossiers when the dossier finishes
	d.Form(a, "history", len(got.History), len(got.History) >= 1 && len(got.History) <= len(svc.Workflow),
		"between 1 and the catalog workflow's "+itoa(len(svc.Workflow))+" entries")
	for i := 0; i < n; i++ {
		h := got.History[i]
		state := svc.Workflow[i]
		code, _ := portal.StatusCode(state)
		field := "history[" + state + "]"
		entry := portal.HistoryEntry{Status: state, StatusCode: code, Officer: h.Officer, Title: h.Title, Unit: h.Unit, Note: h.Note}
		if w, by := actedDiffs(d, a, field, state, h, r.ActedBy); by {
			entry.Officer, entry.Title, entry.Unit, entry.Note = w.Officer, w.Title, w.Unit, w.Note
		} else {
			officerDiffs(d, a, field, h)
		}
		at := h.At
		switch {
		case i == 0:
			d.Form(a, field+".at", h.At, h.At.Equal(got.SubmittedAt), "the submission time "+got.SubmittedAt.Format(time.RFC3339))
			at = got.SubmittedAt
		case h.At.Before(got.History[i-1].At):
			d.Form(a, field+".at", h.At, false, "not before history["+svc.Workflow[i-1]+"] at "+got.History[i-1].At.Format(time.RFC3339))
		}
		entry.At = at
		want.History = append(want.History, entry)
		switch state {
		case portal.StatusFinished:
			finished = true
		case portal.StatusAccepted:
			want.AcceptedAt = h.At
			want.AppointmentAt = r.Calendar.Appointment(h.At, svc.ProcessingDays)
		case portal.StatusDelivered:
			want.DeliveredAt = h.At
			want.ResultAvailable = true
		}
	}
	if n > 0 {
		want.Status = svc.Workflow[n-1]
		want.StatusCode, _ = portal.StatusCode(want.Status)
	}
	if r.Paid != nil {
		want.Fee.Paid = true
		want.Fee.PaidAmountVND = svc.FeeVND
		want.Fee.TransactionID = r.Paid.MaGiaoDich // the platform's transaction, as QUERY tells it
	}
	if finished {
		for i, st := range svc.Chain {
			var link portal.ChainLink
			if i < len(got.Chain) { // an absent link is reported by the comparison
				link = got.Chain[i]
				f := "chain[" + st.Step + "]"
				d.Form(a, f+".code", link.Code, dvcqg.ValidDossierCode(link.Code), "a dossier code {agency}-{yyMMdd}-{NNNN}")
				_, known := portal.StatusCode(link.Status)
				d.Form(a, f+".status", link.Status, known, "a workflow state")
			}
			want.Chain = append(want.Chain, portal.ChainLink{Step: st.Step, NameVI: st.NameVI, ServiceID: st.Service, Code: link.Code, Status: link.Status})
		}
	}
	d.Compare(a, want, *got, equateEmpty)
}

// officerDiffs: a history entry is made by a named officer (a person's
// full name, as the national portal's NguoiXuLy allows: at most 50
// characters) with a title and a unit.
func officerDiffs(d *framework.Diffs, a framework.Answer, field string, h portal.HistoryEntry) {
	d.Form(a, field+".officer", h.Officer, personName(h.Officer), "a person's full name (2–6 capitalised words, ≤ 50 characters)")
	d.Form(a, field+".title", h.Title, strings.TrimSpace(h.Title) != "", "the officer's title")
	d.Form(a, field+".unit", h.Unit, strings.TrimSpace(h.Unit) != "", "the officer's unit")
}

// personName: 2–6 words of letters, each capitalised, at most 50
// characters — a Vietnamese full name, not an account id or "system".
func personName(s string) bool {
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 6 || utf8.RuneCountInString(s) > 50 {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
		for _, c := range w {
			if !unicode.IsLetter(c) {
				return false
			}
		}
	}
	return true
}

// codeOK: a dossier code is {madonvi}-{yyMMdd}-{NNNN} with the date of
// submission in Vietnam time (docs/contracts.md).
func codeOK(code, agency string, submitted time.Time) bool {
	if !dvcqg.ValidDossierCode(code) || !strings.HasPrefix(code, agency+"-") {
		return false
	}
	if submitted.IsZero() {
		return true // the submission time is judged on its own
	}
	return strings.HasPrefix(code, agency+"-"+submitted.In(vocab.Vietnam).Format("060102")+"-")
}

func within(t, from, to time.Time) bool {
	return !t.Before(from.Add(-clockSkew)) && !t.After(to.Add(clockSkew))
}

// paymentStartDiffs: the portal starts a payment of the catalog fee,
// referenced by the dossier code, on the payment platform's pay page.
func paymentStartDiffs(d *framework.Diffs, fee int64, code, platform string, got portal.PaymentStart) {
	want := portal.PaymentStart{PayURL: got.PayURL, Reference: code, AmountVND: fee}
	d.Form(ansPayStart, "pay_url", got.PayURL, under(got.PayURL, platform), "a URL on the payment platform "+platform)
	d.Compare(ansPayStart, want, got)
}

func under(raw, base string) bool {
	u, err := url.Parse(raw)
	b, err2 := url.Parse(base)
	return err == nil && err2 == nil && u.Scheme == b.Scheme && u.Host == b.Host && strings.HasPrefix(u.Path, b.Path)
}

// queryDiffs: after the citizen paid, QUERY tells a settled transaction of
// the reference for the fee (docs/contracts.md, payment platform).
func queryDiffs(d *framework.Diffs, fee int64, ref string, got payment.QueryResponse) {
	want := payment.QueryResponse{MaLoi: payment.CodeOK, MoTaLoi: got.MoTaLoi, MaGiaoDich: got.MaGiaoDich,
		MaThamChieu: ref, SoTien: fee, TrangThaiGD: payment.StatusSuccess}
	d.Form(ansQuery, "MaGiaoDich", got.MaGiaoDich, got.MaGiaoDich != "", "a transaction id")
	d.Compare(ansQuery, want, got)
}

// billDiffs: the bill of the paid transaction repeats QUERY and carries the
// receipt the portal asked for: the dossier, its procedure and agency, the
// applicant as the population database names them, fee lines summing to
// the catalog fee, settled within the run.
func billDiffs(d *framework.Diffs, q payment.QueryResponse, code, procedure, agency, payer string, fee int64, from, to time.Time, got payment.BillResponse) {
	want := payment.BillResponse{QueryResponse: q, ThoiGianGD: got.ThoiGianGD,
		ThongTinBienLai: payment.Receipt{MaHoSo: code, MaTTHC: procedure, MaDonVi: agency, HoTenNguoiNop: payer, ChiTiet: got.ThongTinBienLai.ChiTiet}}
	at, err := dvcqg.ParseTime(got.ThoiGianGD)
	d.Form(ansBill, "ThoiGianGD", got.ThoiGianGD, err == nil && within(at, from, to), "yyyyMMddHHmmss within the run")
	var sum int64
	for i, l := range got.ThongTinBienLai.ChiTiet {
		d.Form(ansBill, "ThongTinBienLai.ChiTiet["+itoa(i)+"]", l, l.NoiDung != "" && l.SoTien > 0, "a named line of a positive amount")
		sum += l.SoTien
	}
	d.Field(ansBill, "ThongTinBienLai.ChiTiet (sum of SoTien)", fee, sum)
	d.Compare(ansBill, want, got, equateEmpty)
}

// resultDiffs: what the signed result PDF of a delivered dossier states
// names it, its service and procedure, the catalog's result document, the
// applicant, an issuer of the province, and an issue time while officers
// processed it. a names where the PDF came from (the API or the result
// page's download).
func resultDiffs(d *framework.Diffs, a framework.Answer, svc fixtures.Service, dossier *portal.Dossier, province string, got portal.ResultDocument) {
	want := portal.ResultDocument{DocumentNo: "KQ-" + dossier.Code, Type: svc.Result.Type, NameVI: svc.Result.NameVI,
		DossierCode: dossier.Code, ServiceID: svc.ID, ServiceName: svc.NameVI, Applicant: dossier.Applicant,
		IssuedAt: got.IssuedAt, Issuer: got.Issuer}
	d.Form(a, "issuer", got.Issuer, province != "" && strings.Contains(got.Issuer, province), "an authority of "+province)
	// The PDF states the time to the second: acceptance within that second counts.
	ok := !got.IssuedAt.IsZero() && !got.IssuedAt.Before(dossier.AcceptedAt.Truncate(time.Second)) && !got.IssuedAt.After(dossier.DeliveredAt)
	d.Form(a, "issued_at", got.IssuedAt, ok, "between acceptance and delivery")
	d.Compare(a, want, got)
}

// listedDiffs: the service list carries the same entry as GET /services/{id}.
func listedDiffs(d *framework.Diffs, want portal.Service, list []portal.Service) {
	i := slices.IndexFunc(list, func(s portal.Service) bool { return s.ID == want.ID })
	if i < 0 {
		d.Field(ansServices, "services[id="+want.ID+"]", want.ID, "(absent)")
		return
	}
	d.Compare(framework.Answer{System: ansServices.System, Operation: ansServices.Operation + " [" + want.ID + "]"}, want, list[i], equateEmpty)
}

func itoa(i int) string { return strconv.Itoa(i) }
