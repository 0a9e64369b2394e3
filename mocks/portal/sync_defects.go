package portal

// Seeded defects of what the portal tells the national portal (registered
// in mocks/defects/registry_national.go). In each, the portal's own
// dossier stays right: only the national portal is told a wrong value.
const (
	defectNationalReceivedDateOff = "dvcqg-received-date-off"      // syncDefects: NgayTiepNhan one day late
	defectNationalFieldCodeWrong  = "dvcqg-field-code-wrong"       // syncDefects: MaLinhVuc of another field
	defectNationalChannelInPerson = "dvcqg-channel-in-person"      // syncDefects: KenhThucHien "1"
	defectNationalVNeIDUnmarked   = "dvcqg-vneid-unmarked"         // syncDefects: TaiKhoanDuocXacThucVoiVNeID "0"
	defectNationalPaidUnmarked    = "dvcqg-paid-unmarked"          // syncDefects: DuocThanhToanTrucTuyen "0" after payment
	defectNationalUnitWrong       = "dvcqg-unit-wrong"             // syncDefects: DonViXuLy of another province
	defectNationalTitleDropped    = "dvcqg-progress-title-dropped" // progressDefects: ChucDanh ""
)

// syncDefects applies the seeded defects of the dossier record (DongBoHoSoMC)
// to what is about to be sent. The caller holds s.mu.
func (s *Server) syncDefects(d *dossier, hs *NationalDossier) {
	if _, on := s.defect(defectNationalReceivedDateOff, d.serviceID); on && !hs.NgayTiepNhan.IsZero() {
		hs.NgayTiepNhan = hs.NgayTiepNhan.AddDate(0, 0, 1)
	}
	if _, on := s.defect(defectNationalFieldCodeWrong, d.serviceID); on {
		// Another field of the same agency: the code's last letter changed.
		if n := len(hs.MaLinhVuc); n > 0 {
			hs.MaLinhVuc = hs.MaLinhVuc[:n-1] + "X"
		}
	}
	if _, on := s.defect(defectNationalChannelInPerson, d.serviceID); on {
		hs.KenhThucHien = "1"
	}
	if _, on := s.defect(defectNationalVNeIDUnmarked, d.serviceID); on {
		hs.TaiKhoanDuocXacThucVoiVNeID = "0"
	}
	if _, on := s.defect(defectNationalPaidUnmarked, d.serviceID); on {
		hs.DuocThanhToanTrucTuyen = "0"
	}
	if _, on := s.defect(defectNationalUnitWrong, d.serviceID); on {
		// The unit of the province the dossier would have gone to before
		// the 2025 merger: another province's name.
		hs.DonViXuLy = "Trung tâm Phục vụ hành chính công tỉnh Hà Tây"
	}
}

// progressDefects applies the seeded defects of a progress entry
// (CapNhatTienDoHoSoMC). The caller holds s.mu.
func (s *Server) progressDefects(d *dossier, e *ProgressEntry) {
	if _, on := s.defect(defectNationalTitleDropped, d.serviceID); on {
		e.ChucDanh = ""
	}
}
