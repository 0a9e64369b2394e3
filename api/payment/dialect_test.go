package payment

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/internal/testenv"
	"github.com/dvcqa/dvcqa/vocab"
)

// The golden messages in testdata/ are written by hand from the public
// field lists (protocols-public.md, "National payment platform") for the
// published dialect and from docs/contracts.md for dvcqa. Every MaXacThuc in
// them was computed outside Go, by coreutils:
//
//	printf '%s' 'INIT|1.0.6|PORTAL-01|DVCQA-000123|150000|PAY|WEB|PC|vi-VN|VND||Nộp phí, lệ phí hồ sơ 000.00.01.H22-260424-0001|20260424103000|127.0.0.1|khoa-bi-mat' | sha256sum
//	  = f3f0fb87e39e74f2a56d63fc4adf319802cb53fddaeeb80c22ec8cffd805e046
//	printf '%s' 'QUERY|1.0.6|PORTAL-01|DVCQA-000123|20260424103500|khoa-bi-mat' | sha256sum
//	  = 4c507d65913e3d3e4e79696cb4b16a9d360688e93bcc8f174c20fe8568266f91
//	printf '%s' 'GET_BILL|1.0.6|PORTAL-01|DVCQA-000123|20260424103500|khoa-bi-mat' | sha256sum
//	  = 37b25e8f5cac00f6f41d5b3af092f78b518a84ffb16b1d4a9d5c78e7fcf20a41
//	printf '%s' 'CONFIRM|00|PORTAL-01|DVCQA-000123|150000|VND|GD20260424000001|NHMOCK|20260424103000|Nộp phí, lệ phí hồ sơ 000.00.01.H22-260424-0001|khoa-bi-mat' | sha256sum
//	  = f54ee381c9d227007cf943e5c2340c40672d1675ddb648b52c9bb7c04efee042
//	printf '%s' 'CONFIRM|00|PORTAL-01|DVCQA-000123|150000|VND|GD20260424000001||20260424103000||khoa-bi-mat' | sha256sum
//	  = e6c938405a109204f1dff6f821ab386186827a84b02aaec5d0ed8569ebc067fe
//	printf '%s' 'CONFIRM|99|PORTAL-01|DVCQA-000123|150000|VND|GD20260424000001||20260424103000||khoa-bi-mat' | sha256sum
//	  = e5599eae717c186fcf1f0006352aa8162c2ca4dbebdd9777de6f8f6e66932627

// goldenAt is 10:30 on 24 April 2026 in Vietnam.
var goldenAt = time.Date(2026, 4, 24, 3, 30, 0, 0, time.UTC)

func goldenInit() InitRequest {
	return InitRequest{LoaiBanTin: MsgInit, MaDoiTac: "PORTAL-01", MaThamChieu: "DVCQA-000123", SoTien: 150000, MaTienTe: "VND",
		ThongTinBienLai: Receipt{MaHoSo: "000.00.01.H22-260424-0001", MaTTHC: "1.001193", MaDonVi: "000.00.01.H22",
			HoTenNguoiNop: "Nguyễn Văn An", ChiTiet: []ReceiptLine{{NoiDung: "Lệ phí đăng ký", SoTien: 150000}}},
		UrlCallback: "http://127.0.0.1:8080/portal/01/api/v1/payment/callback",
		UrlTraVe:    "http://127.0.0.1:8080/portal/01/payment/return"}
}

func golden(t *testing.T, name string) []byte { return testenv.Golden(t, name) }

