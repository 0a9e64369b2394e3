package payment

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
)

const page = `<!DOCTYPE html><html lang="vi"><body>
<form method="get" action="/search"><button name="action" value="search">Tìm</button></form>
<form method="post" action="/pay/GD1/submit">
<input type="hidden" name="token" value="t-1">
<button type="submit" name="action" value="confirm">Thanh toán</button>
<button name="action" value="cancel">Hủy</button>
<button type="button" name="action" value="help">?</button>
</form></body></html>`

func TestPaySubmitsTheFormAndReturnsTheRedirect(t *testing.T) {
	for _, confirm := range []bool{true, false} {
		c, mt := mocked()
		mt.RegisterResponder(http.MethodGet, base+"/pay/GD1", httpmock.NewStringResponder(200, page))
		var sent url.Values
		mt.RegisterResponder(http.MethodPost, base+"/pay/GD1/submit", func(r *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(r.Body)
			sent, _ = url.ParseQuery(string(b))
			resp := httpmock.NewStringResponse(http.StatusSeeOther, "")
			resp.Header.Set("Location", "http://portal.test/payment/return?TrangThaiGD=1")
			return resp, nil
		})
		// Following the redirect would hit this and fail the test.
		mt.RegisterResponder(http.MethodGet, "http://portal.test/payment/return", httpmock.NewStringResponder(500, "followed"))

		ret, err := c.Pay(context.Background(), base+"/pay/GD1", confirm)
		if err != nil {
			t.Fatalf("Pay(%v): %v", confirm, err)
		}
		if ret != "http://portal.test/payment/return?TrangThaiGD=1" {
			t.Errorf("Pay returned %q", ret)
		}
		want := map[bool]string{true: "confirm", false: "cancel"}[confirm]
		if sent.Get("action") != want || sent.Get("token") != "t-1" {
			t.Errorf("form sent = %v, want action=%s with the hidden token", sent, want)
		}
	}
}

func TestPayRefusesPagesWithoutTheChoice(t *testing.T) {
	c, mt := mocked()
	mt.RegisterResponder(http.MethodGet, base+"/pay/paid", httpmock.NewStringResponder(200,
		`<html lang="vi"><p id="status">Giao dịch đã được thanh toán thành công.</p></html>`))
	mt.RegisterResponder(http.MethodGet, base+"/pay/gone", httpmock.NewStringResponder(404, `<html>Không tìm thấy</html>`))
	mt.RegisterResponder(http.MethodGet, base+"/pay/stuck", httpmock.NewStringResponder(200, page))
	mt.RegisterResponder(http.MethodPost, base+"/pay/GD1/submit", httpmock.NewStringResponder(200, "<html>Lỗi</html>"))
	for path, want := range map[string]string{"/pay/paid": "no POST form", "/pay/gone": "HTTP 404", "/pay/stuck": "want a redirect"} {
		_, err := c.Pay(context.Background(), base+path, true)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Pay %s: %v, want it to mention %q", path, err, want)
		}
	}
}
