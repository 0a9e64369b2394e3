package portal

import (
	"context"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dvcqa/dvcqa/mocks/internal/retain"
)

// Pushes to the national portal: each is tried pushAttempts times with a
// growing pause, each try bounded by pushTimeout.
const (
	pushTimeout  = 10 * time.Second
	pushAttempts = 4
	pushBackoff  = 100 * time.Millisecond
)

// push is one state change for the national portal: the dossier as it is
// now (DongBoHoSoMC), then its progress entry (CapNhatTienDoHoSoMC).
type push struct {
	dossier  NationalDossier
	updating bool
	progress ProgressEntry

	skipSync, skipProgress bool // seeded defects: that half is not sent
}

// SyncError is a push the national portal never accepted.
type SyncError struct {
	Code     string // MaHoSo
	Service  string // "DongBoHoSoMC" or "CapNhatTienDoHoSoMC"
	Status   int    // TrangThaiHoSo being pushed
	Attempts int
	Err      error
}

func (e SyncError) Error() string {
	return fmt.Sprintf("%s %s (status %d) failed %d times: %v", e.Service, e.Code, e.Status, e.Attempts, e.Err)
}

// syncer keeps one queue per dossier so that pushes reach the national
// portal in the order the states happened, without one slow dossier
// holding up the others. A queue's goroutine lives only while it has work.
type syncer struct {
	np      NationalPortal
	backoff time.Duration // first pause between tries; doubles
	stop    chan struct{} // closed by close: no more retries
	wg      sync.WaitGroup

	mu     sync.Mutex
	closed bool
	queues map[string][]push      // by dossier code; present while being drained
	errs   *retain.Log[SyncError] // the newest maxSyncErrors
}

// maxSyncErrors bounds the failed pushes remembered: enough to diagnose a
// run, not a record of a national portal down for a week.
const maxSyncErrors = 1000

func newSyncer(np NationalPortal) *syncer {
	return &syncer{np: np, backoff: pushBackoff, stop: make(chan struct{}), queues: map[string][]push{}, errs: retain.NewLog[SyncError](maxSyncErrors)}
}

// enqueue adds a push to a dossier's queue; it never blocks.
func (y *syncer) enqueue(code string, p push) {
	if y.np == nil {
		return
	}
	y.mu.Lock()
	defer y.mu.Unlock()
	if y.closed {
		return
	}
	q, draining := y.queues[code]
	y.queues[code] = append(q, p)
	if !draining {
		y.wg.Add(1)
		go y.drain(code)
	}
}

func (y *syncer) drain(code string) {
	defer y.wg.Done()
	for {
		y.mu.Lock()
		q := y.queues[code]
		if len(q) == 0 {
			delete(y.queues, code)
			y.mu.Unlock()
			return
		}
		p := q[0]
		y.queues[code] = q[1:]
		y.mu.Unlock()

		if !p.skipSync {
			y.try(code, "DongBoHoSoMC", p.dossier.TrangThaiHoSo, func(ctx context.Context) error {
				return y.np.Sync(ctx, p.dossier, p.updating)
			})
		}
		if !p.skipProgress {
			y.try(code, "CapNhatTienDoHoSoMC", p.progress.TrangThai, func(ctx context.Context) error {
				return y.np.Progress(ctx, p.progress)
			})
		}
	}
}

// try calls f until it succeeds or attempts run out, then records the
// failure; the portal itself carries on either way.
func (y *syncer) try(code, service string, status int, f func(context.Context) error) {
	var err error
	attempts, pause := 0, y.backoff
	for attempts < pushAttempts {
		attempts++
		ctx, cancel := context.WithTimeout(context.Background(), pushTimeout)
		err = f(ctx)
		cancel()
		if err == nil {
			return
		}
		if attempts == pushAttempts || y.stopping(pause) {
			break
		}
		pause *= 2
	}
	y.mu.Lock()
	y.errs.Add(SyncError{Code: code, Service: service, Status: status, Attempts: attempts, Err: err})
	y.mu.Unlock()
}

// stopping waits d before a retry and reports whether the portal closed
// meanwhile (then there is no retry).
func (y *syncer) stopping(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-y.stop:
		return true
	case <-t.C:
		return false
	}
}

// close stops retries, waits for queued pushes to be tried and refuses new ones.
func (y *syncer) close() {
	y.mu.Lock()
	if !y.closed {
		y.closed = true
		close(y.stop)
	}
	y.mu.Unlock()
	y.wg.Wait()
}

func (y *syncer) errors() []SyncError {
	y.mu.Lock()
	defer y.mu.Unlock()
	return y.errs.All()
}

// nationalDossier maps a dossier onto DVCQG's HoSo. The caller holds s.mu.
func (s *Server) nationalDossier(d *dossier) NationalDossier {
	maTTHC := d.procedureCode
	if maTTHC == "" {
		maTTHC = d.serviceID
	}
	if maTTHC == "" {
		maTTHC = d.step
	}
	summary := d.nameVI
	if d.owner.Name != "" {
		summary += " - " + d.owner.Name
	}
	if utf8.RuneCountInString(summary) > 1000 {
		summary = string([]rune(summary)[:1000])
	}
	hs := NationalDossier{
		MaHoSo:                      d.code,
		MaTTHC:                      maTTHC,
		TenTTHC:                     d.nameVI,
		MaLinhVuc:                   d.fieldCode,
		SoBienNhan:                  d.code,
		ChuHoSo:                     d.owner.Name,
		LoaiDoiTuong:                "1",
		MaDoiTuong:                  d.owner.ID,
		TrichYeuHoSo:                summary,
		NgayTiepNhan:                d.submittedAt,
		NgayHenTra:                  d.appointmentAt,
		TrangThaiHoSo:               s.statusCode(d.serviceID, d.status),
		NgayTra:                     d.deliveredAt,
		DonViXuLy:                   s.unitName(),
		KenhThucHien:                "2",
		DinhDanhCHS:                 []NationalID{{LoaiDinhDanh: "1", SoDinhDanh: d.owner.ID}},
		TaiLieuNop:                  []NationalFile{},
		DanhSachLePhi:               []NationalFee{},
		DanhSachGiayToKetQua:        []NationalResult{{TenGiayTo: d.resultDoc.NameVI, MaGiayTo: d.resultDoc.Type}},
		TaiKhoanDuocXacThucVoiVNeID: "1",
		DuocThanhToanTrucTuyen:      "0",
	}
	for _, a := range d.attachments {
		hs.TaiLieuNop = append(hs.TaiLieuNop, NationalFile{TenTepDinhKem: a.Filename, DuongDanTaiTepTin: s.opts.BaseURL + "/api/v1/attachments/" + a.ID})
	}
	if d.fee > 0 {
		hs.DanhSachLePhi = append(hs.DanhSachLePhi, NationalFee{TenPhiLePhi: d.nameVI, Gia: d.fee})
	}
	if d.paid {
		hs.DuocThanhToanTrucTuyen = "1"
	}
	s.syncDefects(d, &hs) // seeded defects, sync_defects.go
	return hs
}

// unitName is the portal's handling unit (DonViXuLy).
func (s *Server) unitName() string {
	return "Trung tâm Phục vụ hành chính công " + s.opts.Province.NameVI
}
