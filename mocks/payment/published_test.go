package payment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/mocks/defects"
	"github.com/dvcqa/dvcqa/vocab"
)

// testdata/ holds golden messages of both dialects, written by hand from
// the public field lists (protocols-public.md) and docs/contracts.md; each
// MaXacThuc in them was computed by coreutils, not Go:
//
//	printf '%s' 'INIT|1.0.6|PORTAL-01|DVCQA-000123|150000|PAY|WEB|PC|vi-VN|VND||Nộp phí, lệ phí hồ sơ 000.00.01.H22-260424-0001|20260424103000|127.0.0.1|khoa-bi-mat' | sha256sum
//	  = f3f0fb87e39e74f2a56d63fc4adf319802cb53fddaeeb80c22ec8cffd805e046
//	printf '%s' 'QUERY|1.0.6|PORTAL-01|DVCQA-000123|20260424103500|khoa-bi-mat' | sha256sum
//	  = 4c507d65913e3d3e4e79696cb4b16a9d360688e93bcc8f174c20fe8568266f91
//	printf '%s' 'GET_BILL|1.0.6|PORTAL-01|DVCQA-000123|20260424103500|khoa-bi-mat' | sha256sum
//	  = 37b25e8f5cac00f6f41d5b3af092f78b518a84ffb16b1d4a9d5c78e7fcf20a41
//	printf '%s' 'CONFIRM|00|PORTAL-01|DVCQA-000123|150000|VND|GD20260424000001|NHMOCK|20260424103000|Nộp phí, lệ phí hồ sơ 000.00.01.H22-260424-0001|khoa-bi-mat' | sha256sum
//	  = f54ee381c9d227007cf943e5c2340c40672d1675ddb648b52c9bb7c04efee042
//	printf '%s' 'INIT|PORTAL-01|DVCQA-000123|150000|VND|http://127.0.0.1:8080/portal/01/api/v1/payment/callback|http://127.0.0.1:8080/portal/01/payment/return|khoa-bi-mat' | sha256sum
//	  = a58ecbb157d5e62a4b374dc2723b2948769e7e2a154a8f7edea98d2df1ab47e2
//	printf '%s' 'PORTAL-01|DVCQA-000123|GD20260424000001|150000|1|20260424103000|khoa-bi-mat' | sha256sum
//	  = f7506f38a69ae6024140a888db0d04cedb4d12df271c8b3fcc61294190747177
const goldenSecret = "khoa-bi-mat"

func golden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decode(t *testing.T, what string, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v: %s", what, err, b)
	}
	return m
}

func keys(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}

func newPublished(t *testing.T, failFirst int, tweak func(*Options)) *platform {
	t.Helper()
	return newPlatformWith(t, failFirst, func(o *Options) {
		o.Dialect = vocab.DialectPaymentPublished
		if tweak != nil {
			tweak(o)
		}
	})
}

// goldenPlatform is a published platform whose partner PORTAL-01 has the
// golden secret.
func goldenPlatform(t *testing.T) *platform {
	return newPublished(t, 0, func(o *Options) { o.Partners[0].Secret = goldenSecret })
}

