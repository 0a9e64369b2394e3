package portal

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
	"github.com/dvcqa/dvcqa/vocab"
)

// maxSubmit bounds a submission body; attachments travel separately.
const maxSubmit = 1 << 20

// maxNote is the longest note a submission may carry (the contract's
// maxLength), in characters.
const maxNote = 500

// dossier is one application (hồ sơ) and its progress. Guarded by Server.mu.
type dossier struct {
	id, code       string
	owner          citizen // Name resolved at submission
	serviceID      string
	procedureCode  string
	nameVI         string
	fieldCode      string
	agency         string
	workflow       []string
	processingDays int
	resultDoc      fixtures.ResultDoc
	chainSteps     []fixtures.ChainStep // follow-on steps to create when finished
	step           string               // the chain step this dossier is, "" for a citizen's own
	stalled        bool                 // never leaves its state (seeded defect chain-step-stuck)

	fields      map[string]string
	attachments []api.Attachment
	note        string // the submission's note (e.g. the harness's run marker)

	status                                              string
	submittedAt, acceptedAt, appointmentAt, deliveredAt time.Time
	history                                             []api.HistoryEntry

	fee, paidAmount int64
	paid            bool
	txnID           string

	children []*dossier
	result   *issuedResult
	office   *officerOffice // the officers' back-office state (backoffice.go); nil = untouched

	timeline *timeline // the dossier's own world time, from its submission

	// Retention (retention.go): the main dossier of a chain step, when it
	// was last used (real time), officer steps scheduled, and the
	// idempotency key that created it.
	parent  *dossier
	usedAt  time.Time
	pending int
	idem    *idemKey
}

// idemKey scopes an Idempotency-Key to one citizen: two citizens may
// happen to choose the same key.
type idemKey struct{ citizen, key string }

// idemEntry is a key in use. done is closed when the first request with the
// key has finished; the entry is kept only if that request created a dossier.
type idemEntry struct {
	hash    [32]byte // of the canonical request
	dossier *dossier
	done    chan struct{}
}

func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request, c citizen) {
	key := r.Header.Get(api.HeaderIdempotencyKey)
	if key == "" || len(key) > 255 {
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, "header Idempotency-Key (1 to 255 characters) is required",
			"Thiếu tiêu đề Idempotency-Key")
		return
	}
	var req api.SubmitRequest
	if e := decodeJSON(w, r, maxSubmit, &req); e != nil {
		writeAPIError(w, e)
		return
	}
	view, replayed, e := s.submitOnce(r.Context(), c, key, &req)
	switch {
	case e == errCrashed:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "Internal Server Error")
	case e != nil:
		writeAPIError(w, e)
	case replayed:
		w.Header().Set(api.HeaderReplayed, "true")
		httpx.JSON(w, http.StatusOK, view)
	default:
		httpx.JSON(w, http.StatusCreated, view)
	}
}

// submitOnce creates the dossier of a request under an idempotency key, or
// replays the one the same key and request created before (replayed). The
// API and the web form's submit step both come through here.
func (s *Server) submitOnce(ctx context.Context, c citizen, key string, req *api.SubmitRequest) (view api.Dossier, replayed bool, e *api.APIError) {
	if req.Fields == nil {
		req.Fields = map[string]string{}
	}
	if req.Attachments == nil {
		req.Attachments = []api.AttachmentRef{}
	}
	// "Identical body" means the same request, whatever the JSON spacing or
	// member order: compare a canonical encoding (maps marshal sorted).
	canon, _ := json.Marshal(req)
	ik := idemKey{c.ID, key}
	entry := &idemEntry{hash: sha256.Sum256(canon), done: make(chan struct{})}
	// Seeded defect duplicate-on-retry: the key is never looked at, so a
	// retry creates another dossier.
	_, ignoreKey := s.defect(defectDuplicateOnRetry, req.ServiceID)
	if !ignoreKey {
		// Seeded defect idempotency-conflict-ignored: only the key is
		// compared, so a reused key with another body replays the first
		// dossier instead of answering 409.
		_, keyOnly := s.defect(defectIdempotencyConflictIgnored, req.ServiceID)
		prev, e := s.claimKey(ctx, ik, entry, keyOnly)
		if prev != nil {
			return *prev, true, nil
		}
		if e != nil {
			return view, false, e
		}
	}

	d, e := s.submit(ctx, c, req)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !ignoreKey {
		if d == nil {
			delete(s.idem, ik) // a refused request may be corrected and sent again with its key
		}
		entry.dossier = d
		close(entry.done)
		if d != nil {
			d.idem = &ik
		}
	}
	if d != nil {
		view = s.view(d)
	}
	return view, false, e
}

