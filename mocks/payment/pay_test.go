package payment

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/dvcqa/dvcqa/api/payment"
)

func TestConfirmPaysAndCallsBack(t *testing.T) {
	p := newPlatform(t, 0)
	ctx := context.Background()
	opened := p.open(t, "REF-1", 150000)
	if q, err := p.client.Query(ctx, "REF-1"); err != nil || q.TrangThaiGD != payment.StatusPending {
		t.Fatalf("before paying: %+v, %v", q, err)
	}

	ret, err := p.client.Pay(ctx, opened.UrlThanhToan, true)
	if err != nil {
		t.Fatalf("Pay: %v", err)
	}
	u, _ := url.Parse(ret)
	if !strings.HasPrefix(ret, "http://portal.test/payment/return?") || u.Query().Get("MaThamChieu") != "REF-1" ||
		u.Query().Get("TrangThaiGD") != payment.StatusSuccess || u.Query().Get("lang") != "vi" {
		t.Errorf("return URL = %s", ret)
	}
	if q, err := p.client.Query(ctx, "REF-1"); err != nil || q.TrangThaiGD != payment.StatusSuccess {
		t.Fatalf("after paying: %+v, %v", q, err)
	}

	hits, got := p.rc.seen()
	if hits != 1 || len(got) != 1 {
		t.Fatalf("callbacks = %d hits, %d accepted; want 1", hits, len(got))
	}
	cb := got[0]
	if !cb.Verify(partnerSecret) {
		t.Error("callback signature does not verify with the partner's secret")
	}
	// 03:30 UTC is 10:30 in Vietnam.
	want := payment.Callback{MaDoiTac: partnerCode, MaThamChieu: "REF-1", MaGiaoDich: opened.MaGiaoDich, SoTien: 150000,
		TrangThaiGD: payment.StatusSuccess, ThoiGianGD: "20260302103000", MaXacThuc: cb.MaXacThuc}
	if cb != want {
		t.Errorf("callback = %+v, want %+v", cb, want)
	}
}

func TestCallbackRetriedAfterServerError(t *testing.T) {
	p := newPlatform(t, 1)
	opened := p.open(t, "REF-1", 150000)
	if _, err := p.client.Pay(context.Background(), opened.UrlThanhToan, true); err != nil {
		t.Fatalf("Pay: %v", err)
	}
	hits, got := p.rc.seen()
	if hits != 2 || len(got) != 1 || !got[0].Verify(partnerSecret) {
		t.Fatalf("receiver saw %d hits, accepted %v; want a 500 then one valid callback", hits, got)
	}
	tx := p.transaction(t, "REF-1")
	if len(tx.Callbacks) != 2 || tx.Callbacks[0].Status != 500 || tx.Callbacks[1].Status != 200 {
		t.Errorf("recorded attempts = %+v", tx.Callbacks)
	}
}

func TestCallbackGivesUpAfterThreeAttempts(t *testing.T) {
	p := newPlatform(t, 10)
	opened := p.open(t, "REF-1", 150000)
	ret, err := p.client.Pay(context.Background(), opened.UrlThanhToan, true)
	if err != nil || !strings.Contains(ret, "TrangThaiGD=1") {
		t.Fatalf("Pay = %s, %v; the citizen is returned even when the partner is down", ret, err)
	}
	if hits, _ := p.rc.seen(); hits != 3 {
		t.Errorf("attempts = %d, want 3", hits)
	}
}

// post submits the pay form as a double click would: straight to the action.
func (p *platform) post(t *testing.T, id, action string) *http.Response {
	t.Helper()
	resp, err := p.browser.PostForm(p.base+"/pay/"+id, url.Values{"action": {action}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestDoubleConfirmPaysOnce(t *testing.T) {
	p := newPlatform(t, 0)
	opened := p.open(t, "REF-1", 150000)
	first := p.post(t, opened.MaGiaoDich, "confirm")
	second := p.post(t, opened.MaGiaoDich, "confirm")
	for i, resp := range []*http.Response{first, second} {
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "TrangThaiGD=1") {
			t.Errorf("confirm %d: HTTP %d to %q", i+1, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	tx := p.transaction(t, "REF-1")
	if tx.TrangThaiGD != payment.StatusSuccess || len(tx.Callbacks) != 1 {
		t.Errorf("after two confirms: state %s, %d callback attempts; want paid once", tx.TrangThaiGD, len(tx.Callbacks))
	}
	if hits, _ := p.rc.seen(); hits != 1 {
		t.Errorf("receiver saw %d callbacks, want 1", hits)
	}
	// A cancel after paying changes nothing either.
	if resp := p.post(t, opened.MaGiaoDich, "cancel"); !strings.Contains(resp.Header.Get("Location"), "TrangThaiGD=1") {
		t.Errorf("cancel after paying returned %q", resp.Header.Get("Location"))
	}
	if got := p.transaction(t, "REF-1"); got.TrangThaiGD != payment.StatusSuccess || got.ThoiGianGD != tx.ThoiGianGD {
		t.Errorf("state changed after paying: %+v", got)
	}
}

func TestCancel(t *testing.T) {
	p := newPlatform(t, 0)
	ctx := context.Background()
	opened := p.open(t, "REF-1", 150000)
	ret, err := p.client.Pay(ctx, opened.UrlThanhToan, false)
	if err != nil || !strings.Contains(ret, "TrangThaiGD=4") {
		t.Fatalf("Pay(cancel) = %s, %v", ret, err)
	}
	if q, err := p.client.Query(ctx, "REF-1"); err != nil || q.TrangThaiGD != payment.StatusFailed {
		t.Fatalf("after cancel: %+v, %v", q, err)
	}
	if _, got := p.rc.seen(); len(got) != 1 || got[0].TrangThaiGD != payment.StatusFailed || !got[0].Verify(partnerSecret) {
		t.Errorf("cancel callback = %+v", got)
	}
	// The page no longer offers to pay, so the citizen cannot pay a cancelled transaction.
	if _, err := p.client.Pay(ctx, opened.UrlThanhToan, true); err == nil {
		t.Error("paying a cancelled transaction succeeded")
	}
	if resp := p.post(t, opened.MaGiaoDich, "confirm"); !strings.Contains(resp.Header.Get("Location"), "TrangThaiGD=4") {
		t.Errorf("confirm after cancel returned %q", resp.Header.Get("Location"))
	}
}

func TestPayUnknownOrBadAction(t *testing.T) {
	p := newPlatform(t, 0)
	if resp := p.post(t, "GDNOSUCH", "confirm"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown transaction: HTTP %d, want 404", resp.StatusCode)
	}
	opened := p.open(t, "REF-1", 150000)
	if resp := p.post(t, opened.MaGiaoDich, "refund"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown action: HTTP %d, want 400", resp.StatusCode)
	}
	if tx := p.transaction(t, "REF-1"); tx.TrangThaiGD != payment.StatusPending {
		t.Errorf("state = %s after a bad action", tx.TrangThaiGD)
	}
}

// TestConcurrentConfirms: many simultaneous confirms settle once (run with -race).
func TestConcurrentConfirms(t *testing.T) {
	p := newPlatform(t, 0)
	opened := p.open(t, "REF-1", 150000)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			resp, err := p.browser.PostForm(opened.UrlThanhToan, url.Values{"action": {"confirm"}})
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("confirm: HTTP %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	if hits, _ := p.rc.seen(); hits != 1 {
		t.Errorf("callbacks = %d, want 1", hits)
	}
}
