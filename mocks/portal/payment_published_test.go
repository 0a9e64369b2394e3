package portal

import (
	"context"
	"encoding/json"
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

// The golden published messages in testdata/payment-published-*.json are
// written from the public field lists (protocols-public.md); their
// MaXacThuc were computed by coreutils, not Go:
//
//	printf '%s' 'INIT|1.0.6|PORTAL-01|DVCQA-000123|150000|PAY|WEB|PC|vi-VN|VND||Nộp phí, lệ phí hồ sơ 000.00.01.H22-260424-0001|20260424103000|127.0.0.1|khoa-bi-mat' | sha256sum
//	  = f3f0fb87e39e74f2a56d63fc4adf319802cb53fddaeeb80c22ec8cffd805e046
//	printf '%s' 'CONFIRM|00|PORTAL-01|DVCQA-000123|150000|VND|GD20260424000001|NHMOCK|20260424103000|Nộp phí, lệ phí hồ sơ 000.00.01.H22-260424-0001|khoa-bi-mat' | sha256sum
//	  = f54ee381c9d227007cf943e5c2340c40672d1675ddb648b52c9bb7c04efee042
//	printf '%s' 'CONFIRM|99|PORTAL-01|DVCQA-000123|150000|VND|GD20260424000001|NHMOCK|20260424103000|Nộp phí, lệ phí hồ sơ 000.00.01.H22-260424-0001|khoa-bi-mat' | sha256sum
//	  = 2ef928ec2e353280b949724eac5ed32d4384aa393041afd6ccc87e2f28258c50

func readGolden(t *testing.T, name string) []byte { return testenv.Golden(t, name) }

func goldenPaymentPlatform(url string) PaymentPlatform {
	return PaymentPlatform{BaseURL: url, PartnerCode: "PORTAL-01", Secret: "khoa-bi-mat", Dialect: vocab.DialectPaymentPublished}
}

func TestPublishedPaymentInitIsTheGoldenOne(t *testing.T) {
	paymentNow = func() time.Time { return time.Date(2026, 4, 24, 3, 30, 0, 0, time.UTC) }
	t.Cleanup(func() { paymentNow = time.Now })
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/payment/oauth/token":
			if u, p, _ := r.BasicAuth(); u != "PORTAL-01" || p != "khoa-bi-mat" || r.FormValue("grant_type") != "client_credentials" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Write(readGolden(t, "payment-published-token-reply.json"))
		case "/payment/api/v1/thanhtoan":
			if r.Header.Get("Authorization") != "Bearer tok-PORTAL-01" {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error_code":"401","message":"no token"}`)
				return
			}
			body, _ := io.ReadAll(r.Body)
			var got, want any
			_ = json.Unmarshal(body, &got)
			_ = json.Unmarshal(readGolden(t, "payment-published-init.json"), &want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("INIT sent:\n%s\nwant the golden one", body)
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"error_code":"07","message":"Sai mã xác thực"}`)
				return
			}
			w.Write(readGolden(t, "payment-published-init-reply.json"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer ts.Close()
	p := goldenPaymentPlatform(ts.URL + "/payment")
	payURL, txn, err := p.Init(context.Background(), PaymentRequest{Reference: "DVCQA-000123", Amount: 150000,
		DossierCode: "000.00.01.H22-260424-0001", ProcedureCode: "1.001193", AgencyID: "000.00.01.H22", PayerName: "Nguyễn Văn An",
		Lines:       []PaymentLine{{Description: "Lệ phí đăng ký", Amount: 150000}},
		CallbackURL: "http://ignored/cb", ReturnURL: "http://ignored/ret"})
	if err != nil || payURL != "http://payment.test/pay/GD20260424000001" || txn != "GD20260424000001" {
		t.Fatalf("Init = %q, %q, %v", payURL, txn, err)
	}
	wrong := p
	wrong.Secret = "sai"
	if _, _, err := wrong.Init(context.Background(), PaymentRequest{Reference: "X", Amount: 1}); err == nil || !strings.Contains(err.Error(), "payment") {
		t.Errorf("Init with a refused token: %v", err)
	}
}

func TestPublishedPaymentCallbackVerification(t *testing.T) {
	p := goldenPaymentPlatform("http://unused")
	body := readGolden(t, "payment-published-callback.json")
	cb, ok, err := p.VerifyCallback(body)
	if err != nil || !ok || cb != (PaymentCallback{Reference: "DVCQA-000123", TransactionID: "GD20260424000001", Amount: 150000, Status: PaymentSucceeded}) {
		t.Fatalf("golden confirmation: %+v %v %v", cb, ok, err)
	}
	for name, edit := range map[string][2]string{
		"amount":  {`"SoTien": "150000"`, `"SoTien": "15000"`},
		"partner": {`"MaDoiTac": "PORTAL-01"`, `"MaDoiTac": "PORTAL-02"`},
		"bank":    {`"MaNganHang": "NHMOCK"`, `"MaNganHang": "NHKHAC"`},
	} {
		if _, ok, _ := p.VerifyCallback([]byte(strings.Replace(string(body), edit[0], edit[1], 1))); ok {
			t.Errorf("confirmation with another %s verifies", name)
		}
	}
	// Signed MaLoi 99 (unpaid) wins over an unsigned TrangThaiGD of 1.
	unpaid := strings.Replace(string(body), `"MaLoi": "00"`, `"MaLoi": "99"`, 1)
	unpaid = strings.Replace(unpaid, "f54ee381c9d227007cf943e5c2340c40672d1675ddb648b52c9bb7c04efee042", "2ef928ec2e353280b949724eac5ed32d4384aa393041afd6ccc87e2f28258c50", 1)
	if cb, ok, err := p.VerifyCallback([]byte(unpaid)); err != nil || !ok || cb.Status != "4" {
		t.Errorf("unpaid confirmation: %+v %v %v, want a verified failure", cb, ok, err)
	}
	// A dvcqa confirmation (numeric SoTien) is malformed here.
	if _, _, err := p.VerifyCallback([]byte(`{"MaDoiTac":"PORTAL-01","SoTien":150000}`)); err == nil {
		t.Error("a dvcqa confirmation was read as published")
	}
}
