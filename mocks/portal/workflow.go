package portal

import (
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
	"github.com/dvcqa/dvcqa/vocab"
)

// Officers' pace in world time. Acceptance and processing happen within
// hours; finishing is set at the midpoint of the statutory period so that
// delivery always comes before the appointment.
const (
	acceptDelay   = time.Hour
	processDelay  = 3 * time.Hour
	minProcessing = 2 * time.Hour
	deliveryDelay = time.Hour
	chainStepDays = 1 // processing days of a chain step that is not in the catalog
)

// chainWorkflow is the workflow of a chain step that is not in the catalog.
var chainWorkflow = []string{api.StatusSubmitted, api.StatusAccepted, api.StatusProcessing, api.StatusFinished, api.StatusDelivered}

// after runs f with s.mu held once the dossier's timeline reaches world
// time at, unless the portal closes first. The caller holds s.mu.
func (s *Server) after(d *dossier, at time.Time, f func()) {
	if s.closed {
		return
	}
	s.timerSeq++
	id := s.timerSeq
	d.pending++ // in use while an officer has a step scheduled on it
	s.timers[id] = d.timeline.AfterFunc(at, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.closed {
			return
		}
		delete(s.timers, id)
		d.pending--
		if d.status == api.StatusWithdrawn {
			return // officers stop at a withdrawal (withdraw.go)
		}
		f()
	})
}

// now is the dossier's world time, truncated to the second like every time
// the portal records. The caller holds s.mu.
func (d *dossier) now() time.Time { return d.timeline.Now().Truncate(time.Second) }

// schedule runs f, the dossier's next transition, at world time at, unless
// the dossier is stuck where it is. The caller holds s.mu.
func (s *Server) schedule(d *dossier, at time.Time, f func()) {
	if s.stuck(d) {
		return
	}
	s.after(d, at, f)
}

// stuck reports whether the dossier may not leave its state. The caller
// holds s.mu.
//
// Seeded defect status-stuck:<state>: dossiers of the service never leave
// <state>; no further transition is scheduled. A follow-on dossier stalled
// by chain-step-stuck (openChainStep) never leaves any state.
func (s *Server) stuck(d *dossier) bool {
	state, on := s.defect(defectStatusStuck, d.serviceID)
	return d.stalled || on && state == d.status
}

// startOfficers schedules acceptance once nothing blocks the dossier (it was
// submitted free of charge, or paid). The caller holds s.mu.
// In manual mode (Options.Officers) nothing is scheduled: the dossier waits
// for an officer's action (backoffice_actions.go).
func (s *Server) startOfficers(d *dossier, from time.Time) {
	if s.manual() {
		return
	}
	at := from.Add(acceptDelay)
	s.schedule(d, at, func() { s.accept(d, at) })
}

func (s *Server) accept(d *dossier, at time.Time) {
	s.receive(d, at, nil)
	next := at.Add(processDelay)
	s.schedule(d, next, func() { s.process(d, next) })
}

// receive is the acceptance (tiếp nhận) by the officer by, nil = a
// synthetic one: the appointment is set from now on.
func (s *Server) receive(d *dossier, at time.Time, by *officer) {
	d.acceptedAt = at
	d.appointmentAt = s.appointment(d, at)
	s.advanceBy(d, api.StatusAccepted, at, by)
}

// appointment is the date the result is due (hẹn trả): processing_days
// working days after acceptance, at 17:00 Vietnam time.
//
// Seeded defect appointment-date-wrong: calendar days are counted instead,
// weekends and holidays included. The officers still keep to that date.
func (s *Server) appointment(d *dossier, accepted time.Time) time.Time {
	if _, on := s.defect(defectAppointmentDateWrong, d.serviceID); on {
		a := accepted.In(vocab.Vietnam)
		return time.Date(a.Year(), a.Month(), a.Day()+d.processingDays, 17, 0, 0, 0, vocab.Vietnam)
	}
	return s.calendar(d.serviceID).AddWorkingDays(accepted, d.processingDays)
}

func (s *Server) process(d *dossier, at time.Time) {
	s.advance(d, api.StatusProcessing, at)
	next := s.finishAt(d, at)
	s.schedule(d, next, func() { s.finish(d, next) })
}

// finishAt is when processing that started at at is finished: midway to
// the appointment, at least minProcessing later.
func (s *Server) finishAt(d *dossier, at time.Time) time.Time {
	next := d.acceptedAt.Add(d.appointmentAt.Sub(d.acceptedAt) / 2).Truncate(time.Second)
	if earliest := at.Add(minProcessing); next.Before(earliest) {
		next = earliest
	}
	// Seeded defect deadline-missed: the officers finish, and deliver, two
	// working days after the appointment date.
	if _, on := s.defect(defectDeadlineMissed, d.serviceID); on {
		next = s.calendar(d.serviceID).AddWorkingDays(d.appointmentAt, 2).Add(-deliveryDelay)
	}
	return next
}

