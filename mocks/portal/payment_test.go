package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	api "github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/mocks/defects"
)

// callback posts a payment-platform callback and returns status and MaLoi.
func (e *env) callback(cb fakeCallback) (int, string) {
	e.t.Helper()
	body, _ := json.Marshal(cb)
	resp, err := http.Post(e.base+"/api/v1/payment/callback", "application/json", bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r paymentReply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		e.t.Fatalf("callback answer: %v", err)
	}
	return resp.StatusCode, r.MaLoi
}

func (e *env) passportDossier(c *api.Client) *api.Dossier {
	e.t.Helper()
	photo := e.upload(c, "anh_chan_dung", "image/jpeg", jpgBytes)
	d, _, err := c.Submit(context.Background(), "passport", api.SubmitRequest{ServiceID: "DV12",
		Fields:      map[string]string{"NoiNhan": "Bưu chính"},
		Attachments: []api.AttachmentRef{{Type: "anh_chan_dung", ID: photo.ID}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func TestFeeServiceWaitsForPayment(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	ctx := context.Background()
	d := e.passportDossier(c)
	if d.Status != api.StatusPaymentRequired || d.StatusCode != 6 || d.Fee != (api.Fee{AmountVND: 200000}) {
		t.Fatalf("new paid-service dossier: status %s fee %+v", d.Status, d.Fee)
	}
	time.Sleep(20 * time.Millisecond) // ten world days
	if d, _ = c.Dossier(ctx, d.ID); d.Status != api.StatusPaymentRequired || len(d.History) != 2 {
		t.Fatalf("unpaid dossier moved on: %s %v", d.Status, statuses(d.History))
	}

	start, err := c.StartPayment(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if start.Reference != d.Code || start.AmountVND != 200000 || start.PayURL != "http://payment.test/pay/GD-"+d.Code {
		t.Fatalf("payment start %+v", start)
	}
	e.payments.mu.Lock()
	init := e.payments.inits[0]
	e.payments.mu.Unlock()
	if init.Reference != d.Code || init.Amount != 200000 || init.CallbackURL != e.srv.URL+"/api/v1/payment/callback" ||
		init.ReturnURL != e.srv.URL+"/payment/return" || init.PayerName != an.Name || init.AgencyID != "000.00.00.H01" ||
		init.DossierCode != d.Code || len(init.Lines) != 1 || init.Lines[0].Amount != 200000 {
		t.Fatalf("INIT %+v", init)
	}

	good := fakeCallback{MaThamChieu: d.Code, MaGiaoDich: "GD-" + d.Code, SoTien: 200000, TrangThaiGD: "1"}
	forged := good
	forged.MaXacThuc = "00"
	if st, code := e.callback(forged); st != 400 || code != "07" {
		t.Fatalf("bad signature: %d %s, want 400 07", st, code)
	}
	short := good
	short.SoTien = 20000
	short.MaXacThuc = short.sign()
	if st, code := e.callback(short); st != 400 || code != "09" {
		t.Fatalf("wrong amount: %d %s, want 400 09", st, code)
	}
	failed := good
	failed.TrangThaiGD = "4"
	failed.MaXacThuc = failed.sign()
	if st, code := e.callback(failed); st != 200 || code != "00" {
		t.Fatalf("failed transaction: %d %s", st, code)
	}
	unknown := good
	unknown.MaThamChieu = "000.00.00.H01-260101-9999"
	unknown.MaXacThuc = unknown.sign()
	if st, code := e.callback(unknown); st != 404 || code != "04" {
		t.Fatalf("unknown reference: %d %s", st, code)
	}
	if d, _ = c.Dossier(ctx, d.ID); d.Fee.Paid {
		t.Fatal("dossier paid by a forged, short or failed callback")
	}

	good.MaXacThuc = good.sign()
	for range 3 { // the platform retries: recorded once
		if st, code := e.callback(good); st != 200 || code != "00" {
			t.Fatalf("good callback: %d %s", st, code)
		}
	}
	d = e.waitFor(c, d.ID, "delivered", delivered)
	if d.Fee != (api.Fee{AmountVND: 200000, Paid: true, PaidAmountVND: 200000, TransactionID: "GD-" + d.Code}) {
		t.Fatalf("fee %+v", d.Fee)
	}
	want := []string{"submitted", "payment_required", "accepted", "processing", "finished", "delivered"}
	if got := statuses(d.History); !slices.Equal(got, want) {
		t.Fatalf("history %v, want %v", got, want)
	}
	if d.DeliveredAt.After(d.AppointmentAt) {
		t.Fatalf("delivered %v after appointment %v", d.DeliveredAt, d.AppointmentAt)
	}
	if _, err := c.StartPayment(ctx, d.ID); api.StatusOf(err) != http.StatusConflict {
		t.Fatalf("paying twice: %v, want 409", err)
	}
	e.portal.Close()
	calls := e.national.callsFor(d.Code)
	if calls[0].Dossier.DanhSachLePhi[0] != (NationalFee{"Cấp hộ chiếu phổ thông", 200000}) || calls[0].Dossier.DuocThanhToanTrucTuyen != "0" ||
		calls[len(calls)-2].Dossier.DuocThanhToanTrucTuyen != "1" || calls[0].Dossier.MaTTHC != "DV12" {
		t.Fatalf("fee not reported to the national portal: %+v / %+v", calls[0].Dossier, calls[len(calls)-2].Dossier)
	}
}

func TestFreeDossierHasNothingToPay(t *testing.T) {
	e := newEnv(t)
	c := e.as(an)
	d, _, err := c.Submit(context.Background(), "k", e.birthRequest(c))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.StartPayment(context.Background(), d.ID)
	if ae := apiErr(t, err, http.StatusConflict); ae.Code != api.CodeNothingToPay {
		t.Fatalf("got %v", ae)
	}
}

func TestMalformedCallback(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Post(e.srv.URL+"/api/v1/payment/callback", "application/json", strings.NewReader("not json"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("malformed callback: %d", resp.StatusCode)
	}
}

func TestPaymentReturnPage(t *testing.T) {
	e := newEnv(t)
	for q, want := range map[string]string{"TrangThaiGD=1&MaThamChieu=X<b>": "Thanh toán thành công", "TrangThaiGD=4": "Thanh toán không thành công"} {
		resp, err := http.Get(e.srv.URL + "/payment/return?" + q)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) || strings.Contains(string(body), "X<b>") {
			t.Fatalf("return page for %s: %d %s", q, resp.StatusCode, body)
		}
	}
}

// TestDefectCallbackRecordedTwice: with the defect on for the dossier's
// service, a replayed success callback adds the fee again; scoped to another
// service or province, the replay changes nothing.
func TestDefectCallbackRecordedTwice(t *testing.T) {
	if d, ok := defects.Lookup(defectCallbackRecordedTwice); !ok || d.System != "portal" || !d.Scopable {
		t.Fatalf("defect %s: registry entry %+v (found %v), want a scopable portal defect", defectCallbackRecordedTwice, d, ok)
	}
	on := defects.Switch{Name: defectCallbackRecordedTwice, Service: "DV12"}
	otherService, otherProvince := on, on
	otherService.Service = "DV09"
	otherProvince.Province = "02" // the tests' portal is province 01
	for _, v := range []struct {
		name   string
		sw     defects.Switch
		broken bool
	}{{"on", on, true}, {"other service", otherService, false}, {"other province", otherProvince, false}} {
		t.Run(v.name, func(t *testing.T) {
			e := newEnvWith(t, worldDay, defects.NewSet(v.sw))
			c := e.as(an)
			d := e.passportDossier(c)
			e.pay(d)
			e.pay(d) // the replay, answered 200 "00" either way
			cur := e.waitFor(c, d.ID, "accepted", func(d *api.Dossier) bool { return d.Status != api.StatusPaymentRequired })
			want := int64(200000)
			if v.broken {
				want *= 2
			}
			expect(t, cur.Fee.Paid && cur.Fee.PaidAmountVND == want, "fee %+v after a replayed callback, want %d VND recorded", cur.Fee, want)
			if !v.broken {
				cur = e.waitFor(c, d.ID, "delivered", delivered)
				expect(t, slices.Equal(statuses(cur.History), []string{"submitted", "payment_required", "accepted", "processing", "finished", "delivered"}),
					"history after a replayed callback: %v", statuses(cur.History))
			}
		})
	}
}
