package dvcqg

import (
	"encoding/json"
	"slices"

	"github.com/dvcqa/dvcqa/api/dvcqg"
)

// lookup is TraCuuHoSo: the dossier with its history.
func (s *Server) lookup(a Account, raw []byte) reply {
	var req struct {
		MaHoSo string `json:"MaHoSo"`
	}
	if err := json.Unmarshal(raw, &req); err != nil || req.MaHoSo == "" {
		return fail(dvcqg.CodeFailed, "Thiếu mã hồ sơ (MaHoSo)")
	}
	if !dvcqg.ValidDossierCode(req.MaHoSo) {
		return fail(dvcqg.CodeFailed, "MaHoSo %q không đúng định dạng {madonvi}-{yyMMdd}-{NNNN}", req.MaHoSo)
	}
	if !mayAccess(a, req.MaHoSo) {
		return fail(dvcqg.CodeFailed, "Tài khoản %s không có quyền tra cứu hồ sơ %s của đơn vị khác", a.Username, req.MaHoSo)
	}
	h, found := s.Dossier(req.MaHoSo)
	if !found {
		if s.defect(defectNotFoundWrongCode) {
			return fail(codeNotFoundWrong, dvcqg.MessageNotFound) // seeded defect: right words, wrong code
		}
		return fail(dvcqg.CodeFailed, dvcqg.MessageNotFound)
	}
	if s.defect(defectReceivedDateUTC) {
		// Seeded defect: the received date is served as UTC wall time.
		if t, err := dvcqg.ParseTime(h.NgayTiepNhan); err == nil {
			h.NgayTiepNhan = t.UTC().Format(dvcqg.TimeLayout)
		}
	}
	return ok(h)
}

// listProcedures is LayDanhSachTTHC.
func (s *Server) listProcedures(Account, []byte) reply { return ok(s.procedures) }

// Dossier returns a copy of a stored dossier with its history; it is for
// the mock's own tests.
func (s *Server) Dossier(code string) (dvcqg.HoSo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, found := s.dossiers[code]
	if !found {
		return dvcqg.HoSo{}, false
	}
	return clone(*h), true
}

// clone copies a dossier deeply enough that callers cannot alias the store.
func clone(h dvcqg.HoSo) dvcqg.HoSo {
	h.DinhDanhCHS = slices.Clone(h.DinhDanhCHS)
	h.TaiLieuNop = slices.Clone(h.TaiLieuNop)
	h.DanhSachLePhi = slices.Clone(h.DanhSachLePhi)
	h.DanhSachGiayToKetQua = slices.Clone(h.DanhSachGiayToKetQua)
	h.QuaTrinhXuLy = slices.Clone(h.QuaTrinhXuLy)
	return h
}