func (s *Server) finish(d *dossier, at time.Time) {
	s.sign(d, at, nil)
	next := at.Add(deliveryDelay)
	s.schedule(d, next, func() { s.deliver(d, next) })
}

// sign is the leader's signature (ký số) by the officer by, nil = a
// synthetic one: finished, and the follow-on dossiers of a chain opened.
func (s *Server) sign(d *dossier, at time.Time, by *officer) {
	s.advanceBy(d, api.StatusFinished, at, by)
	// Seeded defect chain-broken: the follow-on dossiers of the chain are
	// never created.
	if _, on := s.defect(defectChainBroken, d.serviceID); !on {
		for _, step := range d.chainSteps {
			s.openChainStep(d, step, at)
		}
	}
}

func (s *Server) deliver(d *dossier, at time.Time) {
	d.deliveredAt = at
	d.result = s.issueResult(d, at)
	s.advance(d, api.StatusDelivered, at)
}

// openChainStep creates the follow-on dossier of one liên thông step, for
// the same citizen, and runs it through the same engine.
func (s *Server) openChainStep(parent *dossier, step fixtures.ChainStep, at time.Time) {
	child := &dossier{
		owner:          parent.owner,
		serviceID:      step.Service,
		nameVI:         step.NameVI,
		fieldCode:      parent.fieldCode,
		agency:         step.Agency,
		workflow:       chainWorkflow,
		processingDays: chainStepDays,
		resultDoc:      fixtures.ResultDoc{Type: step.Step, NameVI: step.NameVI, NameEN: step.NameEN},
		step:           step.Step,
		parent:         parent,
		fields:         maps.Clone(parent.fields),
		// fee stays 0: a chain step is covered by the main dossier.
	}
	// Seeded defect chain-wrong-applicant: the follow-on dossier is filed
	// under another person the main dossier's form names (the deceased, the
	// head of household) instead of the applicant.
	if _, on := s.defect(defectChainWrongApplicant, parent.serviceID); on {
		child.owner = citizen{ID: s.otherPerson(parent), Name: parent.owner.Name}
	}
	// Seeded defect chain-step-stuck: the receiving agency never picks the
	// follow-on dossier up; it stays submitted.
	_, child.stalled = s.defect(defectChainStepStuck, parent.serviceID)
	if svc, ok := s.opts.Catalog.Service(step.Service); ok {
		child.procedureCode = svc.ProcedureCode
		child.fieldCode = svc.FieldCode
		child.workflow = slices.DeleteFunc(slices.Clone(svc.Workflow), func(st string) bool { return st == api.StatusPaymentRequired })
		child.processingDays = svc.ProcessingDays
		child.resultDoc = svc.Result
	}
	parent.children = append(parent.children, child)
	s.open(child, at)
}

// otherPerson is a personal ID on the dossier's form that is not the
// applicant's; failing one, the applicant's with its last digit changed.
func (s *Server) otherPerson(d *dossier) string {
	if svc, ok := s.opts.Catalog.Service(d.serviceID); ok {
		for _, f := range svc.Form {
			if v := d.fields[f.Name]; f.Type == "id_number" && v != "" && v != d.owner.ID {
				return v
			}
		}
	}
	id := []byte(d.owner.ID)
	if n := len(id); n > 0 {
		id[n-1] = '0' + (id[n-1]-'0'+1)%10
	}
	return string(id)
}

// advance moves a dossier to state at world time at, if its workflow lists
// that state: history entry by a synthetic officer, then the push to the
// national portal. The caller holds s.mu.
func (s *Server) advance(d *dossier, state string, at time.Time) { s.advanceBy(d, state, at, nil) }

// advanceBy is advance with the history entry by the officer by (name,
// title, unit; its note when not empty), nil = the synthetic one. The
// exits off the workflow (withdrawn, rejected, supplement_requested) are
// always allowed.
func (s *Server) advanceBy(d *dossier, state string, at time.Time, by *officer) {
	if !slices.Contains(d.workflow, state) && !offWorkflow(state) {
		return
	}
	first := len(d.history) == 0
	started := at
	if !first {
		started = d.history[len(d.history)-1].At
	}
	o := s.officer(d, state)
	if by != nil {
		o.name, o.title, o.unit = by.name, by.title, by.unit
		if by.note != "" {
			o.note = by.note
		}
	}
	e := api.HistoryEntry{Status: state, StatusCode: s.statusCode(d.serviceID, state), At: at,
		Officer: o.name, Title: o.title, Unit: o.unit, Note: o.note}
	d.status = state
	d.history = append(d.history, e)
	s.touch(d)

	deadline := d.appointmentAt
	if deadline.IsZero() { // before acceptance: the statutory period from now
		deadline = s.calendar(d.serviceID).AddWorkingDays(at, d.processingDays)
	}
	p := push{
		dossier:  s.nationalDossier(d),
		updating: !first,
		progress: ProgressEntry{
			MaHoSo: d.code, NguoiXuLy: o.name, ChucDanh: o.title, PhongBanXuLy: o.unit, NoiDungXuLy: o.note,
			ThoiDiemXuLy: at, TrangThai: e.StatusCode, NgayBatDau: started, NgayKetThucTheoQuyDinh: deadline,
		},
	}
	// Seeded defects of the national sync: dvcqg-sync-missing (nothing about
	// the dossier is pushed), dvcqg-status-lag (only the first DongBoHoSoMC
	// is sent, so DVCQG keeps "submitted" while the history advances) and
	// dvcqg-history-gap (no progress entry for "processing").
	if _, on := s.defect(defectSyncMissing, d.serviceID); on {
		return
	}
	s.progressDefects(d, &p.progress) // seeded defects, sync_defects.go
	if _, on := s.defect(defectStatusLag, d.serviceID); on && !first {
		p.skipSync = true
	}
	if _, on := s.defect(defectHistoryGap, d.serviceID); on && state == api.StatusProcessing {
		p.skipProgress = true
	}
	s.sync.enqueue(d.code, p)
}

