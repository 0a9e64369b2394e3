package portal

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	api "github.com/dvcqa/dvcqa/api/portal"
)

func statuses(h []api.HistoryEntry) []string {
	var out []string
	for _, e := range h {
		out = append(out, e.Status)
	}
	return out
}

func TestFreeServiceReachesDelivered(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	d, _, err := c.Submit(context.Background(), "k", e.birthRequest(c))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Result(context.Background(), d.ID); !api.IsNotFound(err) {
		t.Fatalf("result before delivery: %v, want 404", err)
	}
	d = e.waitFor(c, d.ID, "delivered", delivered)

	want := []string{"submitted", "accepted", "processing", "finished", "delivered"}
	if got := statuses(d.History); !slices.Equal(got, want) {
		t.Fatalf("history %v, want %v", got, want)
	}
	for i, h := range d.History {
		if i > 0 && !h.At.After(d.History[i-1].At) {
			t.Errorf("history entry %d (%s at %v) not after the previous one (%v)", i, h.Status, h.At, d.History[i-1].At)
		}
		if h.Officer == "" || utf8.RuneCountInString(h.Officer) > 50 || h.Title == "" || h.Unit == "" || h.Note == "" {
			t.Errorf("history entry %+v lacks officer, title, unit or note", h)
		}
	}
	if d.StatusCode != 10 || d.History[1].StatusCode != 2 || d.History[2].StatusCode != 4 || d.History[3].StatusCode != 9 {
		t.Errorf("status codes %+v", d.History)
	}
	if want := (weekdays{}).AddWorkingDays(d.AcceptedAt, 3); !d.AppointmentAt.Equal(want) {
		t.Errorf("appointment %v, want AddWorkingDays(accepted %v, 3) = %v", d.AppointmentAt, d.AcceptedAt, want)
	}
	if d.AcceptedAt != d.History[1].At || d.DeliveredAt != d.History[4].At {
		t.Errorf("accepted_at/delivered_at disagree with history: %v %v", d.AcceptedAt, d.DeliveredAt)
	}
	if d.DeliveredAt.After(d.AppointmentAt) {
		t.Errorf("delivered %v after the appointment %v", d.DeliveredAt, d.AppointmentAt)
	}
	if !d.ResultAvailable {
		t.Error("delivered dossier has no result")
	}
	if strings.Contains(d.History[1].Note, "hẹn trả") == false {
		t.Errorf("acceptance note %q does not give the appointment", d.History[1].Note)
	}
}

