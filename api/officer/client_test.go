package officer

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

const base = "http://portal.test/portal/01/backoffice"

// newClient returns a client on a fresh mock transport (never the global
// one: that would break real local servers in the same process).
func newClient() (*Client, *httpmock.MockTransport) {
	mt := httpmock.NewMockTransport()
	return New(base+"/", &http.Client{Transport: mt}), mt
}

// The item of GET /dossiers as docs/officers.md shows it, its "…" filled in.
const docItem = `{"id":"hs-1","code":"H01.22-251201-0001","service_id":"DV07","procedure_code":"1.001612",
 "status":"submitted","applicant":{"so_dinh_danh":"001090000001","ho_va_ten":"Nguyễn Văn Mẫu"},
 "submitted_at":"2025-12-01T09:00:00+07:00","approved":false,
 "actions":["receive","refuse"]}`

func docDossier() Dossier {
	return Dossier{ID: "hs-1", Code: "H01.22-251201-0001", ServiceID: "DV07", ProcedureCode: "1.001612", Status: "submitted",
		Applicant:   Applicant{SoDinhDanh: "001090000001", HoVaTen: "Nguyễn Văn Mẫu"},
		SubmittedAt: time.Date(2025, 12, 1, 9, 0, 0, 0, time.FixedZone("", 7*3600)), Actions: []string{"receive", "refuse"}}
}

// jsonResponder answers status with body as JSON, after checking the
// request with check.
func jsonResponder(t *testing.T, status int, body string, check func(*http.Request, []byte)) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		var b []byte
		if r.Body != nil {
			b, _ = io.ReadAll(r.Body)
		}
		if check != nil {
			check(r, b)
		}
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json; charset=utf-8")
		return resp, nil
	}
}

func sameJSON(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: not JSON: %v: %s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

func TestLoginGolden(t *testing.T) {
	c, mt := newClient()
	mt.RegisterResponder(http.MethodPost, base+"/api/v1/session", jsonResponder(t, 200,
		`{"token":"tok-1","expires_at":"2025-12-01T10:00:00Z","officer":{"username":"canbo.01","full_name":"Trần Thị Bình","title":"Công chức một cửa","unit":"Bộ phận một cửa UBND Hà Nội"}}`,
		func(r *http.Request, b []byte) {
			sameJSON(t, "session request", b, `{"username":"canbo.01","password":"pw"}`)
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			if r.Header.Get("Authorization") != "" {
				t.Errorf("login sent a token before it had one")
			}
		}))
	s, err := c.Login(context.Background(), "canbo.01", "pw")
	if err != nil {
		t.Fatal(err)
	}
	want := Session{Token: "tok-1", ExpiresAt: time.Date(2025, 12, 1, 10, 0, 0, 0, time.UTC),
		Officer: Officer{Username: "canbo.01", FullName: "Trần Thị Bình", Title: "Công chức một cửa", Unit: "Bộ phận một cửa UBND Hà Nội"}}
	if !reflect.DeepEqual(*s, want) {
		t.Errorf("session %+v, want %+v", *s, want)
	}
	if c.Token() != "tok-1" {
		t.Errorf("token kept %q", c.Token())
	}
}

func TestLoginRefused(t *testing.T) {
	c, mt := newClient()
	mt.RegisterResponder(http.MethodPost, base+"/api/v1/session", jsonResponder(t, 401,
		`{"error":{"code":"unauthorized","message":"wrong username or password","message_vi":"Sai tên đăng nhập hoặc mật khẩu"}}`, nil))
	_, err := c.Login(context.Background(), "canbo.01", "bad")
	if StatusOf(err) != 401 || CodeOf(err) != CodeUnauthorized || c.Token() != "" {
		t.Fatalf("got %v, token %q", err, c.Token())
	}
	if got := err.Error(); got != "back office login canbo.01: 401 unauthorized: wrong username or password" {
		t.Errorf("Error() = %q", got)
	}
}

func TestDossiersGolden(t *testing.T) {
	for _, shape := range []struct{ name, body string }{
		{"bare array", `[` + docItem + `]`},
		{"wrapped", `{"dossiers":[` + docItem + `]}`},
	} {
		t.Run(shape.name, func(t *testing.T) {
			c, mt := newClient()
			c.SetToken("tok-1")
			mt.RegisterResponderWithQuery(http.MethodGet, base+"/api/v1/dossiers", "status=submitted", jsonResponder(t, 200, shape.body,
				func(r *http.Request, _ []byte) {
					if r.Header.Get("Authorization") != "Bearer tok-1" {
						t.Errorf("Authorization %q", r.Header.Get("Authorization"))
					}
				}))
			ds, err := c.Dossiers(context.Background(), "submitted")
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != 1 || !reflect.DeepEqual(ds[0], docDossier()) {
				t.Errorf("dossiers %+v, want [%+v]", ds, docDossier())
			}
		})
	}
}

func TestDossierWithHistory(t *testing.T) {
	c, mt := newClient()
	body := strings.TrimSuffix(docItem, "}") + `,"appointment_at":"2025-12-08T17:00:00+07:00","history":[{"status":"submitted","status_code":1,
	  "at":"2025-12-01T09:00:00+07:00","officer":"Hệ Thống","title":"Cổng DVC","unit":"UBND","note":"Nộp trực tuyến"}]}`
	mt.RegisterResponder(http.MethodGet, base+"/api/v1/dossiers/H01.22-251201-0001", jsonResponder(t, 200, body, nil))
	d, err := c.Dossier(context.Background(), "H01.22-251201-0001")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.History) != 1 || d.History[0].Status != "submitted" || d.History[0].StatusCode != 1 || d.AppointmentAt.IsZero() {
		t.Errorf("dossier %+v", d)
	}

	mt.RegisterResponder(http.MethodGet, base+"/api/v1/dossiers/nope", jsonResponder(t, 404, `{"code":"not_found","message":"no such dossier"}`, nil))
	if _, err := c.Dossier(context.Background(), "nope"); StatusOf(err) != 404 || CodeOf(err) != CodeNotFound {
		t.Errorf("unknown code: %v", err)
	}
}