// claimKey registers the request's idempotency key, or answers for it: the
// dossier of an identical earlier request (to replay), or 409 for a
// different one (unless keyOnly, the seeded defect). Neither means the
// caller goes on to create the dossier.
func (s *Server) claimKey(ctx context.Context, ik idemKey, entry *idemEntry, keyOnly bool) (*api.Dossier, *api.APIError) {
	for {
		s.mu.Lock()
		prev := s.idem[ik]
		if prev == nil {
			s.idem[ik] = entry
			s.mu.Unlock()
			return nil, nil
		}
		if prev.hash != entry.hash && !keyOnly {
			s.mu.Unlock()
			return nil, &api.APIError{Status: http.StatusConflict, Code: api.CodeIdempotencyReused,
				Message:   "Idempotency-Key was already used with a different request",
				MessageVI: "Mã Idempotency-Key đã được dùng cho một yêu cầu khác"}
		}
		if prev.dossier != nil {
			view := s.view(prev.dossier)
			s.mu.Unlock()
			return &view, nil
		}
		s.mu.Unlock()
		// A twin is in flight: wait for its outcome, then look again.
		select {
		case <-prev.done:
		case <-ctx.Done():
			return nil, &api.APIError{Status: http.StatusServiceUnavailable, Code: "canceled",
				Message: "request canceled", MessageVI: "Yêu cầu đã bị hủy"}
		}
	}
}

// errCrashed is submit's answer under the seeded defect validation-500: the
// handler "crashes" and answers a bare 500.
var errCrashed = &api.APIError{Status: http.StatusInternalServerError, Code: "internal_error",
	Message: "Internal Server Error", MessageVI: "Lỗi hệ thống"}

// stackTrace is what the seeded defect error-leaks-stack appends to
// validation messages: a Go panic trace naming the portal's internals.
const stackTrace = "\n\ngoroutine 17 [running]:\ngithub.com/dvcqa/dvcqa/mocks/portal.(*Server).submit(...)\n" +
	"\t/build/mocks/portal/dossiers.go:212 +0x1b4\npanic: validation"

// submit validates a request and creates its dossier.
func (s *Server) submit(ctx context.Context, c citizen, req *api.SubmitRequest) (*dossier, *api.APIError) {
	svc, fields, atts, e := s.check(ctx, c, req)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.Name == "" {
		c.Name = fields["HoVaTen"]
	}
	d := &dossier{
		owner:          c,
		serviceID:      svc.ID,
		procedureCode:  svc.ProcedureCode,
		nameVI:         svc.NameVI,
		fieldCode:      svc.FieldCode,
		agency:         svc.Agency,
		workflow:       svc.Workflow,
		processingDays: svc.ProcessingDays,
		resultDoc:      svc.Result,
		chainSteps:     svc.Chain,
		fields:         fields,
		attachments:    atts,
		note:           req.Note,
		fee:            s.feeOf(svc),
	}
	s.open(d, s.now())
	return d, nil
}

