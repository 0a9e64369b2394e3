package dvcqg

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
)

const base = "http://dvcqg.test"

// newMocked returns a client whose transport answers from canned replies;
// the login always succeeds with session "s1".
func newMocked(t *testing.T) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, base+"/api/session", func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("dstcode") != "DST01" {
			t.Errorf("login without dstcode header: %v", r.Header)
		}
		return httpmock.NewStringResponse(200, `{"error_code":0,"session":"s1","message":"Thành công"}`), nil
	})
	c := &Client{BaseURL: base, Username: "portal-01", Password: "pw", DstCode: "DST01", AgencyID: "000.00.00.H01",
		HTTP: &http.Client{Transport: mt}}
	return c, mt
}

func TestClientAcceptsStringErrorCode(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodPost, base+"/api/service", func(r *http.Request) (*http.Response, error) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Fatalf("request body: %v", err)
		}
		if body["session"] != "s1" || body["madonvi"] != "000.00.00.H01" || body["service"] != ServiceLookup || body["MaHoSo"] != "000.00.00.H01-260301-0001" {
			t.Errorf("request body = %v", body)
		}
		return httpmock.NewStringResponse(200, `{"error_code":"0","message":"Thành công","result":{"MaHoSo":"000.00.00.H01-260301-0001","TrangThaiHoSo":"2"}}`), nil
	})
	h, err := c.Lookup(context.Background(), "000.00.00.H01-260301-0001")
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if h.TrangThaiHoSo != "2" {
		t.Errorf("TrangThaiHoSo = %q, want 2", h.TrangThaiHoSo)
	}
}

func TestClientNotFound(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodPost, base+"/api/service",
		httpmock.NewStringResponder(200, `{"error_code":-1,"message":"Không tìm thấy hồ sơ"}`))
	_, err := c.Lookup(context.Background(), "000.00.00.H01-260301-0009")
	if !IsNotFound(err) {
		t.Fatalf("Lookup error = %v, want not found", err)
	}
}

func TestClientLogsInAgainOnlyOnce(t *testing.T) {
	c, mt := newMocked(t)
	mt.RegisterResponder(http.MethodPost, base+"/api/service",
		httpmock.NewStringResponder(200, `{"error_code":-1,"message":"Phiên làm việc không hợp lệ"}`))
	_, err := c.Procedures(context.Background())
	if err == nil || !strings.Contains(err.Error(), MessageInvalidSession) {
		t.Fatalf("Procedures error = %v, want the invalid-session answer", err)
	}
	calls := mt.GetCallCountInfo()
	if calls["POST "+base+"/api/session"] != 2 || calls["POST "+base+"/api/service"] != 2 {
		t.Errorf("calls = %v, want 2 logins and 2 service calls", calls)
	}
}

func TestClientOddAnswers(t *testing.T) {
	cases := map[string]httpmock.Responder{
		"decode reply":             httpmock.NewStringResponder(200, `<html>Bảo trì hệ thống</html>`),
		"HTTP 502":                 httpmock.NewStringResponder(502, `Bad Gateway`),
		"reply without error_code": httpmock.NewStringResponder(200, `{"message":"ok"}`),
		"error_code":               httpmock.NewStringResponder(200, `{"error_code":"abc"}`),
	}
	for want, responder := range cases {
		c, mt := newMocked(t)
		mt.RegisterResponder(http.MethodPost, base+"/api/service", responder)
		err := c.SyncDossier(context.Background(), false, HoSo{MaHoSo: "000.00.00.H01-260301-0001"})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("odd answer: error = %v, want it to mention %q", err, want)
		}
		var e *Error
		if errors.As(err, &e) {
			t.Errorf("odd answer %q reported as a portal error_code", want)
		}
	}
}

func TestLoginRefused(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, base+"/api/session",
		httpmock.NewStringResponder(200, `{"error_code":-1,"message":"Sai tên đăng nhập hoặc mật khẩu"}`))
	c := &Client{BaseURL: base, HTTP: &http.Client{Transport: mt}}
	err := c.Login(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Service != "session" || e.Code != -1 {
		t.Fatalf("Login error = %v, want a session *Error", err)
	}
}