// sameJSON compares two JSON documents by value, whatever their layout.
func sameJSON(t *testing.T, what string, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: got is not JSON: %v", what, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: golden is not JSON: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}

func TestGoldenDvcqaMessages(t *testing.T) {
	r := goldenInit()
	r.Sign(goldenSecret)
	b, _ := json.Marshal(r)
	sameJSON(t, "dvcqa INIT", b, golden(t, "dvcqa-init.json"))

	c := &Client{PartnerCode: "PORTAL-01", Secret: goldenSecret}
	cb, ok, err := c.ParseCallback(golden(t, "dvcqa-callback.json"))
	if err != nil || !ok || cb.SoTien != 150000 || cb.TrangThaiGD != StatusSuccess {
		t.Errorf("dvcqa callback = %+v, %v, %v", cb, ok, err)
	}
	cb.Sign(goldenSecret)
	body, _ := c.CallbackBody(cb)
	sameJSON(t, "dvcqa callback body", body, golden(t, "dvcqa-callback.json"))
}

func TestGoldenPublishedMessages(t *testing.T) {
	p := publishedInit(goldenInit(), goldenAt, goldenSecret)
	if want := "f3f0fb87e39e74f2a56d63fc4adf319802cb53fddaeeb80c22ec8cffd805e046"; p.MaXacThuc != want {
		t.Errorf("published INIT MaXacThuc = %s, want %s", p.MaXacThuc, want)
	}
	b, _ := json.Marshal(p)
	sameJSON(t, "published INIT", b, golden(t, "published-init.json"))

	for _, tt := range []struct{ msg, file, want string }{
		{MsgQuery, "published-query.json", "4c507d65913e3d3e4e79696cb4b16a9d360688e93bcc8f174c20fe8568266f91"},
		{MsgGetBill, "published-bill.json", "37b25e8f5cac00f6f41d5b3af092f78b518a84ffb16b1d4a9d5c78e7fcf20a41"},
	} {
		sig := PublishedQuerySignature(tt.msg, "PORTAL-01", "DVCQA-000123", "20260424103500", goldenSecret)
		if sig != tt.want {
			t.Errorf("published %s MaXacThuc = %s, want %s", tt.msg, sig, tt.want)
		}
		q := pubQuery{LoaiBanTin: tt.msg, PhienBan: PublishedVersion, MaDoiTac: "PORTAL-01", MaThamChieu: "DVCQA-000123", ThoiGianGD: "20260424103500", MaXacThuc: sig}
		b, _ := json.Marshal(q)
		sameJSON(t, "published "+tt.msg, b, golden(t, tt.file))
	}

	// The platform's confirmation, with its bank and description.
	c := &Client{PartnerCode: "PORTAL-01", Secret: goldenSecret, Dialect: vocab.DialectPaymentPublished}
	cb, ok, err := c.ParseCallback(golden(t, "published-callback.json"))
	want := Callback{MaDoiTac: "PORTAL-01", MaThamChieu: "DVCQA-000123", MaGiaoDich: "GD20260424000001", SoTien: 150000,
		TrangThaiGD: StatusSuccess, ThoiGianGD: "20260424103000", MaXacThuc: "f54ee381c9d227007cf943e5c2340c40672d1675ddb648b52c9bb7c04efee042"}
	if err != nil || !ok || cb != want {
		t.Errorf("published callback = %+v, %v, %v; want %+v verified", cb, ok, err, want)
	}
	tampered := strings.Replace(string(golden(t, "published-callback.json")), `"SoTien": "150000"`, `"SoTien": "1500000"`, 1)
	if _, ok, _ := c.ParseCallback([]byte(tampered)); ok {
		t.Error("a published callback with a changed amount verifies")
	}

	// A confirmation the harness forges for a portal (no bank, no description).
	for _, tt := range []struct {
		state, code, want string
	}{
		{StatusSuccess, CodeOK, "e6c938405a109204f1dff6f821ab386186827a84b02aaec5d0ed8569ebc067fe"},
		{StatusFailed, CodeUnpaid, "e5599eae717c186fcf1f0006352aa8162c2ca4dbebdd9777de6f8f6e66932627"},
	} {
		cb := Callback{MaDoiTac: "PORTAL-01", MaThamChieu: "DVCQA-000123", MaGiaoDich: "GD20260424000001", SoTien: 150000, TrangThaiGD: tt.state, ThoiGianGD: "20260424103000"}
		cb.Sign(goldenSecret)
		body, err := c.CallbackBody(cb)
		if err != nil {
			t.Fatal(err)
		}
		var sent map[string]string
		if err := json.Unmarshal(body, &sent); err != nil {
			t.Fatalf("callback body %s: %v", body, err)
		}
		if sent["MaXacThuc"] != tt.want || sent["MaLoi"] != tt.code || sent["SoTien"] != "150000" || sent["LoaiBanTin"] != MsgConfirm {
			t.Errorf("published callback body (TrangThaiGD %s) = %s, want MaXacThuc %s", tt.state, body, tt.want)
		}
		if got, ok, err := c.ParseCallback(body); err != nil || !ok || got.TrangThaiGD != tt.state {
			t.Errorf("own published callback does not parse back: %+v %v %v", got, ok, err)
		}
	}
}

// cannedPlatform answers like a published platform from the golden
// replies, checking what the client sends.
func cannedPlatform(t *testing.T) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case TokenPath:
			if u, p, _ := r.BasicAuth(); u != "PORTAL-01" || p != goldenSecret || r.FormValue("grant_type") != "client_credentials" {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error":"invalid_client"}`)
				return
			}
			w.Write(golden(t, "published-token-reply.json"))
		case "/api/v1/thanhtoan":
			if r.Header.Get("Authorization") != "Bearer tok-PORTAL-01" {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error_code":"401","message":"Access token không hợp lệ"}`)
				return
			}
			body, _ := io.ReadAll(r.Body)
			var m map[string]any
			_ = json.Unmarshal(body, &m)
			switch m["LoaiBanTin"] {
			case MsgInit:
				sameJSON(t, "INIT sent", body, golden(t, "published-init.json"))
				w.Write(golden(t, "published-init-reply.json"))
			case MsgQuery:
				sameJSON(t, "QUERY sent", body, golden(t, "published-query.json"))
				w.Write(golden(t, "published-query-reply.json"))
			case MsgGetBill:
				sameJSON(t, "GET_BILL sent", body, golden(t, "published-bill.json"))
				w.Write(golden(t, "published-bill-reply.json"))
			default:
				w.WriteHeader(http.StatusBadRequest)
				w.Write(golden(t, "published-error-reply.json"))
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestPublishedClientSpeaksTheGoldenMessages(t *testing.T) {
	ts := cannedPlatform(t)
	at := goldenAt
	c := &Client{BaseURL: ts.URL, PartnerCode: "PORTAL-01", Secret: goldenSecret, Dialect: vocab.DialectPaymentPublished,
		Now: func() time.Time { return at }}
	ctx := context.Background()
	req := goldenInit()
	req.LoaiBanTin, req.MaDoiTac, req.MaTienTe = "", "", "" // filled by Init
	opened, err := c.Init(ctx, req)
	if err != nil || *opened != (InitResponse{MaLoi: "00", MoTaLoi: "Thành công", MaGiaoDich: "GD20260424000001", UrlThanhToan: "http://payment.test/pay/GD20260424000001"}) {
		t.Fatalf("Init = %+v, %v", opened, err)
	}
	at = goldenAt.Add(5 * time.Minute)
	q, err := c.Query(ctx, "DVCQA-000123")
	wantQ := QueryResponse{MaLoi: "00", MoTaLoi: "Thành công", MaGiaoDich: "GD20260424000001", MaThamChieu: "DVCQA-000123", SoTien: 150000, TrangThaiGD: StatusSuccess}
	if err != nil || *q != wantQ {
		t.Fatalf("Query = %+v, %v", q, err)
	}
	bill, err := c.Bill(ctx, "DVCQA-000123")
	if err != nil {
		t.Fatal(err)
	}
	wantBill := BillResponse{QueryResponse: wantQ, ThoiGianGD: "20260424103000", ThongTinBienLai: goldenInit().ThongTinBienLai}
	if !reflect.DeepEqual(*bill, wantBill) {
		t.Errorf("Bill = %+v\nwant %+v", *bill, wantBill)
	}

	wrong := *c
	wrong.TokenSecret = "sai-khoa"
	if _, err := wrong.Query(ctx, "DVCQA-000123"); err == nil || !strings.Contains(err.Error(), "payment token: HTTP 401") {
		t.Errorf("Query with a wrong token secret: %v", err)
	}
}

func TestPublishedErrorsAreProtocolErrors(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == TokenPath {
			w.Write(golden(t, "published-token-reply.json"))
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		w.Write(golden(t, "published-error-reply.json"))
	}))
	defer ts.Close()
	c := &Client{BaseURL: ts.URL, PartnerCode: "PORTAL-01", Secret: goldenSecret, Dialect: vocab.DialectPaymentPublished}
	_, err := c.Init(context.Background(), goldenInit())
	var e *Error
	if !errors.As(err, &e) || e.Status != 400 || e.MaLoi != CodeBadSignature || e.MoTaLoi != "Sai mã xác thực" {
		t.Errorf("Init against a refusing platform: %v, want *Error 400/07", err)
	}
}