// token gets an access token as PORTAL-01 with the golden secret.
func (p *platform) token(t *testing.T, secret string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, p.base+tokenPath, strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(partnerCode, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, decode(t, "token answer", b)
}

// call posts a raw published message with the token and returns the
// status and the envelope.
func (p *platform) call(t *testing.T, token string, body []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, p.base+"/api/v1/thanhtoan", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, decode(t, "answer", b)
}

// TestPublishedGoldenMessages: the golden published messages, sent as they
// are, are accepted and answered in the golden replies' shape.
func TestPublishedGoldenMessages(t *testing.T) {
	p := goldenPlatform(t)
	status, tok := p.token(t, goldenSecret)
	if status != 200 || tok["token_type"] != "Bearer" || tok["access_token"] == "" {
		t.Fatalf("token: HTTP %d %v", status, tok)
	}
	if !reflect.DeepEqual(keys(tok), keys(decode(t, "golden token", golden(t, "published-token-reply.json")))) {
		t.Errorf("token answer keys %v", keys(tok))
	}
	access := tok["access_token"].(string)

	message := func(env map[string]any) map[string]any {
		t.Helper()
		s, ok := env["message"].(string)
		if !ok || env["error_code"] != "0" {
			t.Fatalf("envelope = %v", env)
		}
		return decode(t, "message", []byte(s))
	}
	goldenMessage := func(name string) map[string]any {
		return message(decode(t, name, golden(t, name)))
	}

	status, env := p.call(t, access, golden(t, "published-init.json"))
	if status != 200 {
		t.Fatalf("golden INIT: HTTP %d %v", status, env)
	}
	initAns := message(env)
	want := goldenMessage("published-init-reply.json")
	if !reflect.DeepEqual(keys(initAns), keys(want)) || initAns["MaLoi"] != "00" || initAns["SoTien"] != "150000" ||
		initAns["UrlThanhToan"] != p.base+"/pay/"+initAns["MaGiaoDich"].(string) {
		t.Errorf("INIT answer %v, want the shape of %v", initAns, want)
	}
	tx := p.transaction(t, "DVCQA-000123")
	if tx.Request.UrlCallback != p.rc.ts.URL+"/api/v1/payment/callback" || tx.Request.ThongTinBienLai.HoTenNguoiNop != "Nguyễn Văn An" ||
		tx.Request.SoTien != 150000 || len(tx.Request.ThongTinBienLai.ChiTiet) != 1 {
		t.Errorf("stored INIT = %+v", tx.Request)
	}

	status, env = p.call(t, access, golden(t, "published-query.json"))
	q := message(env)
	if wantQ := goldenMessage("published-query-reply.json"); status != 200 || !reflect.DeepEqual(keys(q), keys(wantQ)) || q["TrangThaiGD"] != StatusPending || q["ThoiGianGD"] != "" {
		t.Errorf("golden QUERY: HTTP %d %v, want the shape of %v", status, q, wantQ)
	}
	status, env = p.call(t, access, golden(t, "published-bill.json"))
	bill := message(env)
	wantBill := goldenMessage("published-bill-reply.json")
	sent := decode(t, "golden INIT", golden(t, "published-init.json"))["ThongTinBienLai"]
	if status != 200 || !reflect.DeepEqual(keys(bill), keys(wantBill)) || !reflect.DeepEqual(bill["ThongTinBienLai"], sent) {
		t.Errorf("golden GET_BILL: HTTP %d %v, want the receipt as sent %v", status, bill, sent)
	}

	// Refusals keep the envelope, error_code being MaLoi.
	status, env = p.call(t, access, bytes.Replace(golden(t, "published-init.json"), []byte(`"SoTien": "150000"`), []byte(`"SoTien": "150001"`), 1))
	if wantErr := decode(t, "golden error", golden(t, "published-error-reply.json")); status != 400 || !reflect.DeepEqual(env, wantErr) {
		t.Errorf("tampered INIT: HTTP %d %v, want 400 %v", status, env, wantErr)
	}
	status, env = p.call(t, "", golden(t, "published-init.json"))
	if status != 401 || env["error_code"] != "401" {
		t.Errorf("INIT without a token: HTTP %d %v", status, env)
	}
	status, env = p.call(t, access+"x", golden(t, "published-query.json"))
	if status != 401 || env["error_code"] != "401" {
		t.Errorf("QUERY with a forged token: HTTP %d %v", status, env)
	}
	if status, _ := p.token(t, "sai-khoa"); status != 401 {
		t.Errorf("token with a wrong secret: HTTP %d", status)
	}
}

// TestPublishedConfirmationGolden: the platform's own confirmation of the
// golden transaction is the golden one.
func TestPublishedConfirmationGolden(t *testing.T) {
	s := goldenPlatform(t).srv
	tx := Transaction{MaGiaoDich: "GD20260424000001", TrangThaiGD: StatusSuccess, ThoiGianGD: "20260424103000",
		Request:   InitRequest{MaDoiTac: "PORTAL-01", MaThamChieu: "DVCQA-000123", SoTien: 150000, MaTienTe: "VND"},
		published: &publishedExtra{info: "Nộp phí, lệ phí hồ sơ 000.00.01.H22-260424-0001"}}
	got := decode(t, "confirmation", s.publishedCallback(tx, signer{}))
	if want := decode(t, "golden", golden(t, "published-callback.json")); !reflect.DeepEqual(got, want) {
		t.Errorf("confirmation = %v\nwant %v", got, want)
	}
	if got := decode(t, "confirmation", s.publishedCallback(tx, signer{reversed: true})); got["MaXacThuc"] == "f54ee381c9d227007cf943e5c2340c40672d1675ddb648b52c9bb7c04efee042" {
		t.Error("the reversed-order defect signs like the protocol")
	}
}

// TestDvcqaGoldenMessages: the mock's dvcqa code against the dvcqa golden files.
func TestDvcqaGoldenMessages(t *testing.T) {
	var in InitRequest
	if err := json.Unmarshal(golden(t, "dvcqa-init.json"), &in); err != nil {
		t.Fatal(err)
	}
	if !(signer{}).initOK(in, goldenSecret) {
		t.Error("golden dvcqa INIT does not verify")
	}
	var cb Callback
	if err := json.Unmarshal(golden(t, "dvcqa-callback.json"), &cb); err != nil {
		t.Fatal(err)
	}
	want := cb.MaXacThuc
	(signer{}).sign(&cb, goldenSecret)
	if cb.MaXacThuc != want {
		t.Errorf("dvcqa callback MaXacThuc = %s, want %s", cb.MaXacThuc, want)
	}
}

// TestPublishedRoundTrip: the harness's client in the published dialect
// against the mock platform in it, each with its own code.
func TestPublishedRoundTrip(t *testing.T) {
	for _, confirm := range []bool{true, false} {
		p := newPublished(t, 0, nil)
		ctx := context.Background()
		opened := p.open(t, "REF-1", 150000)
		if opened.MaLoi != payment.CodeOK || opened.UrlThanhToan != p.base+"/pay/"+opened.MaGiaoDich {
			t.Fatalf("Init = %+v", opened)
		}
		if again := p.open(t, "REF-1", 150000); *again != *opened {
			t.Errorf("second INIT = %+v, want %+v", again, opened)
		}
		_, err := p.client.Init(ctx, p.initRequest("REF-1", 200000))
		wantAPIError(t, "same reference, other amount", err, http.StatusConflict, payment.CodeConflict)
		q, err := p.client.Query(ctx, "REF-1")
		if err != nil || q.TrangThaiGD != payment.StatusPending || q.SoTien != 150000 || q.MaGiaoDich != opened.MaGiaoDich || q.MaThamChieu != "REF-1" {
			t.Fatalf("Query = %+v, %v", q, err)
		}

		ret, err := p.client.Pay(ctx, opened.UrlThanhToan, confirm)
		state := map[bool]string{true: payment.StatusSuccess, false: payment.StatusFailed}[confirm]
		u, _ := url.Parse(ret)
		if err != nil || !strings.HasPrefix(ret, "http://portal.test/payment/return?") || u.Query().Get("TrangThaiGD") != state ||
			u.Query().Get("MaThamChieu") != "REF-1" || u.Query().Get("lang") != "vi" {
			t.Fatalf("Pay(%v) = %s, %v; want the registered return URL", confirm, ret, err)
		}
		bodies := p.rc.raw()
		if len(bodies) != 1 {
			t.Fatalf("%d confirmations delivered", len(bodies))
		}
		cb, ok, err := p.client.ParseCallback(bodies[0])
		if err != nil || !ok || cb.MaGiaoDich != opened.MaGiaoDich || cb.SoTien != 150000 || cb.TrangThaiGD != state || cb.ThoiGianGD != "20260302103000" {
			t.Errorf("confirmation %s: %+v verified=%v %v", bodies[0], cb, ok, err)
		}
		if m := decode(t, "confirmation", bodies[0]); m["MaNganHang"] != pubMockBank || m["ThongTinGiaoDich"] != "Nộp phí, lệ phí hồ sơ 000.00.00.H01-260302-0001" {
			t.Errorf("confirmation = %v", m)
		}

		q, err = p.client.Query(ctx, "REF-1")
		if err != nil || q.TrangThaiGD != state {
			t.Fatalf("Query after paying = %+v, %v", q, err)
		}
		bill, err := p.client.Bill(ctx, "REF-1")
		wantBill := payment.BillResponse{QueryResponse: *q, ThoiGianGD: "20260302103000", ThongTinBienLai: p.initRequest("REF-1", 150000).ThongTinBienLai}
		if err != nil || !reflect.DeepEqual(*bill, wantBill) {
			t.Errorf("Bill = %+v, %v\nwant %+v", bill, err, wantBill)
		}
	}
}

func TestPublishedRefusals(t *testing.T) {
	p := newPublished(t, 0, nil)
	ctx := context.Background()
	// A valid token, a message signed with another secret.
	wrong := *p.client
	wrong.TokenSecret, wrong.Secret = partnerSecret, "sai-khoa"
	_, err := wrong.Init(ctx, p.initRequest("REF-1", 150000))
	wantAPIError(t, "bad signature", err, http.StatusBadRequest, payment.CodeBadSignature)
	_, err = wrong.Query(ctx, "REF-1")
	wantAPIError(t, "bad QUERY signature", err, http.StatusBadRequest, payment.CodeBadSignature)
	_, err = p.client.Query(ctx, "REF-404")
	wantAPIError(t, "unknown reference", err, http.StatusNotFound, payment.CodeNotFound)
	bad := p.initRequest("REF-2", 150000)
	bad.ThongTinBienLai.ChiTiet[0].SoTien = 1000
	_, err = p.client.Init(ctx, bad)
	wantAPIError(t, "lines off the sum", err, http.StatusBadRequest, payment.CodeMalformed)
	if _, err := wrong.Bill(ctx, "REF-1"); err == nil {
		t.Error("GET_BILL with a bad signature answered")
	}
	if n := len(p.srv.Transactions()); n != 0 {
		t.Errorf("%d transactions from refused INITs", n)
	}
	// A partner without registered URLs cannot open payments.
	unregistered := newPublished(t, 0, func(o *Options) { o.Partners[0].CallbackURL = "" })
	_, err = unregistered.client.Init(ctx, unregistered.initRequest("REF-1", 150000))
	wantAPIError(t, "no registered callback URL", err, http.StatusBadRequest, payment.CodeMalformed)
}

// TestDialectMismatchWithTheMock: a client of the other dialect gets one
// *payment.DialectError naming payment and the dialects.
func TestDialectMismatchWithTheMock(t *testing.T) {
	for _, tt := range []struct{ platform, client string }{
		{vocab.DialectPaymentPublished, vocab.DialectPaymentDvcqa},
		{vocab.DialectPaymentDvcqa, vocab.DialectPaymentPublished},
	} {
		p := newPlatformWith(t, 0, func(o *Options) { o.Dialect = tt.platform })
		c := *p.client
		c.Dialect = tt.client
		for name, call := range map[string]func() error{
			"INIT":     func() error { _, err := c.Init(context.Background(), p.initRequest("REF-1", 150000)); return err },
			"QUERY":    func() error { _, err := c.Query(context.Background(), "REF-1"); return err },
			"GET_BILL": func() error { _, err := c.Bill(context.Background(), "REF-1"); return err },
		} {
			err := call()
			var de *payment.DialectError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), "payment") || !strings.Contains(err.Error(), `payment.dialect "`+tt.client+`"`) ||
				!strings.Contains(err.Error(), `answers in dialect "`+tt.platform+`"`) {
				t.Errorf("%s client against a %s platform, %s: %v, want one dialect mismatch", tt.client, tt.platform, name, err)
			}
		}
	}
}