// check validates a request as submit does, and returns the values and
// attachments a dossier would store. The web form's review step checks
// here too, so the rules (and their seeded defects) live in one place.
func (s *Server) check(ctx context.Context, c citizen, req *api.SubmitRequest) (*fixtures.Service, map[string]string, []api.Attachment, *api.APIError) {
	invalid := func(errs []api.FieldError) *api.APIError {
		e := &api.APIError{Status: http.StatusUnprocessableEntity, Code: api.CodeValidationFailed,
			Message:   fmt.Sprintf("%d field(s) are not valid", len(errs)),
			MessageVI: fmt.Sprintf("Hồ sơ có %d thông tin không hợp lệ", len(errs)), Fields: errs}
		if stack := s.leakedStack(req.ServiceID); stack != "" {
			e.Message += stack
			for i := range e.Fields {
				e.Fields[i].Message += stack
			}
		}
		return e
	}
	svc, ok := s.opts.Catalog.Service(req.ServiceID)
	if !ok {
		return nil, nil, nil, invalid([]api.FieldError{bad("service_id", api.FieldUnknownService, "unknown service "+req.ServiceID, "Không tìm thấy dịch vụ công "+req.ServiceID)})
	}
	// National data is read again: the form may be stale or forged.
	national, err := s.nationalValues(withApplicant(ctx, c), svc, c.ID) // ndxp names the applicant
	if err != nil {
		return nil, nil, nil, &api.APIError{Status: http.StatusBadGateway, Code: api.CodeUpstream,
			Message: "national data is unavailable: " + err.Error(), MessageVI: "Không lấy được dữ liệu từ cơ sở dữ liệu quốc gia, vui lòng thử lại sau"}
	}
	_, idFormatUnchecked := s.defect(defectIDFormatUnchecked, svc.ID)
	var lax leniency
	_, lax.id = s.defect(defectPersonalIDLenient, svc.ID)
	_, lax.date = s.defect(defectDateLenient, svc.ID)
	_, lax.phone = s.defect(defectPhoneLenient, svc.ID)
	fields, errs := validateFields(svc, req.Fields, national, !idFormatUnchecked, lax)
	// Seeded defect required-as-format-error: an empty required field runs
	// through the format check and is refused as malformed, not as missing.
	if _, on := s.defect(defectRequiredAsFormat, svc.ID); on {
		for i, fe := range errs {
			if f, ok := svc.Field(fe.Field); ok && fe.Code == api.FieldRequired {
				errs[i] = bad(fe.Field, api.FieldInvalidFormat, f.LabelEN+" has an invalid format", f.LabelVI+" không đúng định dạng")
			}
		}
	}
	// Seeded defect validation-500: a missing required field crashes the
	// handler before anything is created.
	if _, on := s.defect(defectValidation500, svc.ID); on && missingRequired(svc, req.Fields, national) {
		return nil, nil, nil, errCrashed
	}
	s.mu.Lock()
	atts, attErrs := s.validateAttachments(svc, req.Attachments, c.ID)
	s.mu.Unlock()
	if utf8.RuneCountInString(req.Note) > maxNote {
		errs = append(errs, bad("note", api.FieldInvalidFormat, fmt.Sprintf("note is longer than %d characters", maxNote),
			fmt.Sprintf("Ghi chú dài quá %d ký tự", maxNote)))
	}
	if errs = append(errs, attErrs...); len(errs) > 0 {
		return nil, nil, nil, invalid(errs)
	}
	return svc, fields, atts, nil
}

// leakedStack is the internal detail validation errors of the service
// show, "" normally.
//
// Seeded defect error-leaks-stack: a stack trace reaches the citizen, in
// every English message of the API and in the web form's error summary.
func (s *Server) leakedStack(service string) string {
	if _, on := s.defect(defectErrorLeaksStack, service); on {
		return stackTrace
	}
	return ""
}

// feeOf is the fee a new dossier of the service asks.
//
// Seeded defect fee-wrong-amount: a paid service asks 10 % more, rounded to
// 1000 VND and at least 1000 VND more. The catalog endpoint still shows the
// right fee; payment and callback checks use the dossier's, consistently.
func (s *Server) feeOf(svc *fixtures.Service) int64 {
	fee := svc.FeeVND
	if _, on := s.defect(defectFeeWrongAmount, svc.ID); on && fee > 0 {
		extra := (fee/10 + 500) / 1000 * 1000
		fee += max(extra, 1000)
	}
	return fee
}