// TestDialectMismatch: a platform speaking the other dialect is one
// *DialectError naming payment and both dialects.
func TestDialectMismatch(t *testing.T) {
	dvcqaPlatform := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/thanhtoan" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(golden(t, "dvcqa-init-reply.json"))
	}))
	defer dvcqaPlatform.Close()
	// A dvcqa platform that also happens to serve a token endpoint.
	dvcqaWithToken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == TokenPath {
			w.Write(golden(t, "published-token-reply.json"))
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		w.Write(golden(t, "dvcqa-error-reply.json"))
	}))
	defer dvcqaWithToken.Close()
	publishedPlatform := cannedPlatform(t)
	silent := httptest.NewServer(http.NotFoundHandler()) // neither dialect
	defer silent.Close()

	for _, tt := range []struct {
		name, url, dialect, mention string
	}{
		{"published profile, dvcqa platform", dvcqaPlatform.URL, vocab.DialectPaymentPublished, `dialect "dvcqa" (no token endpoint`},
		{"published profile, unknown platform", silent.URL, vocab.DialectPaymentPublished, "another dialect (no token endpoint"},
		{"published profile, dvcqa answers", dvcqaWithToken.URL, vocab.DialectPaymentPublished, `dialect "dvcqa"`},
		{"dvcqa profile, published platform", publishedPlatform.URL, vocab.DialectPaymentDvcqa, `dialect "published"`},
		{"default profile, published platform", publishedPlatform.URL, "", `dialect "published"`},
	} {
		c := &Client{BaseURL: tt.url, PartnerCode: "PORTAL-01", Secret: goldenSecret, Dialect: tt.dialect}
		_, err := c.Init(context.Background(), goldenInit())
		var de *DialectError
		if !errors.As(err, &de) {
			t.Errorf("%s: %v (%T), want a *DialectError", tt.name, err, err)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "payment: dialect mismatch") || !strings.Contains(msg, `payment.dialect "`+vocab.DialectOr(vocab.SystemPayment, tt.dialect)+`"`) || !strings.Contains(msg, tt.mention) {
			t.Errorf("%s: %q, want it to name payment, the profile's dialect and %q", tt.name, msg, tt.mention)
		}
	}

	// A confirmation in the other dialect, too.
	pub := &Client{PartnerCode: "PORTAL-01", Secret: goldenSecret, Dialect: vocab.DialectPaymentPublished}
	if _, _, err := pub.ParseCallback(golden(t, "dvcqa-callback.json")); !errors.As(err, new(*DialectError)) {
		t.Errorf("published client, dvcqa callback: %v", err)
	}
	dv := &Client{PartnerCode: "PORTAL-01", Secret: goldenSecret}
	if _, _, err := dv.ParseCallback(golden(t, "published-callback.json")); !errors.As(err, new(*DialectError)) {
		t.Errorf("dvcqa client, published callback: %v", err)
	}
}
