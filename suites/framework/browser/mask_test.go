package browser

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/suites/framework/pii"
)

// A review page prefilled with a relative's record: names, date of birth,
// phone, address and IDs in text and in form controls.
const relativesPage = `<!DOCTYPE html><html lang="vi"><body>
<p>Xin chào Trần Văn Hùng</p>
<dl><dt>Họ tên mẹ</dt><dd>Hồ Diệu Yến</dd><dt>Vợ/chồng</dt><dd>Lê Na</dd>
<dt>Ngày sinh</dt><dd>1968-07-22</dd><dt>Điện thoại</dt><dd>0912345678</dd>
<dt>Thường trú</dt><dd>Số 2, thôn Tây, Xã Vĩnh Thành, Hà Nội</dd><dt>Số định danh</dt><dd>001068084640</dd></dl>
<form><input name="HoTenCha" value="Ngô Hữu Hưng"><input name="SoDienThoai" value="0987654321">
<textarea name="GhiChu">Email: me.1990@example.vn</textarea>
<select name="QuanHeVoiChuHo"><option value="Con" selected>Con</option></select>
<input type="hidden" name="MaThuaDat" value="01-29-412"><input name="LyDo" value="Cấp đổi"></form>
<p>Đăng ký thường trú · phí 10000 VND · hồ sơ 000.00.00.H01-261230-0001</p>
</body></html>`

// TestEvidenceMasksThePage: every personal value of the page is masked
// before capture, not only IDs and the logged-in name; protocol text stays.
func TestEvidenceMasksThePage(t *testing.T) {
	b := needBrowser(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, relativesPage)
	}))
	defer srv.Close()
	tab := newTab(t, b)
	if err := tab.Navigate(srv.URL); err != nil {
		t.Fatal(err)
	}
	tab.MaskInEvidence("Trần Văn Hùng")
	pii.Add(redact.KindName, "Lê Na") // read from a record earlier in the spec
	paths, err := tab.Evidence(t.TempDir(), "mask")
	if err != nil || len(paths) != 3 {
		t.Fatalf("evidence: %v, %v", paths, err)
	}
	html, err := os.ReadFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	// The page itself (what the screenshot shows), read back from the DOM.
	var shown string
	if err := tab.Evaluate(`document.body.innerText + ' ' + Array.from(document.querySelectorAll('input,textarea')).map(e => e.value).join(' ')`, &shown); err != nil {
		t.Fatal(err)
	}
	for what, text := range map[string]string{"page HTML": string(html), "page": shown} {
		for _, leak := range []string{"Trần Văn Hùng", "Hồ Diệu Yến", "Lê Na", "1968-07-22", "0912345678", "thôn Tây",
			"001068084640", "Ngô Hữu Hưng", "0987654321", "me.1990@example.vn", "01-29-412"} {
			if strings.Contains(text, leak) {
				t.Errorf("%s shows %q", what, leak)
			}
		}
		for _, keep := range []string{"Họ tên mẹ", "Đăng ký thường trú", "000.00.00.H01-261230-0001", "Cấp đổi", "001*******40"} {
			if !strings.Contains(text, keep) {
				t.Errorf("%s lacks %q:\n%s", what, keep, text)
			}
		}
	}
}
