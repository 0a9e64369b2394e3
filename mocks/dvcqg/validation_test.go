package dvcqg

import (
	"context"
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/api/dvcqg"
)

func TestSyncValidation(t *testing.T) {
	w := newWorld(t)
	c := w.client("portal-01")
	code := agency01 + "-260302-0010"
	cases := []struct {
		name   string
		mutate func(*dvcqg.HoSo)
		field  string // the message must name it
	}{
		{"bad code format", func(h *dvcqg.HoSo) { h.MaHoSo = agency01 + "-2603-1" }, "MaHoSo"},
		{"impossible code date", func(h *dvcqg.HoSo) { h.MaHoSo = agency01 + "-261332-0001" }, "MaHoSo"},
		{"foreign madonvi", func(h *dvcqg.HoSo) { h.MaHoSo = agency79 + "-260302-0010" }, agency79},
		{"status 11", func(h *dvcqg.HoSo) { h.TrangThaiHoSo = "11" }, "TrangThaiHoSo"},
		{"status 0", func(h *dvcqg.HoSo) { h.TrangThaiHoSo = "0" }, "TrangThaiHoSo"},
		{"padded status", func(h *dvcqg.HoSo) { h.TrangThaiHoSo = "01" }, "TrangThaiHoSo"},
		{"bad NgayTiepNhan", func(h *dvcqg.HoSo) { h.NgayTiepNhan = "2026-03-02 09:00" }, "NgayTiepNhan"},
		{"bad NgayHenTra", func(h *dvcqg.HoSo) { h.NgayHenTra = "20260231170000" }, "NgayHenTra"},
		{"bad NgayTra", func(h *dvcqg.HoSo) { h.NgayTra = "x" }, "NgayTra"},
		{"empty ChuHoSo", func(h *dvcqg.HoSo) { h.ChuHoSo = " " }, "ChuHoSo"},
		{"long TrichYeuHoSo", func(h *dvcqg.HoSo) { h.TrichYeuHoSo = strings.Repeat("ệ", 1001) }, "TrichYeuHoSo"},
		{"KenhThucHien 4", func(h *dvcqg.HoSo) { h.KenhThucHien = "4" }, "KenhThucHien"},
		{"KenhThucHien empty", func(h *dvcqg.HoSo) { h.KenhThucHien = "" }, "KenhThucHien"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := dossier(code)
			tc.mutate(&h)
			portalError(t, c.SyncDossier(context.Background(), false, h), dvcqg.CodeFailed, tc.field, h.MaHoSo)
			if _, stored := w.srv.Dossier(h.MaHoSo); stored {
				t.Error("invalid dossier stored")
			}
		})
	}

	// Limits are in characters: 1000 Vietnamese letters (3 bytes each) pass.
	h := dossier(code)
	h.TrichYeuHoSo = strings.Repeat("ệ", 1000)
	if err := c.SyncDossier(context.Background(), false, h); err != nil {
		t.Fatalf("1000-character summary: %v", err)
	}
}

func TestProgressValidation(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client("portal-01")
	code := agency01 + "-260302-0020"
	if err := c.SyncDossier(ctx, false, dossier(code)); err != nil {
		t.Fatalf("SyncDossier: %v", err)
	}
	good := progressEntry(code, "2", "Trần Thị Bình", "Tiếp nhận", "20260302093000")
	cases := []struct {
		name   string
		mutate func(*dvcqg.TienDo)
		field  string
	}{
		{"long NguoiXuLy", func(e *dvcqg.TienDo) { e.NguoiXuLy = strings.Repeat("Đ", 51) }, "NguoiXuLy"},
		{"status 11", func(e *dvcqg.TienDo) { e.TrangThai = "11" }, "TrangThai"},
		{"bad ThoiDiemXuLy", func(e *dvcqg.TienDo) { e.ThoiDiemXuLy = "20260302" }, "ThoiDiemXuLy"},
		{"bad NgayKetThucTheoQuyDinh", func(e *dvcqg.TienDo) { e.NgayKetThucTheoQuyDinh = "2026030217000" }, "NgayKetThucTheoQuyDinh"},
		{"foreign madonvi", func(e *dvcqg.TienDo) { e.MaHoSo = agency79 + "-260302-0020" }, agency79},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bad := good
			tc.mutate(&bad)
			// The good entry first: a refused batch must not keep it either.
			portalError(t, c.UpdateProgress(ctx, good, bad), dvcqg.CodeFailed, tc.field, bad.MaHoSo)
			if h, _ := w.srv.Dossier(code); len(h.QuaTrinhXuLy) != 0 {
				t.Errorf("refused batch stored %d entries", len(h.QuaTrinhXuLy))
			}
		})
	}
	fifty := good
	fifty.NguoiXuLy = strings.Repeat("Đ", 50)
	if err := c.UpdateProgress(ctx, fifty); err != nil {
		t.Fatalf("50-character NguoiXuLy: %v", err)
	}
}
