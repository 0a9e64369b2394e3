package dvcqg

import (
	"encoding/json"
	"fmt"
)

// progress is CapNhatTienDoHoSoMC: entries are appended in the order sent,
// the whole batch or none.
func (s *Server) progress(a Account, raw []byte) reply {
	var req struct {
		Data []TienDo `json:"data"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return fail(codeFailed, "Dữ liệu tiến độ không hợp lệ: %v", err)
	}
	if len(req.Data) == 0 {
		return fail(codeFailed, "Thiếu danh sách tiến độ (data)")
	}
	var p problems
	for _, e := range req.Data {
		who := fmt.Sprintf("Tiến độ hồ sơ %s", e.MaHoSo)
		p.code(a, who, e.MaHoSo)
		p.maxRunes(who, "NguoiXuLy", e.NguoiXuLy, 50)
		p.status(who, "TrangThai", e.TrangThai)
		p.date(who, "ThoiDiemXuLy", e.ThoiDiemXuLy)
		p.date(who, "NgayBatDau", e.NgayBatDau)
		p.date(who, "NgayKetThucTheoQuyDinh", e.NgayKetThucTheoQuyDinh)
	}
	if len(p) > 0 {
		return p.reply()
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range req.Data {
		if _, known := s.dossiers[e.MaHoSo]; !known {
			return fail(codeFailed, "%s %s", messageNotFound, e.MaHoSo)
		}
	}
	for _, e := range req.Data {
		h := s.dossiers[e.MaHoSo]
		// History only: the dossier's status comes from DongBoHoSoMC, so a
		// provincial system that stops re-syncing shows as a stale status.
		h.QuaTrinhXuLy = append(h.QuaTrinhXuLy, e)
		s.touched[e.MaHoSo] = s.now()
	}
	return ok(nil)
}