func TestActGolden(t *testing.T) {
	c, mt := newClient()
	c.SetToken("tok-1")
	after := strings.Replace(strings.Replace(docItem, `"submitted",`, `"accepted",`, 1), `["receive","refuse"]`, `["assign","request_documents","refuse"]`, 1)
	mt.RegisterResponder(http.MethodPost, base+"/api/v1/dossiers/H01.22-251201-0001/actions", jsonResponder(t, 200, after,
		func(r *http.Request, b []byte) {
			sameJSON(t, "action request", b, `{"action":"receive","note":"optional free text"}`)
			if r.Header.Get(HeaderIdempotencyKey) != "k-1" || r.Header.Get("Authorization") != "Bearer tok-1" {
				t.Errorf("headers %v", r.Header)
			}
		}))
	d, err := c.Act(context.Background(), "H01.22-251201-0001", Receive, "optional free text", "k-1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != "accepted" || !reflect.DeepEqual(d.Actions, []string{"assign", "request_documents", "refuse"}) {
		t.Errorf("after receive: %+v", d)
	}
}

func TestActNotAllowed(t *testing.T) {
	c, mt := newClient()
	mt.RegisterResponder(http.MethodPost, base+"/api/v1/dossiers/X/actions", jsonResponder(t, 409,
		`{"error":{"code":"action_not_allowed","message":"sign is not allowed in state submitted; allowed: receive, refuse","message_vi":"Không được ký số"}}`,
		func(_ *http.Request, b []byte) { sameJSON(t, "action request without a note", b, `{"action":"sign"}`) }))
	_, err := c.Act(context.Background(), "X", Sign, "", "")
	if !IsActionNotAllowed(err) {
		t.Fatalf("got %v", err)
	}
	ae, _ := err.(*APIError)
	if ae.MessageVI != "Không được ký số" || !strings.Contains(ae.Message, "allowed: receive, refuse") {
		t.Errorf("decoded %+v", ae)
	}
}

func TestNonJSONAnswers(t *testing.T) {
	c, mt := newClient()
	mt.RegisterResponder(http.MethodGet, base+"/api/v1/dossiers", httpmock.NewStringResponder(502, "Bad Gateway from the proxy"))
	_, err := c.Dossiers(context.Background(), "")
	if StatusOf(err) != 502 || CodeOf(err) != "http_502" || !strings.Contains(err.Error(), "Bad Gateway") {
		t.Errorf("502: %v", err)
	}
	mt.RegisterResponder(http.MethodGet, base+"/api/v1/dossiers/Y", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(200, "<html>login</html>")
		r.Header.Set("Content-Type", "text/html")
		return r, nil
	})
	if _, err := c.Dossier(context.Background(), "Y"); err == nil || !strings.Contains(err.Error(), "back office dossier Y: decode answer") {
		t.Errorf("HTML behind a 200: %v", err)
	}
}

func TestDefaultTimeout(t *testing.T) {
	if c := New(base, nil); c.http.Timeout != DefaultTimeout || c.BaseURL() != base {
		t.Errorf("New(nil) timeout %s base %q", c.http.Timeout, c.BaseURL())
	}
}