func TestWorkflowIsPushedToNationalPortalInOrder(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	d, _, err := c.Submit(context.Background(), "k", e.birthRequest(c))
	if err != nil {
		t.Fatal(err)
	}
	d = e.waitFor(c, d.ID, "delivered", delivered)
	e.portal.Close() // waits for queued pushes

	calls := e.national.callsFor(d.Code)
	var got []string
	for _, call := range calls {
		got = append(got, fmt.Sprint(call.Kind, ":", call.Status))
	}
	want := []string{"sync:1", "progress:1", "sync:2", "progress:2", "sync:4", "progress:4", "sync:9", "progress:9", "sync:10", "progress:10"}
	if !slices.Equal(got, want) {
		t.Fatalf("pushes %v, want %v", got, want)
	}
	if calls[0].Updating || !calls[2].Updating || !calls[8].Updating {
		t.Error("first sync must be new (isUpdating False), later ones updates")
	}
	first := calls[0].Dossier
	if first.MaHoSo != d.Code || first.SoBienNhan != d.Code || first.MaTTHC != "1.001193.000.00.00.H01" || first.TenTTHC != "Đăng ký khai sinh" ||
		first.MaLinhVuc != "HT" || first.ChuHoSo != an.Name || first.MaDoiTuong != an.ID || first.LoaiDoiTuong != "1" ||
		first.TrichYeuHoSo != "Đăng ký khai sinh - "+an.Name || first.KenhThucHien != "2" || first.TaiKhoanDuocXacThucVoiVNeID != "1" ||
		first.DuocThanhToanTrucTuyen != "0" || first.DonViXuLy == "" || !first.NgayTiepNhan.Equal(d.SubmittedAt) || !first.NgayHenTra.IsZero() {
		t.Errorf("first sync %+v", first)
	}
	if len(first.DinhDanhCHS) != 1 || first.DinhDanhCHS[0] != (NationalID{"1", an.ID}) {
		t.Errorf("DinhDanhCHS %+v", first.DinhDanhCHS)
	}
	if len(first.TaiLieuNop) != 1 || first.TaiLieuNop[0].TenTepDinhKem != "giay_chung_sinh.bin" || len(first.DanhSachLePhi) != 0 ||
		first.DanhSachGiayToKetQua[0] != (NationalResult{"Giấy khai sinh", "giay_khai_sinh"}) {
		t.Errorf("documents %+v / %+v / %+v", first.TaiLieuNop, first.DanhSachLePhi, first.DanhSachGiayToKetQua)
	}
	if !calls[2].Dossier.NgayHenTra.Equal(d.AppointmentAt) {
		t.Errorf("NgayHenTra after acceptance %v, want %v", calls[2].Dossier.NgayHenTra, d.AppointmentAt)
	}
	last := calls[8].Dossier
	if !last.NgayTra.Equal(d.DeliveredAt) || last.TrangThaiHoSo != 10 {
		t.Errorf("last sync NgayTra %v status %d", last.NgayTra, last.TrangThaiHoSo)
	}
	for i, h := range d.History {
		p := calls[2*i+1].Progress
		if p.MaHoSo != d.Code || p.NguoiXuLy != h.Officer || p.ChucDanh != h.Title || p.PhongBanXuLy != h.Unit ||
			p.NoiDungXuLy != h.Note || !p.ThoiDiemXuLy.Equal(h.At) || p.TrangThai != h.StatusCode || p.NgayKetThucTheoQuyDinh.IsZero() {
			t.Errorf("progress %d = %+v, history %+v", i, p, h)
		}
		if i > 0 && (!p.NgayBatDau.Equal(d.History[i-1].At) || !p.NgayKetThucTheoQuyDinh.Equal(d.AppointmentAt)) {
			t.Errorf("progress %d starts %v ends %v", i, p.NgayBatDau, p.NgayKetThucTheoQuyDinh)
		}
	}
	if errs := e.portal.SyncErrors(); len(errs) != 0 {
		t.Errorf("sync errors %v", errs)
	}
}

func TestSyncRetriesThenRecordsFailures(t *testing.T) {
	e := newEnv(t)
	e.national.mu.Lock()
	e.national.failures = 3 // first push fails three times, then succeeds
	e.national.mu.Unlock()
	c := e.as(an)
	d, _, err := c.Submit(context.Background(), "k", e.birthRequest(c))
	if err != nil {
		t.Fatal(err)
	}
	e.waitFor(c, d.ID, "delivered", delivered)
	deadline := time.Now().Add(5 * time.Second)
	for len(e.national.callsFor(d.Code)) < 10 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := len(e.national.callsFor(d.Code)); n != 10 {
		t.Fatalf("%d pushes arrived, want 10", n)
	}
	if errs := e.portal.SyncErrors(); len(errs) != 0 {
		t.Fatalf("retried pushes recorded as errors: %v", errs)
	}

	// A national portal that is down: the portal carries on and records it.
	e2 := newEnv(t)
	e2.national.mu.Lock()
	e2.national.always = true
	e2.national.mu.Unlock()
	c2 := e2.as(an)
	d2, _, err := c2.Submit(context.Background(), "k", e2.birthRequest(c2))
	if err != nil {
		t.Fatal(err)
	}
	e2.waitFor(c2, d2.ID, "delivered", delivered)
	for deadline := time.Now().Add(5 * time.Second); len(e2.portal.SyncErrors()) == 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	e2.portal.Close()
	errs := e2.portal.SyncErrors()
	if len(errs) == 0 || errs[0].Code != d2.Code || errs[0].Service != "DongBoHoSoMC" || errs[0].Status != 1 || errs[0].Attempts != pushAttempts || errs[0].Err == nil {
		t.Fatalf("sync errors %v", errs)
	}
}

