package dvcqg

import (
	"context"
	"reflect"
	"testing"

	"github.com/dvcqa/dvcqa/api/dvcqg"
)

func progressEntry(code, status, who, what, at string) dvcqg.TienDo {
	return dvcqg.TienDo{MaHoSo: code, NguoiXuLy: who, ChucDanh: "Công chức tư pháp - hộ tịch", ThoiDiemXuLy: at,
		PhongBanXuLy: "Bộ phận một cửa", NoiDungXuLy: what, TrangThai: status, NgayBatDau: at, NgayKetThucTheoQuyDinh: "20260305170000"}
}

func TestSyncProgressLookupRoundTrip(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client("portal-01")
	code := agency01 + "-260302-0001"
	sent := dossier(code)
	sent.QuaTrinhXuLy = []dvcqg.TienDo{progressEntry(code, "9", "Kẻ gian", "bịa", "20260302090000")} // a sync cannot write history
	if err := c.SyncDossier(ctx, false, sent); err != nil {
		t.Fatalf("SyncDossier: %v", err)
	}
	history := []dvcqg.TienDo{
		progressEntry(code, "2", "Trần Thị Bình", "Tiếp nhận hồ sơ", "20260302093000"),
		progressEntry(code, "4", "Lê Văn Cường", "Thẩm định hồ sơ", "20260302100000"),
	}
	if err := c.UpdateProgress(ctx, history...); err != nil {
		t.Fatalf("UpdateProgress: %v", err)
	}
	last := progressEntry(code, "9", "Lê Văn Cường", "Đã xử lý xong", "20260303110000")
	if err := c.UpdateProgress(ctx, last); err != nil {
		t.Fatalf("UpdateProgress: %v", err)
	}
	history = append(history, last)

	got, err := c.Lookup(ctx, code)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	want := dossier(code)
	// The status stays what DongBoHoSoMC said: progress entries are history.
	want.QuaTrinhXuLy = history
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("Lookup =\n%+v\nwant\n%+v", *got, want)
	}

	// An update replaces the fields and keeps the history.
	changed := dossier(code)
	changed.TrangThaiHoSo, changed.NgayTra = "10", "20260304080000"
	changed.DanhSachGiayToKetQua = []dvcqg.GiayTo{{TenGiayTo: "Giấy khai sinh", MaGiayTo: "KS-1"}}
	if err := c.SyncDossier(ctx, true, changed); err != nil {
		t.Fatalf("SyncDossier update: %v", err)
	}
	got, err = c.Lookup(ctx, code)
	if err != nil {
		t.Fatalf("Lookup after update: %v", err)
	}
	changed.QuaTrinhXuLy = history
	if !reflect.DeepEqual(*got, changed) {
		t.Fatalf("after update =\n%+v\nwant\n%+v", *got, changed)
	}
}

func TestDuplicateAndUnknown(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client("portal-01")
	code := agency01 + "-260302-0002"
	if err := c.SyncDossier(ctx, false, dossier(code)); err != nil {
		t.Fatalf("SyncDossier: %v", err)
	}
	err := c.SyncDossier(ctx, false, dossier(code))
	if !dvcqg.IsDuplicate(err) {
		t.Fatalf("second new sync: %v, want duplicate", err)
	}
	portalError(t, err, dvcqg.CodeDuplicate, dvcqg.MessageDuplicate, code)

	// A duplicate inside one batch is refused too, and nothing of the batch is kept.
	other := agency01 + "-260302-0003"
	if err := c.SyncDossier(ctx, false, dossier(other), dossier(other)); !dvcqg.IsDuplicate(err) {
		t.Fatalf("batch with a repeated code: %v, want duplicate", err)
	}
	if _, kept := w.srv.Dossier(other); kept {
		t.Error("a refused batch was partly stored")
	}

	unknown := agency01 + "-260302-0404"
	if err := c.SyncDossier(ctx, true, dossier(unknown)); !dvcqg.IsNotFound(err) {
		t.Errorf("updating an unknown dossier: %v, want not found", err)
	}
	if _, err := c.Lookup(ctx, unknown); !dvcqg.IsNotFound(err) {
		t.Errorf("Lookup unknown: %v, want not found", err)
	}
	if err := c.UpdateProgress(ctx, progressEntry(unknown, "2", "A", "B", "20260302093000")); !dvcqg.IsNotFound(err) {
		t.Errorf("progress of an unknown dossier: %v, want not found", err)
	}
}