// open registers a new dossier at world time at, records "submitted" and
// starts its workflow. The caller holds s.mu.
func (s *Server) open(d *dossier, at time.Time) {
	day := at.In(vocab.Vietnam).Format("060102")
	s.daySeq[day]++
	d.id = "hs-" + randomID()
	_, longDate := s.defect(defectDossierCodeFormat, d.serviceID)
	d.code = dossierCode(s.opts.Province.AgencyID, at, s.daySeq[day], longDate)
	d.submittedAt = at
	d.timeline = s.clock.Timeline(at)
	s.dossiers[d.id] = d
	s.byCode[d.code] = d
	s.order.Add(d.id)
	s.touch(d)
	s.trimDossiers()
	s.advance(d, api.StatusSubmitted, at)
	if d.fee > 0 {
		if !s.stuck(d) {
			s.advance(d, api.StatusPaymentRequired, at)
		}
		return // officers start when the payment callback arrives
	}
	s.startOfficers(d, at)
}

func (s *Server) handleDossiers(w http.ResponseWriter, r *http.Request, c citizen) {
	s.mu.Lock()
	out := api.Dossiers{Dossiers: []api.Dossier{}}
	s.eachDossier(func(d *dossier) {
		if d.owner.ID == c.ID {
			s.touch(d)
			out.Dossiers = append(out.Dossiers, s.view(d))
		}
	})
	s.mu.Unlock()
	httpx.JSON(w, http.StatusOK, out)
}

func (s *Server) handleDossier(w http.ResponseWriter, r *http.Request, c citizen) {
	s.mu.Lock()
	d := s.owned(r.PathValue("id"), c)
	var view api.Dossier
	if d != nil {
		view = s.readBackAnswer(s.view(d))
	}
	s.mu.Unlock()
	if d == nil {
		writeDossierNotFound(w)
		return
	}
	httpx.JSON(w, http.StatusOK, view)
}

// owned is the caller's dossier with that id, or nil: another citizen's
// dossier is indistinguishable from a missing one. The caller holds s.mu.
func (s *Server) owned(id string, c citizen) *dossier {
	if d := s.dossiers[id]; d != nil && d.owner.ID == c.ID {
		s.touch(d)
		return d
	}
	return nil
}

func writeDossierNotFound(w http.ResponseWriter) { writeAPIError(w, dossierNotFound()) }

func dossierNotFound() *api.APIError {
	return &api.APIError{Status: http.StatusNotFound, Code: api.CodeNotFound, Message: "no such dossier", MessageVI: "Không tìm thấy hồ sơ"}
}

// view is the dossier on the wire. The caller holds s.mu.
func (s *Server) view(d *dossier) api.Dossier {
	v := api.Dossier{
		ID:            d.id,
		Code:          d.code,
		ServiceID:     d.serviceID,
		ProcedureCode: d.procedureCode,
		Province:      s.opts.Province.Code,
		Status:        d.status,
		StatusCode:    s.statusCode(d.serviceID, d.status),
		Applicant:     api.Applicant{SoDinhDanh: d.owner.ID, HoVaTen: d.owner.Name},
		Fields:        maps.Clone(d.fields),
		Attachments:   append([]api.Attachment{}, d.attachments...),
		SubmittedAt:   d.submittedAt,
		AcceptedAt:    d.acceptedAt,
		AppointmentAt: d.appointmentAt,
		DeliveredAt:   d.deliveredAt,
		Fee: api.Fee{AmountVND: d.fee, Paid: d.paid, PaidAmountVND: d.paidAmount,
			TransactionID: d.txnID},
		History:         slices.Clone(d.history),
		ResultAvailable: d.result != nil,
		Chain:           []api.ChainLink{},
		Note:            d.note,
	}
	for _, c := range d.children {
		v.Chain = append(v.Chain, api.ChainLink{Step: c.step, NameVI: c.nameVI, ServiceID: c.serviceID, Code: c.code, Status: c.status})
	}
	return s.dossierAnswer(v)
}