func TestChainCreatesFollowOnDossiers(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	ctx := context.Background()
	d, _, err := c.Submit(ctx, "k", api.SubmitRequest{ServiceID: "DV15", Fields: map[string]string{"HoTenTre": "Nguyễn Minh Khôi"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Chain) != 0 {
		t.Fatalf("chain before finishing: %+v", d.Chain)
	}
	d = e.waitFor(c, d.ID, "delivered with both chain steps delivered", func(d *api.Dossier) bool {
		return delivered(d) && len(d.Chain) == 2 && d.Chain[0].Status == api.StatusDelivered && d.Chain[1].Status == api.StatusDelivered
	})
	if d.Chain[0].Step != "khai_sinh" || d.Chain[0].ServiceID != "DV09" || d.Chain[0].NameVI != "Đăng ký khai sinh" ||
		d.Chain[1].Step != "the_bhyt" || d.Chain[1].ServiceID != "" || d.Chain[0].Code == d.Chain[1].Code || d.Chain[0].Code == d.Code {
		t.Fatalf("chain %+v", d.Chain)
	}
	all, err := c.Dossiers(ctx)
	if err != nil || len(all) != 3 {
		t.Fatalf("%d dossiers (%v), want the main one and 2 follow-ons", len(all), err)
	}
	byCode := map[string]api.Dossier{}
	for _, x := range all {
		byCode[x.Code] = x
	}
	ks, bhyt := byCode[d.Chain[0].Code], byCode[d.Chain[1].Code]
	finished := d.History[3].At
	if ks.ProcedureCode != "1.001193.000.00.00.H01" || !ks.SubmittedAt.Equal(finished) || ks.Applicant.SoDinhDanh != an.ID {
		t.Errorf("catalog step dossier %+v", ks)
	}
	if want := (weekdays{}).AddWorkingDays(ks.AcceptedAt, 3); !ks.AppointmentAt.Equal(want) {
		t.Errorf("catalog step uses its own processing days: appointment %v, want %v", ks.AppointmentAt, want)
	}
	if want := (weekdays{}).AddWorkingDays(bhyt.AcceptedAt, 1); !bhyt.AppointmentAt.Equal(want) {
		t.Errorf("step outside the catalog takes 1 working day: appointment %v, want %v", bhyt.AppointmentAt, want)
	}
	if got := statuses(bhyt.History); !slices.Equal(got, []string{"submitted", "accepted", "processing", "finished", "delivered"}) {
		t.Errorf("follow-on history %v", got)
	}
	e.portal.Close()
	if calls := e.national.callsFor(bhyt.Code); len(calls) != 10 || calls[0].Dossier.MaTTHC != "the_bhyt" || calls[0].Updating {
		t.Errorf("follow-on pushes %d, first %+v", len(calls), calls[0])
	}
}

func TestCloseStopsTheOfficers(t *testing.T) {
	e := newEnvDay(t, 240*time.Millisecond) // one world hour = 10 ms
	c := e.as(an)
	d, _, err := c.Submit(context.Background(), "k", e.birthRequest(c))
	if err != nil {
		t.Fatal(err)
	}
	e.portal.Close()
	before, err := c.Dossier(context.Background(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // five world hours: the next step was due
	after, err := c.Dossier(context.Background(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != before.Status || len(after.History) != len(before.History) || before.Status == api.StatusDelivered {
		t.Fatalf("closed portal moved the dossier from %s to %s", before.Status, after.Status)
	}
}