// offWorkflow: states a dossier may reach whatever its workflow lists.
func offWorkflow(state string) bool {
	switch state {
	case api.StatusWithdrawn, statusRejected, statusSupplementRequested:
		return true
	}
	return false
}

// officer is who handles a state change, with what title, where, and why.
type officer struct{ name, title, unit, note string }

var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	middleNames = []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Thanh", "Ngọc", "Quang", "Thùy"}
	givenNames  = []string{"An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Lan", "Linh", "Long", "Mai", "Nam", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến"}
)

// officer names are synthetic and stable per dossier and state, so a
// re-run of the same world tells the same story.
func (s *Server) officer(d *dossier, state string) officer {
	h := fnv.New32a()
	fmt.Fprint(h, d.code, "|", state)
	n := h.Sum32()
	name := familyNames[n%uint32(len(familyNames))] + " " +
		middleNames[(n/16)%uint32(len(middleNames))] + " " +
		givenNames[(n/256)%uint32(len(givenNames))]
	oneStop := "Bộ phận Một cửa - Trung tâm Phục vụ hành chính công " + s.opts.Province.NameVI
	expert := "Phòng chuyên môn"
	if a, ok := s.opts.Catalog.Agency(d.agency); ok {
		expert += " (" + a.NameVI + ")"
	}
	expert += " - " + s.opts.Province.NameVI
	switch state {
	case api.StatusSubmitted:
		return officer{name, "Công chức tiếp nhận hồ sơ", oneStop, "Hồ sơ nộp trực tuyến qua Cổng Dịch vụ công, đã ghi nhận vào hệ thống"}
	case api.StatusPaymentRequired:
		return officer{name, "Công chức tiếp nhận hồ sơ", oneStop, fmt.Sprintf("Đề nghị công dân thanh toán phí, lệ phí %d đồng trực tuyến", d.fee)}
	case api.StatusAccepted:
		return officer{name, "Công chức một cửa", oneStop, "Tiếp nhận hồ sơ hợp lệ, hẹn trả kết quả ngày " + d.appointmentAt.Format("02/01/2006")}
	case api.StatusProcessing:
		return officer{name, specialistTitle(d.agency), expert, "Thẩm định hồ sơ, đối chiếu cơ sở dữ liệu quốc gia"}
	case api.StatusFinished:
		return officer{name, "Lãnh đạo phòng chuyên môn", expert, "Phê duyệt, ký số kết quả giải quyết " + d.resultDoc.NameVI}
	case api.StatusWithdrawn:
		return officer{name, "Công chức tiếp nhận hồ sơ", oneStop, "Công dân rút hồ sơ trực tuyến; dừng giải quyết"}
	case statusRejected:
		return officer{name, "Công chức một cửa", oneStop, "Từ chối hồ sơ: hồ sơ không đủ điều kiện giải quyết"}
	case statusSupplementRequested:
		return officer{name, "Công chức một cửa", oneStop, "Đề nghị công dân bổ sung, hoàn thiện hồ sơ"}
	default: // delivered
		return officer{name, "Công chức một cửa", oneStop, "Trả kết quả điện tử qua Cổng Dịch vụ công và kho dữ liệu của công dân"}
	}
}

// specialistTitles are the processing officer's title by agency id
// (services.yaml agencies); others get a generic one.
var specialistTitles = map[string]string{
	"btp":   "Công chức tư pháp - hộ tịch",
	"bca":   "Cán bộ Công an",
	"bhxh":  "Viên chức Bảo hiểm xã hội",
	"btc":   "Công chức thuế",
	"bnnmt": "Công chức địa chính",
	"bct":   "Nhân viên Điện lực",
	"bgddt": "Chuyên viên Sở Giáo dục và Đào tạo",
	"bnv":   "Chuyên viên Sở Nội vụ",
}

func specialistTitle(agency string) string {
	if t, ok := specialistTitles[agency]; ok {
		return t
	}
	return "Chuyên viên xử lý hồ sơ"
}
