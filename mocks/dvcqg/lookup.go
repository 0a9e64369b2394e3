package dvcqg

import (
	"encoding/json"
	"slices"
)

// lookup is TraCuuHoSo: the dossier with its history.
func (s *Server) lookup(a Account, raw []byte) reply {
	var req struct {
		MaHoSo string `json:"MaHoSo"`
	}
	if err := json.Unmarshal(raw, &req); err != nil || req.MaHoSo == "" {
		return fail(codeFailed, "Thiếu mã hồ sơ (MaHoSo)")
	}
	if !validDossierCode(req.MaHoSo) {
		return fail(codeFailed, "MaHoSo %q không đúng định dạng {madonvi}-{yyMMdd}-{NNNN}", req.MaHoSo)
	}
	if !mayAccess(a, req.MaHoSo) {
		return fail(codeFailed, "Tài khoản %s không có quyền tra cứu hồ sơ %s của đơn vị khác", a.Username, req.MaHoSo)
	}
	h, found := s.Dossier(req.MaHoSo)
	if !found {
		r := fail(codeFailed, messageNotFound)
		if s.defect(defectNotFoundWrongCode) {
			r = fail(codeNotFoundWrong, messageNotFound) // seeded defect: right words, wrong code
		}
		r.notFound = true
		return r
	}
	s.touch(req.MaHoSo)
	if s.defect(defectReceivedDateUTC) {
		// Seeded defect: the received date is served as UTC wall time.
		if t, err := parseWallClock(h.NgayTiepNhan); err == nil {
			h.NgayTiepNhan = t.UTC().Format(wallClock)
		}
	}
	if s.defect(defectProgressUnitDropped) {
		for i := range h.QuaTrinhXuLy {
			h.QuaTrinhXuLy[i].PhongBanXuLy = ""
		}
	}
	if s.defect(defectDateLayout) {
		relayout(&h, "02/01/2006 15:04:05")
	}
	return ok(h)
}

// relayout rewrites every date of a dossier and its history in another
// layout (seeded defect dvcqg-date-layout); dates that do not parse stay.
func relayout(h *HoSo, layout string) {
	re := func(v *string) {
		if t, err := parseWallClock(*v); err == nil {
			*v = t.Format(layout)
		}
	}
	re(&h.NgayTiepNhan)
	re(&h.NgayHenTra)
	re(&h.NgayTra)
	for i := range h.QuaTrinhXuLy {
		e := &h.QuaTrinhXuLy[i]
		re(&e.ThoiDiemXuLy)
		re(&e.NgayBatDau)
		re(&e.NgayKetThucTheoQuyDinh)
	}
}

// listProcedures is LayDanhSachTTHC.
func (s *Server) listProcedures(Account, []byte) reply { return ok(s.procedures) }

// procedure is LayThuTuc (opencps, rest): one procedure by maTTHC.
func (s *Server) procedure(_ Account, raw []byte) reply {
	var req struct {
		MaTTHC string `json:"maTTHC"`
	}
	if err := json.Unmarshal(raw, &req); err != nil || req.MaTTHC == "" {
		return fail(codeFailed, "Thiếu mã thủ tục (maTTHC)")
	}
	for _, p := range s.procedures {
		if p.MaTTHC == req.MaTTHC {
			return ok(p)
		}
	}
	r := fail(codeFailed, "Không tìm thấy thủ tục %s", req.MaTTHC)
	r.notFound = true
	return r
}

// Dossier returns a copy of a stored dossier with its history; it is for
// the mock's own tests.
func (s *Server) Dossier(code string) (HoSo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, found := s.dossiers[code]
	if !found {
		return HoSo{}, false
	}
	return clone(*h), true
}

// touch notes a dossier as in use now, if it is still kept.
func (s *Server) touch(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, kept := s.dossiers[code]; kept {
		s.touched[code] = s.now()
	}
}

// clone copies a dossier deeply enough that callers cannot alias the store.
func clone(h HoSo) HoSo {
	h.DinhDanhCHS = slices.Clone(h.DinhDanhCHS)
	h.TaiLieuNop = slices.Clone(h.TaiLieuNop)
	h.DanhSachLePhi = slices.Clone(h.DanhSachLePhi)
	h.DanhSachGiayToKetQua = slices.Clone(h.DanhSachGiayToKetQua)
	h.QuaTrinhXuLy = slices.Clone(h.QuaTrinhXuLy)
	return h
}
