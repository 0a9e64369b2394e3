package world

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/vocab"
)

// TestPaymentDialectReachesPlatformAndPortals: the world's payment dialect
// is spoken by the platform and by the portals as its partners: the
// harness's client of that dialect opens and cancels a payment (back to the
// portal's registered return page), and a portal reads a confirmation of
// that dialect (signed, unknown reference: 404 MaLoi 04) but not one of the
// other (400 MaLoi 01).
func TestPaymentDialectReachesPlatformAndPortals(t *testing.T) {
	ctx := context.Background()
	secret := fixtures.MockSecret(7, "payment:PORTAL-01")
	for _, d := range []string{vocab.DialectPaymentDvcqa, vocab.DialectPaymentPublished} {
		w, err := Start(Options{Seed: 7, Dialects: map[string]string{vocab.SystemPayment: d}})
		if err != nil {
			t.Fatal(err)
		}
		u := w.URLs("01")
		hc := &http.Client{Timeout: 5 * time.Second}
		c := &payment.Client{BaseURL: u.Payment, PartnerCode: "PORTAL-01", Secret: secret, Dialect: d, HTTP: hc}
		opened, err := c.Init(ctx, payment.InitRequest{MaThamChieu: "WORLD-1", SoTien: 1000,
			ThongTinBienLai: payment.Receipt{MaHoSo: "WORLD-1", ChiTiet: []payment.ReceiptLine{{NoiDung: "Lệ phí", SoTien: 1000}}},
			UrlCallback:     u.Portal + "/api/v1/payment/callback", UrlTraVe: u.Portal + "/payment/return"})
		if err != nil {
			t.Fatalf("%s: Init: %v", d, err)
		}
		ret, err := c.Pay(ctx, opened.UrlThanhToan, false)
		if err != nil || !strings.HasPrefix(ret, u.Portal+"/payment/return?") {
			t.Errorf("%s: cancel returned to %q (%v), want the portal's return page", d, ret, err)
		}

		other := *c
		other.Dialect = map[string]string{vocab.DialectPaymentDvcqa: vocab.DialectPaymentPublished, vocab.DialectPaymentPublished: vocab.DialectPaymentDvcqa}[d]
		cb := payment.Callback{MaDoiTac: "PORTAL-01", MaThamChieu: "WORLD-404", MaGiaoDich: "GD1", SoTien: 1000, TrangThaiGD: payment.StatusSuccess, ThoiGianGD: "20261201120000"}
		cb.Sign(secret)
		for _, tt := range []struct {
			client       *payment.Client
			status       int
			code, reason string
		}{{c, http.StatusNotFound, "04", "its own dialect"}, {&other, http.StatusBadRequest, "01", "the other dialect"}} {
			body, err := tt.client.CallbackBody(cb)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Post(u.Portal+"/api/v1/payment/callback", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			var ans struct{ MaLoi string }
			_ = json.NewDecoder(resp.Body).Decode(&ans)
			resp.Body.Close()
			if resp.StatusCode != tt.status || ans.MaLoi != tt.code {
				t.Errorf("%s world: portal answered a confirmation in %s with HTTP %d MaLoi %q, want %d %s", d, tt.reason, resp.StatusCode, ans.MaLoi, tt.status, tt.code)
			}
		}
		w.Close()
	}
}
