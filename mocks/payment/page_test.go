package payment

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestPayPage(t *testing.T) {
	p := newPlatform(t, 0)
	opened := p.open(t, "REF-1", 150000)
	status, ctype, body := get(t, opened.UrlThanhToan)
	if status != http.StatusOK || ctype != "text/html; charset=utf-8" {
		t.Fatalf("pay page: HTTP %d %s", status, ctype)
	}
	for _, want := range []string{
		`<html lang="vi">`, `<meta charset="utf-8">`,
		"150.000 ₫", "000.00.00.H01-260302-0001", "REF-1", "Cổng dịch vụ công Hà Nội", "Nguyễn Văn An",
		`<form method="post" action="` + p.base + "/pay/" + opened.MaGiaoDich + `">`,
		`value="confirm">Thanh toán</button>`, `value="cancel">Hủy</button>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("pay page lacks %q:\n%s", want, body)
		}
	}

	status, ctype, body = get(t, p.base+"/pay/GDNOSUCH")
	if status != http.StatusNotFound || !strings.HasPrefix(ctype, "text/html") || !strings.Contains(body, "Không tìm thấy giao dịch") {
		t.Errorf("unknown transaction: HTTP %d %s %s", status, ctype, body)
	}
}

func TestFormatVND(t *testing.T) {
	for n, want := range map[int64]string{0: "0 ₫", 500: "500 ₫", 8000: "8.000 ₫", 150000: "150.000 ₫", 1234567: "1.234.567 ₫", -20000: "-20.000 ₫"} {
		if got := formatVND(n); got != want {
			t.Errorf("formatVND(%d) = %q, want %q", n, got, want)
		}
	}
}
