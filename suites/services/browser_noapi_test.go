package services

import (
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/suites/framework/refs"
	"github.com/dvcqa/dvcqa/vocab"
)

// nationalRecord is a national-portal record whose progress follows
// testService's workflow: submitted Friday 2026-11-27 22:00 Vietnam time,
// accepted an hour later, delivered on Monday.
func nationalRecord(code string) *dvcqg.HoSo {
	at := time.Date(2026, 11, 27, 22, 0, 0, 0, vocab.Vietnam)
	hs := &dvcqg.HoSo{MaHoSo: code}
	for i, state := range testService.Workflow {
		sc, _ := portal.StatusCode(state)
		step := at.Add(time.Duration(i) * time.Hour)
		if state == portal.StatusDelivered {
			step = time.Date(2026, 11, 30, 10, 0, 0, 0, vocab.Vietnam)
		}
		hs.QuaTrinhXuLy = append(hs.QuaTrinhXuLy, dvcqg.TienDo{MaHoSo: code, NguoiXuLy: "Nguyễn Văn An", ChucDanh: "Chuyên viên",
			PhongBanXuLy: "Bộ phận một cửa", ThoiDiemXuLy: dvcqg.FormatTime(step), TrangThai: itoa(sc)})
	}
	return hs
}

// The reference dossier of portal.api none: statuses from the catalog
// workflow, the appointment by the harness's calendar from the acceptance
// entry (Friday 23:00 + 2 working days = Tuesday 17:00, the weekend not
// counted), the submission on the code's date.
func TestNationalDossierReference(t *testing.T) {
	cal, err := refs.NewWorkingCalendar(nil)
	if err != nil {
		t.Fatal(err)
	}
	const agency, code = "000.00.00.H01", "000.00.00.H01-261127-0001"
	app := portal.Applicant{SoDinhDanh: "001090000001", HoVaTen: "Nguyễn Thị Bình"}
	var d framework.Diffs
	dos := nationalDossier(&d, testService, agency, cal, code, app, nationalRecord(code))
	if err := d.Err("reference"); err != nil {
		t.Fatalf("a right record: %v", err)
	}
	want := time.Date(2026, 12, 1, 17, 0, 0, 0, vocab.Vietnam)
	if !dos.AppointmentAt.Equal(want) {
		t.Errorf("appointment %s, want %s (2 working days after Friday)", dos.AppointmentAt, want)
	}
	if dos.Status != portal.StatusDelivered || !dos.Fee.Paid || dos.Fee.PaidAmountVND != testService.FeeVND || len(dos.History) != len(testService.Workflow) ||
		dos.History[2].Status != portal.StatusAccepted || dos.Applicant != app || dos.DeliveredAt.IsZero() {
		t.Errorf("reference dossier %+v", dos)
	}
	// The national portal's progress is then held to it entry by entry.
	var hist framework.Diffs
	framework.CheckProgress(&hist, dos, nationalRecord(code).QuaTrinhXuLy)
	if hist.Err("progress") == nil {
		t.Error("the test record carries no NgayBatDau/NgayKetThucTheoQuyDinh: CheckProgress must name them")
	}

	// A submission on another date than the code's fails naming it.
	var other framework.Diffs
	nationalDossier(&other, testService, agency, cal, "000.00.00.H01-261126-0001", app, nationalRecord(code))
	failsNaming(t, "submission date", &other, "QuaTrinhXuLy[0].ThoiDiemXuLy (submission)")

	// No acceptance entry yet: no appointment to hold the page to.
	short := nationalRecord(code)
	short.QuaTrinhXuLy = short.QuaTrinhXuLy[:2]
	var none framework.Diffs
	dos = nationalDossier(&none, testService, agency, cal, code, app, short)
	failsNaming(t, "no acceptance", &none, "QuaTrinhXuLy (acceptance)")
	if !dos.AppointmentAt.IsZero() {
		t.Errorf("appointment without acceptance: %s", dos.AppointmentAt)
	}
}
