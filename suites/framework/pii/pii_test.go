package pii

import (
	"strings"
	"testing"
)

func TestLearnThenMask(t *testing.T) {
	Learn([]byte(`{"records":[{"HoVaTen":"Lê Na","HoTenMe":"Hà My","NgayThangNamSinh":"1991-11-09"}]}`))
	got := Mask("Expected <string>: Lê Na to equal <string>: Hà My")
	if strings.Contains(got, "Lê Na") || strings.Contains(got, "Hà My") {
		t.Errorf("known names left in clear: %s", got)
	}
	if len(Values()) < 3 {
		t.Errorf("values learnt: %v", Values())
	}
}