func TestPublishedDefects(t *testing.T) {
	ctx := context.Background()
	t.Run("payment-init-unsigned-accepted", func(t *testing.T) {
		p := newPublished(t, 0, func(o *Options) { o.Defects = defects.NewSet(defects.Switch{Name: "payment-init-unsigned-accepted"}) })
		wrong := *p.client
		wrong.TokenSecret, wrong.Secret = partnerSecret, "sai-khoa"
		if _, err := wrong.Init(ctx, p.initRequest("REF-1", 150000)); err != nil {
			t.Errorf("INIT with a wrong MaXacThuc and the defect on: %v", err)
		}
		if _, err := wrong.Query(ctx, "REF-1"); err != nil {
			t.Errorf("QUERY with a wrong MaXacThuc and the defect on: %v", err)
		}
	})
	t.Run("payment-signature-field-order", func(t *testing.T) {
		set := defects.NewSet(defects.Switch{Name: "payment-signature-field-order"})
		p := newPublished(t, 0, func(o *Options) { o.Defects = set })
		_, err := p.client.Init(ctx, p.initRequest("REF-1", 150000))
		wantAPIError(t, "genuine INIT with the defect on", err, http.StatusBadRequest, payment.CodeBadSignature)
		set.Replace(nil)
		opened := p.open(t, "REF-1", 150000)
		set.Replace([]defects.Switch{{Name: "payment-signature-field-order"}})
		_, err = p.client.Query(ctx, "REF-1")
		wantAPIError(t, "genuine QUERY with the defect on", err, http.StatusBadRequest, payment.CodeBadSignature)
		p.post(t, opened.MaGiaoDich, "confirm")
		if _, ok, err := p.client.ParseCallback(p.rc.raw()[0]); err != nil || ok {
			t.Errorf("confirmation with the defect on verifies = %v (%v)", ok, err)
		}
	})
	t.Run("payment-callback-field-order", func(t *testing.T) {
		for _, on := range []bool{false, true} {
			var set *defects.Set
			if on {
				set = defects.NewSet(defects.Switch{Name: "payment-callback-field-order"})
			}
			p := newPublished(t, 0, func(o *Options) { o.Defects = set })
			opened := p.open(t, "REF-1", 150000)
			p.post(t, opened.MaGiaoDich, "confirm")
			bodies := p.rc.raw()
			if len(bodies) != 1 {
				t.Fatalf("defect %v: %d confirmations", on, len(bodies))
			}
			if _, ok, err := p.client.ParseCallback(bodies[0]); err != nil || ok == on {
				t.Errorf("defect %v: confirmation verifies = %v (%v)", on, ok, err)
			}
		}
	})
}

func TestPublishedTokenExpiry(t *testing.T) {
	s := goldenPlatform(t).srv
	if got := s.tokenPartner("Bearer " + s.issueToken("PORTAL-01", time.Now().Add(time.Minute))); got != "PORTAL-01" {
		t.Errorf("fresh token: partner %q", got)
	}
	if got := s.tokenPartner("Bearer " + s.issueToken("PORTAL-01", time.Now().Add(-time.Second))); got != "" {
		t.Errorf("expired token accepted for %q", got)
	}
	other, _ := New(Options{BaseURL: "http://x/payment", Dialect: vocab.DialectPaymentPublished})
	if got := s.tokenPartner("Bearer " + other.issueToken("PORTAL-01", time.Now().Add(time.Minute))); got != "" {
		t.Errorf("another platform's token accepted for %q", got)
	}
	if _, err := New(Options{BaseURL: "http://x/payment", Dialect: "soap"}); err == nil {
		t.Error("New accepted an unknown dialect")
	}
}
