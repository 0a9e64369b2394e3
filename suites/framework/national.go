package framework

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
)

// Answers of the national portal and the portal that the national-portal
// checks name.
var (
	AnswerTraCuuHoSo = Answer{System: "dvcqg", Operation: "TraCuuHoSo"}
	AnswerDossier    = Answer{System: "portal", Operation: "GET /api/v1/dossiers/{id}"}
)

// NationalRef is what the harness knows, from its own references, of the
// record the national portal must hold for a dossier (docs/contracts.md,
// DVCQG record rules).
type NationalRef struct {
	// Dossier is the portal's dossier as the harness read it: code, status,
	// dates and history (the portal told the national portal these).
	Dossier *portal.Dossier
	// ProcedureCode, ProcedureName and FieldCode come from the catalog
	// (services.yaml); "" means the catalog has none (then the field is
	// checked for form only).
	ProcedureCode, ProcedureName, FieldCode string
	// Result is the catalog's result document; zero when not known.
	Result fixtures.ResultDoc
	// FeeVND is what the catalog charges for this dossier (0: free, or a
	// follow-on dossier whose fee the main dossier covered).
	FeeVND int64
	// PersonalID and Name are the applicant as the population database
	// names them; Account is the applicant's account id as the SSO names it
	// (the ID token's sub).
	PersonalID, Name, Account string
	// Files are the attachments the harness submitted, in order; Check
	// compares TaiLieuNop only when Files is not nil.
	Files []UploadedFile
	// PortalURL is the portal's base URL (download links point there);
	// ProvinceName its province's name_vi (the handling unit names it).
	PortalURL, ProvinceName string
}

// UploadedFile is one attachment the harness uploaded and submitted.
type UploadedFile struct{ ID, Name string }

// SubmittedFiles are the files NewSubmission uploaded for the request, as
// the harness named them (SampleFile of the attachment type's first MIME
// type), in the order submitted.
func SubmittedFiles(svc fixtures.Service, req portal.SubmitRequest) []UploadedFile {
	out := []UploadedFile{}
	for _, ref := range req.Attachments {
		for _, a := range svc.Attachments {
			if a.Type == ref.Type {
				name, _ := SampleFile(a.MimeTypes[0])
				out = append(out, UploadedFile{ID: ref.ID, Name: name})
			}
		}
	}
	return out
}

// wireTime is a time as the national portal writes it, "" when not known yet.
func wireTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return dvcqg.FormatTime(t)
}

