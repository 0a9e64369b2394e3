package dvcqg

import (
	"encoding/json"
	"fmt"
	"strings"
)

// sync is DongBoHoSoMC. A batch is applied whole or not at all, so a
// rejected sync leaves nothing half-written for the suites to trip over.
func (s *Server) sync(a Account, raw []byte) reply {
	var req struct {
		IsUpdating string `json:"isUpdating"`
		Data       []HoSo `json:"data"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return fail(codeFailed, "Dữ liệu hồ sơ không hợp lệ: %v", err)
	}
	var updating bool
	switch {
	case strings.EqualFold(req.IsUpdating, "True"):
		updating = true
	case strings.EqualFold(req.IsUpdating, "False"):
	default:
		return fail(codeFailed, "isUpdating phải là \"True\" hoặc \"False\" (nhận %q)", req.IsUpdating)
	}
	if len(req.Data) == 0 {
		return fail(codeFailed, "Thiếu danh sách hồ sơ (data)")
	}
	var p problems
	for _, h := range req.Data {
		checkDossier(&p, a, h)
	}
	if len(p) > 0 {
		return p.reply()
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	seen := make(map[string]bool, len(req.Data))
	for _, h := range req.Data {
		_, exists := s.dossiers[h.MaHoSo]
		switch {
		case !updating && (exists || seen[h.MaHoSo]):
			return fail(codeDuplicate, "%s: %s", messageDuplicate, h.MaHoSo)
		case updating && !exists:
			return fail(codeFailed, "%s %s để cập nhật", messageNotFound, h.MaHoSo)
		}
		seen[h.MaHoSo] = true
	}
	for _, h := range req.Data {
		h = clone(h)
		// The history belongs to CapNhatTienDoHoSoMC; a sync never writes it.
		h.QuaTrinhXuLy = nil
		if old, exists := s.dossiers[h.MaHoSo]; exists {
			h.QuaTrinhXuLy = old.QuaTrinhXuLy
		} else {
			s.order.Add(h.MaHoSo)
		}
		s.dossiers[h.MaHoSo] = &h
		s.touched[h.MaHoSo] = s.now()
	}
	s.trim()
	return ok(nil)
}

func checkDossier(p *problems, a Account, h HoSo) {
	who := fmt.Sprintf("Hồ sơ %s", h.MaHoSo)
	p.code(a, who, h.MaHoSo)
	p.status(who, "TrangThaiHoSo", h.TrangThaiHoSo)
	p.date(who, "NgayTiepNhan", h.NgayTiepNhan)
	p.date(who, "NgayHenTra", h.NgayHenTra)
	p.date(who, "NgayTra", h.NgayTra)
	if strings.TrimSpace(h.ChuHoSo) == "" {
		p.add("%s: ChuHoSo không được để trống", who)
	}
	p.maxRunes(who, "TrichYeuHoSo", h.TrichYeuHoSo, 1000)
	switch h.KenhThucHien {
	case "1", "2", "3":
	default:
		p.add("%s: KenhThucHien phải là 1, 2 hoặc 3 (nhận %q)", who, h.KenhThucHien)
	}
}
