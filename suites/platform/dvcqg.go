package platform

import (
	"slices"
	"strconv"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework"
)

var _ = ginkgo.Describe("National Public Service Portal sync (DVCQG)", framework.LayerAPI, framework.KindPlatform, framework.SystemDVCQG, func() {
	f := framework.NewDefaultFramework("dvcqg")
	timeout := ginkgo.SpecTimeout(framework.SpecTimeouts().Spec)

	ginkgo.It("refuses a session with a wrong password", timeout, func(ctx ginkgo.SpecContext) {
		d := f.DVCQG
		bad := &dvcqg.Client{BaseURL: d.BaseURL, Username: d.Username, Password: "sai-mat-khau-" + framework.NewKey()[:6],
			DstCode: d.DstCode, AgencyID: d.AgencyID, HTTP: f.HTTP}
		gomega.Expect(sessionRefused(bad.Login(ctx))).To(gomega.Succeed(), "national portal login of %s with a wrong password", d.Username)
	})

	ginkgo.It("answers not-found for an unknown dossier code", timeout, func(ctx ginkgo.SpecContext) {
		code := f.Target.DVCQG.AgencyID + "-200101-9999"
		_, err := f.DVCQG.Lookup(ctx, code)
		gomega.Expect(dossierNotFound(err)).To(gomega.Succeed(), "TraCuuHoSo of the unknown code %s", code)
	})

	ginkgo.It("learns of a newly submitted dossier with the portal's status", timeout, func(ctx ginkgo.SpecContext) {
		if !f.Target.Allow.Submit {
			ginkgo.Skip("target profile does not allow submitting dossiers (allow.submit: false)")
		}
		svc := procedureService()
		c := f.Citizen(framework.RolePlatform, 4)
		pop := f.Record(ctx, "population", c.PersonalID)
		s := f.NewSubmission(ctx, svc, c)
		d, _, err := s.Portal.Submit(ctx, framework.NewKey(), s.Request)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "submit a dossier of %s", svc.ID)
		gomega.Eventually(ctx, func(g gomega.Gomega) {
			cur, err := s.Portal.Dossier(ctx, d.ID)
			g.Expect(err).NotTo(gomega.HaveOccurred())
			hs, err := f.DVCQG.Lookup(ctx, d.Code)
			g.Expect(err).NotTo(gomega.HaveOccurred(), "national portal never learned of dossier %s", d.Code)
			want := expectedNational(svc, cur, c.PersonalID, pop["HoVaTen"])
			g.Expect(cmp.Diff(want, nationalViewOf(hs))).To(gomega.BeEmpty(),
				"national portal record of dossier %s of %s ≠ what the portal was sent (-want +got)", d.Code, redact.ID(c.PersonalID))
		}).WithTimeout(f.Target.Timeouts.Sync).WithPolling(framework.PollInterval).Should(gomega.Succeed())
	})
})

// procedureService is the first catalog service with a procedure code
// (mã TTHC): the national portal keys its records by it.
func procedureService() fixtures.Service {
	ginkgo.GinkgoHelper()
	for _, s := range framework.Catalog().Services {
		if s.ProcedureCode != "" {
			return s
		}
	}
	ginkgo.Fail("catalog has no service with a procedure code")
	return fixtures.Service{}
}

// nationalView is the part of a national-portal record (HoSo) the harness
// can know from what it sent and what the portal answered; attachments by
// file name and fees as their sum, as the portal may split lines.
type nationalView struct {
	MaHoSo, MaTTHC, TenTTHC, MaLinhVuc string
	ChuHoSo, LoaiDoiTuong              string
	DinhDanhCHS                        []dvcqg.DinhDanh
	NgayTiepNhan, NgayHenTra, NgayTra  string
	TrangThaiHoSo, KenhThucHien        string
	TepDinhKem                         []string
	LePhiVND                           int64
	TaiKhoanDuocXacThucVoiVNeID        string
	DuocThanhToanTrucTuyen             string
}

func nationalViewOf(h *dvcqg.HoSo) nationalView {
	v := nationalView{
		MaHoSo: h.MaHoSo, MaTTHC: h.MaTTHC, TenTTHC: h.TenTTHC, MaLinhVuc: h.MaLinhVuc,
		ChuHoSo: h.ChuHoSo, LoaiDoiTuong: h.LoaiDoiTuong, DinhDanhCHS: h.DinhDanhCHS,
		NgayTiepNhan: h.NgayTiepNhan, NgayHenTra: h.NgayHenTra, NgayTra: h.NgayTra,
		TrangThaiHoSo: h.TrangThaiHoSo, KenhThucHien: h.KenhThucHien,
		TaiKhoanDuocXacThucVoiVNeID: h.TaiKhoanDuocXacThucVoiVNeID, DuocThanhToanTrucTuyen: h.DuocThanhToanTrucTuyen,
	}
	for _, t := range h.TaiLieuNop {
		v.TepDinhKem = append(v.TepDinhKem, t.TenTepDinhKem)
	}
	slices.Sort(v.TepDinhKem)
	for _, l := range h.DanhSachLePhi {
		v.LePhiVND += l.Gia
	}
	return v
}

// expectedNational is the record the contract (docs/contracts.md, DVCQG)
// makes of the dossier: catalog procedure, the applicant as the population
// database names them, the portal's dates and status in Vietnam time, an
// online channel, VNeID login, the files the harness uploaded and the
// catalog fee.
func expectedNational(svc fixtures.Service, d *portal.Dossier, personalID, name string) nationalView {
	v := nationalView{
		MaHoSo: d.Code, MaTTHC: svc.ProcedureCode, TenTTHC: svc.NameVI, MaLinhVuc: svc.FieldCode,
		ChuHoSo: name, LoaiDoiTuong: "1",
		DinhDanhCHS:  []dvcqg.DinhDanh{{LoaiDinhDanh: "1", SoDinhDanh: personalID}},
		NgayTiepNhan: wireTime(d.SubmittedAt), NgayHenTra: wireTime(d.AppointmentAt), NgayTra: wireTime(d.DeliveredAt),
		TrangThaiHoSo: strconv.Itoa(d.StatusCode), KenhThucHien: "2",
		LePhiVND:                    svc.FeeVND,
		TaiKhoanDuocXacThucVoiVNeID: "1", DuocThanhToanTrucTuyen: "0",
	}
	if d.Fee.Paid {
		v.DuocThanhToanTrucTuyen = "1"
	}
	for _, a := range svc.Attachments {
		if a.Required { // what NewSubmission uploads
			name, _ := framework.SampleFile(a.MimeTypes[0])
			v.TepDinhKem = append(v.TepDinhKem, name)
		}
	}
	slices.Sort(v.TepDinhKem)
	return v
}

// wireTime is a time as the contract says the national portal writes it,
// yyyyMMddHHmmss in Vietnam time (the harness's reference, api/dvcqg,
// pinned by golden vectors); "" when not known yet.
func wireTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return dvcqg.FormatTime(t)
}
