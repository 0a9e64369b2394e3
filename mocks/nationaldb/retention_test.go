package nationaldb

import (
	"testing"
)

// TestRequestLogIsBounded: past MaxLog the oldest requests go.
func TestRequestLogIsBounded(t *testing.T) {
	s, err := New(Options{DB: land, InternalKey: key, MaxLog: 2, Records: []map[string]string{
		{"SoDinhDanh": "001099000145", "SoGiayChungNhan": "CS-0001", "DiaChiThuaDat": "Thửa 12, Hà Đông", "DienTich": "80"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"001099000145", "001099000146", "001099000147", "001099000148"} {
		get(t, s, "/records?SoDinhDanh="+id, true)
	}
	log := s.Requests()
	if len(log) != 2 || log[0].Value != "001099000147" || log[1].Value != "001099000148" || s.Evicted() != 2 {
		t.Errorf("log %+v, evicted %d; want the last two, 2", log, s.Evicted())
	}
}
