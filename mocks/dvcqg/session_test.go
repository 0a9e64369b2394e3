package dvcqg

import (
	"context"
	"net/http"
	"testing"

	"github.com/dvcqa/dvcqa/api/dvcqg"
)

func TestSession(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if err := w.client("portal-01").Login(ctx); err != nil {
		t.Fatalf("good login: %v", err)
	}

	bad := w.client("portal-01")
	bad.Password = "wrong"
	portalError(t, bad.Login(ctx), dvcqg.CodeFailed, "mật khẩu")

	wrongDst := w.client("portal-01")
	wrongDst.DstCode = "DST79"
	portalError(t, wrongDst.Login(ctx), dvcqg.CodeFailed, "dstcode")

	unknown := w.client("portal-01")
	unknown.Username = "portal-99"
	portalError(t, unknown.Login(ctx), dvcqg.CodeFailed, "mật khẩu")
}

func TestProtocolStatusCodes(t *testing.T) {
	w := newWorld(t)
	if status, body := w.post(t, "/api/session", nil, "username=x"); status != http.StatusBadRequest || body["error_code"] != float64(-1) {
		t.Errorf("non-JSON login: HTTP %d %v, want 400 with error_code -1", status, body)
	}
	for _, body := range []string{"{", `{"session":"x"} trailing`} {
		if status, reply := w.post(t, "/api/service", nil, body); status != http.StatusBadRequest {
			t.Errorf("%q: HTTP %d %v, want 400", body, status, reply)
		}
	}
	status, body := w.post(t, "/api/service", nil, `{"session":"forged","madonvi":"`+agency01+`","service":"TraCuuHoSo"}`)
	if status != http.StatusOK || body["error_code"] != float64(-1) || body["message"] != dvcqg.MessageInvalidSession {
		t.Errorf("forged session: HTTP %d %v", status, body)
	}

	_, login := w.post(t, "/api/session", map[string]string{"dstcode": "DST01"},
		`{"username":"portal-01","password":"`+password("portal-01")+`"}`)
	session, _ := login["session"].(string)
	if login["error_code"] != float64(0) || session == "" || login["message"] != dvcqg.MessageOK {
		t.Fatalf("login reply = %v", login)
	}
	status, body = w.post(t, "/api/service", nil, `{"session":"`+session+`","madonvi":"`+agency01+`","service":"LayThuTuc"}`)
	if status != http.StatusOK || body["error_code"] != float64(-1) {
		t.Errorf("unknown service: HTTP %d %v, want 200 with error_code -1", status, body)
	}
	_, body = w.post(t, "/api/service", nil, `{"session":"`+session+`","madonvi":"`+agency79+`","service":"LayDanhSachTTHC"}`)
	if body["error_code"] != float64(-1) {
		t.Errorf("madonvi of another agency: %v, want error_code -1", body)
	}
}

func TestHealthAndProcedures(t *testing.T) {
	w := newWorld(t)
	c := w.client("portal-01")
	if err := c.Health(context.Background()); err != nil {
		t.Fatalf("Health: %v", err)
	}
	list, err := c.Procedures(context.Background())
	if err != nil || len(list) != 1 || list[0].TenTTHC != "Đăng ký khai sinh" {
		t.Fatalf("Procedures = %v, %v", list, err)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for name, opts := range map[string]Options{
		"no password":  {Accounts: []Account{{Username: "a", DstCode: "D", AgencyID: "X"}}},
		"no agency":    {Accounts: []Account{{Username: "a", Password: "p", DstCode: "D"}}},
		"duplicate":    {Accounts: []Account{{Username: "a", Password: "p", DstCode: "D", Auditor: true}, {Username: "a", Password: "q", DstCode: "D", Auditor: true}}},
		"negative ttl": {SessionTTL: -1},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("%s: New accepted bad options", name)
		}
	}
}