// CheckNationalRecord compares the national portal's record of a dossier,
// every field, with the record the references make of it; values the
// references cannot predict are checked by the contract's rules of form.
// The processing history (QuaTrinhXuLy) is CheckProgress's.
func CheckNationalRecord(d *Diffs, ref NationalRef, got *dvcqg.HoSo) {
	a := AnswerTraCuuHoSo
	dos := ref.Dossier
	want := dvcqg.HoSo{
		MaHoSo:        dos.Code,
		MaTTHC:        ref.ProcedureCode,
		TenTTHC:       ref.ProcedureName,
		MaLinhVuc:     ref.FieldCode,
		ChuHoSo:       ref.Name,
		LoaiDoiTuong:  "1", // a citizen
		MaDoiTuong:    ref.Account,
		NgayTiepNhan:  wireTime(dos.SubmittedAt),
		NgayHenTra:    wireTime(dos.AppointmentAt),
		TrangThaiHoSo: strconv.Itoa(dos.StatusCode),
		NgayTra:       wireTime(dos.DeliveredAt),
		KenhThucHien:  "2", // online
		DinhDanhCHS:   []dvcqg.DinhDanh{{LoaiDinhDanh: "1", SoDinhDanh: ref.PersonalID}},
		// Logged in through the SSO (VNeID), so "1"; paid online only when
		// the portal recorded the catalog fee as paid.
		TaiKhoanDuocXacThucVoiVNeID: "1",
		DuocThanhToanTrucTuyen:      "0",
		QuaTrinhXuLy:                got.QuaTrinhXuLy, // CheckProgress's
	}
	if dos.Fee.Paid && ref.FeeVND > 0 {
		want.DuocThanhToanTrucTuyen = "1"
	}

	// MaTTHC: the catalog's code; where the catalog has none, any code.
	if ref.ProcedureCode == "" {
		d.Form(a, "MaTTHC", got.MaTTHC, strings.TrimSpace(got.MaTTHC) != "", "a procedure code (the catalog has none for this service)")
		want.MaTTHC = got.MaTTHC
	}
	if ref.ProcedureName == "" {
		d.Form(a, "TenTTHC", got.TenTTHC, strings.TrimSpace(got.TenTTHC) != "", "a procedure name")
		want.TenTTHC = got.TenTTHC
	}
	if ref.FieldCode == "" {
		d.Form(a, "MaLinhVuc", got.MaLinhVuc, strings.TrimSpace(got.MaLinhVuc) != "", "a field code (the catalog has none for this service)")
		want.MaLinhVuc = got.MaLinhVuc
	}

	// SoBienNhan: the portal's receipt number, not predictable: non-empty
	// (stability across lookups is the caller's, with Same).
	d.Form(a, "SoBienNhan", got.SoBienNhan, strings.TrimSpace(got.SoBienNhan) != "", "a receipt number (non-empty)")
	want.SoBienNhan = got.SoBienNhan

	// TrichYeuHoSo: a summary naming the procedure, at most 1000 characters.
	d.Form(a, "TrichYeuHoSo", got.TrichYeuHoSo,
		got.TrichYeuHoSo != "" && utf8.RuneCountInString(got.TrichYeuHoSo) <= 1000 && strings.Contains(got.TrichYeuHoSo, ref.ProcedureName),
		"a summary of at most 1000 characters naming the procedure "+strconv.Quote(ref.ProcedureName))
	want.TrichYeuHoSo = got.TrichYeuHoSo

	// DonViXuLy: the province's handling unit, named with the province.
	d.Form(a, "DonViXuLy", got.DonViXuLy, ref.ProvinceName != "" && strings.Contains(got.DonViXuLy, ref.ProvinceName),
		"a handling unit of the province "+strconv.Quote(ref.ProvinceName))
	want.DonViXuLy = got.DonViXuLy

	// TaiLieuNop: the files submitted, by name, each with a download link
	// on the portal that names the attachment's id.
	if ref.Files != nil {
		want.TaiLieuNop = []dvcqg.TaiLieu{}
		for i, f := range ref.Files {
			w := dvcqg.TaiLieu{TenTepDinhKem: f.Name, DuongDanTaiTepTin: "(a link on the portal ending in /" + f.ID + ")"}
			if i < len(got.TaiLieuNop) {
				u := got.TaiLieuNop[i].DuongDanTaiTepTin
				field := "TaiLieuNop[" + strconv.Itoa(i) + "].DuongDanTaiTepTin"
				d.Form(a, field, u, strings.HasPrefix(u, strings.TrimRight(ref.PortalURL, "/")+"/") && strings.HasSuffix(u, "/"+f.ID),
					"a download link on the portal "+ref.PortalURL+" ending in /"+f.ID)
				w.DuongDanTaiTepTin = u
			}
			want.TaiLieuNop = append(want.TaiLieuNop, w)
		}
	} else {
		want.TaiLieuNop = got.TaiLieuNop
	}

	// DanhSachLePhi: fee lines, each named and positive, summing to the
	// catalog fee; a free dossier has none.
	var sum int64
	for i, l := range got.DanhSachLePhi {
		field := "DanhSachLePhi[" + strconv.Itoa(i) + "]"
		d.Form(a, field+".TenPhiLePhi", l.TenPhiLePhi, strings.TrimSpace(l.TenPhiLePhi) != "", "a fee name (non-empty)")
		d.Form(a, field+".Gia", l.Gia, l.Gia > 0, "an amount > 0 VND")
		sum += l.Gia
	}
	d.Field(a, "DanhSachLePhi (sum of Gia = catalog fee)", ref.FeeVND, sum)
	want.DanhSachLePhi = got.DanhSachLePhi

	// DanhSachGiayToKetQua: the catalog's result document; before delivery
	// it may not be listed yet.
	if ref.Result.Type != "" || ref.Result.NameVI != "" {
		want.DanhSachGiayToKetQua = []dvcqg.GiayTo{{TenGiayTo: ref.Result.NameVI, MaGiayTo: ref.Result.Type}}
		if dos.DeliveredAt.IsZero() && len(got.DanhSachGiayToKetQua) == 0 {
			want.DanhSachGiayToKetQua = got.DanhSachGiayToKetQua
		}
	} else {
		want.DanhSachGiayToKetQua = got.DanhSachGiayToKetQua
	}

	d.Compare(a, want, *got, cmpopts.EquateEmpty())
}

