package resultpdf

import (
	"slices"
	"strings"
	"testing"
)

// A ToUnicode map in the forms producers write: a two-byte identity range
// (fpdf), single codes, and a range with one destination per code.
const testCMap = `/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0041> <1EA0> <0042> <00C2> endbfchar
2 beginbfrange <0020> <0039> <0020> <0060> <0061> [<01B0> <0111>] endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end`

func TestShowText(t *testing.T) {
	m, err := parseCMap([]byte(testCMap))
	if err != nil {
		t.Fatal(err)
	}
	content := `q 1 0 0 1 0 0 cm BT /F1 11 Tf 50 700 Td (\000A\000B) Tj 0 -14 Td [<0060> -300 <0061 0031>] TJ
/Span <</MCID 0>> BDC 0 -14 Td <00410020> Tj EMC ET
BT /F2 9 Tf 10 10 Td (Mã: \(x\)\101) Tj T* (y) Tj ET Q`
	got, err := showText([]byte(content), map[string]*cmap{"F1": m, "F2": nil})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ẠÂ", "ư đ1", "Ạ", "MÃ£: (x)A", "y"}
	if !slices.Equal(got, want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
	if _, err := showText([]byte(`BT /F9 1 Tf (x) Tj ET`), map[string]*cmap{}); err == nil || !strings.Contains(err.Error(), "F9") {
		t.Fatalf("unknown font: %v", err)
	}
	if _, err := showText([]byte(`BT (never closed`), nil); err == nil {
		t.Fatal("an unterminated string lexed")
	}
}

func TestParseLines(t *testing.T) {
	lines := []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: KQ-1", "Loại văn bản: Giấy khai sinh (giay_khai_sinh)",
		"Mã hồ sơ: 1", "Thủ tục: DV09 - Đăng ký khai sinh", "Họ và tên: Nguyễn Văn An", "Số định danh: 001090000001",
		"Ngày cấp: 04/03/2026 02:00:00 +07:00", "Cơ quan cấp: Ủy ban nhân dân Hà Nội"}
	d, err := parseLines(lines)
	if err != nil || d.Type != "giay_khai_sinh" || d.ServiceName != "Đăng ký khai sinh" || d.IssuedAt.Hour() != 2 {
		t.Fatalf("%+v %v", d, err)
	}
	for name, ls := range map[string][]string{
		"a line missing": lines[:len(lines)-1],
		"a line twice":   append(slices.Clone(lines), "Số định danh: 001090000002"),
		"bad date":       append(slices.Clone(lines[:7]), "Ngày cấp: 2026-03-04", lines[8]),
		"bad procedure":  append(append(slices.Clone(lines[:4]), "Thủ tục: DV09"), lines[5:]...),
	} {
		if _, err := parseLines(ls); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}
