package payment

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
)

const base = "http://payment.test"

func mocked() (*Client, *httpmock.MockTransport) {
	mt := httpmock.NewMockTransport()
	return &Client{BaseURL: base, PartnerCode: "PORTAL-01", Secret: secret, HTTP: &http.Client{Transport: mt}}, mt
}

func TestInitFillsDefaultsAndSigns(t *testing.T) {
	c, mt := mocked()
	mt.RegisterResponder(http.MethodPost, base+"/api/v1/thanhtoan", func(r *http.Request) (*http.Response, error) {
		var got InitRequest
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			t.Fatalf("request: %v", err)
		}
		if got.LoaiBanTin != MsgInit || got.MaDoiTac != "PORTAL-01" || got.MaTienTe != "VND" || !got.Verify(secret) {
			t.Errorf("INIT sent = %+v", got)
		}
		return httpmock.NewStringResponse(200, `{"MaLoi":"00","MoTaLoi":"Thành công","MaGiaoDich":"GD1","UrlThanhToan":"http://payment.test/pay/GD1"}`), nil
	})
	req := sampleInit()
	req.LoaiBanTin, req.MaDoiTac, req.MaTienTe = "", "", ""
	resp, err := c.Init(context.Background(), req)
	if err != nil || resp.MaGiaoDich != "GD1" || resp.UrlThanhToan == "" {
		t.Fatalf("Init = %+v, %v", resp, err)
	}
}

func TestQueryAndErrors(t *testing.T) {
	c, mt := mocked()
	mt.RegisterResponder(http.MethodPost, base+"/api/v1/thanhtoan", func(r *http.Request) (*http.Response, error) {
		var q QueryRequest
		_ = json.NewDecoder(r.Body).Decode(&q)
		if q.LoaiBanTin != MsgQuery || q.MaXacThuc != QuerySignature("PORTAL-01", q.MaThamChieu, secret) {
			t.Errorf("QUERY sent = %+v", q)
		}
		if q.MaThamChieu == "missing" {
			return httpmock.NewStringResponse(404, `{"MaLoi":"04","MoTaLoi":"Không tìm thấy giao dịch"}`), nil
		}
		return httpmock.NewStringResponse(200, `{"MaLoi":"00","MaGiaoDich":"GD1","MaThamChieu":"HS-0001","SoTien":150000,"TrangThaiGD":"3"}`), nil
	})
	q, err := c.Query(context.Background(), "HS-0001")
	if err != nil || q.TrangThaiGD != StatusPending || q.SoTien != 150000 {
		t.Fatalf("Query = %+v, %v", q, err)
	}
	_, err = c.Query(context.Background(), "missing")
	var e *Error
	if !errors.As(err, &e) || e.Status != 404 || e.MaLoi != CodeNotFound {
		t.Fatalf("Query missing: %v, want *Error 404/04", err)
	}
	if !strings.Contains(err.Error(), "Không tìm thấy") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestOddAnswers(t *testing.T) {
	cases := []struct {
		name      string
		responder httpmock.Responder
		wantError bool // a protocol *Error rather than a transport/format error
	}{
		{"HTML gateway page", httpmock.NewStringResponder(502, "<html><body>Bad Gateway</body></html>"), false},
		{"empty body", httpmock.NewStringResponder(200, ""), false},
		{"success without MaLoi", httpmock.NewStringResponder(200, `{"MaGiaoDich":"GD1"}`), true},
		{"5xx claiming success", httpmock.NewStringResponder(500, `{"MaLoi":"00"}`), true},
		{"connection refused", httpmock.ConnectionFailure, false},
	}
	for _, tc := range cases {
		c, mt := mocked()
		mt.RegisterResponder(http.MethodPost, base+"/api/v1/thanhtoan", tc.responder)
		_, err := c.Init(context.Background(), sampleInit())
		var e *Error
		if err == nil || errors.As(err, &e) != tc.wantError {
			t.Errorf("%s: error = %v (%T)", tc.name, err, err)
		}
	}
}