// CheckProgress compares every progress entry the national portal holds
// (QuaTrinhXuLy) with the portal's history of the dossier, entry by entry
// and field by field; the step dates follow the contract's rules (docs/
// contracts.md, DVCQG progress rules) and every time lies inside the
// dossier's run, in order.
func CheckProgress(d *Diffs, dos *portal.Dossier, got []dvcqg.TienDo) {
	a := AnswerTraCuuHoSo
	want := make([]dvcqg.TienDo, 0, len(dos.History))
	end := dos.DeliveredAt
	for i, h := range dos.History {
		start := h.At
		if i > 0 {
			start = dos.History[i-1].At
		}
		w := dvcqg.TienDo{
			MaHoSo: dos.Code, NguoiXuLy: h.Officer, ChucDanh: h.Title, ThoiDiemXuLy: wireTime(h.At),
			PhongBanXuLy: h.Unit, NoiDungXuLy: h.Note, TrangThai: strconv.Itoa(h.StatusCode),
			NgayBatDau: wireTime(start),
		}
		accepted := !dos.AcceptedAt.IsZero() && !h.At.Before(dos.AcceptedAt)
		if accepted {
			// From acceptance on, the statutory end is the appointment date.
			w.NgayKetThucTheoQuyDinh = wireTime(dos.AppointmentAt)
		}
		if i < len(got) {
			g := got[i]
			field := "QuaTrinhXuLy[" + strconv.Itoa(i) + "]."
			d.Form(a, field+"NguoiXuLy", g.NguoiXuLy, strings.TrimSpace(g.NguoiXuLy) != "" && utf8.RuneCountInString(g.NguoiXuLy) <= 50,
				"an officer's name of 1 to 50 characters")
			if !accepted {
				// Before acceptance the appointment is not known: a date
				// not before the step's start.
				s, errS := dvcqg.ParseTime(g.NgayBatDau)
				e, errE := dvcqg.ParseTime(g.NgayKetThucTheoQuyDinh)
				d.Form(a, field+"NgayKetThucTheoQuyDinh", g.NgayKetThucTheoQuyDinh, errS == nil && errE == nil && !e.Before(s),
					"a yyyyMMddHHmmss date not before NgayBatDau "+strconv.Quote(g.NgayBatDau))
				w.NgayKetThucTheoQuyDinh = g.NgayKetThucTheoQuyDinh
			}
			t, err := dvcqg.ParseTime(g.ThoiDiemXuLy)
			inRun := err == nil && !t.Before(dos.SubmittedAt.Truncate(time.Second)) && (end.IsZero() || !t.After(end))
			if inRun && i > 0 {
				prev, perr := dvcqg.ParseTime(got[i-1].ThoiDiemXuLy)
				inRun = perr != nil || !t.Before(prev)
			}
			d.Form(a, field+"ThoiDiemXuLy", g.ThoiDiemXuLy, inRun,
				"a yyyyMMddHHmmss time inside the dossier's run (submission "+wireTime(dos.SubmittedAt)+" to delivery "+wireTime(end)+"), not before the previous entry")
		}
		want = append(want, w)
	}
	// Wrapped so that fields read QuaTrinhXuLy[i].Field.
	d.Compare(a, dvcqg.HoSo{QuaTrinhXuLy: want}, dvcqg.HoSo{QuaTrinhXuLy: got}, cmpopts.EquateEmpty())
}
