package portal

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

const base = "http://portal.test/portal/01"

// newClient returns a client whose transport is a fresh mock (never the
// global one: that would break real local servers in the same process).
func newClient() (*Client, *httpmock.MockTransport) {
	mt := httpmock.NewMockTransport()
	return &Client{BaseURL: base, Token: "tok", HTTP: &http.Client{Transport: mt}}, mt
}

func TestAPIErrorDecoding(t *testing.T) {
	c, mt := newClient()
	mt.RegisterResponder(http.MethodPost, base+"/api/v1/dossiers", httpmock.NewStringResponder(422, `{"error":{
		"code":"validation_failed","message":"2 field(s) are not valid","message_vi":"Hồ sơ có 2 thông tin không hợp lệ",
		"fields":[{"field":"HoTenTre","message":"is required","message_vi":"là trường bắt buộc"},
		          {"field":"giay_chung_sinh","message":"is required","message_vi":"bắt buộc phải nộp"}]}}`))
	_, _, err := c.Submit(context.Background(), "k", SubmitRequest{ServiceID: "DV09"})
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %T %v, want *APIError", err, err)
	}
	if ae.Status != 422 || ae.Code != CodeValidationFailed || ae.MessageVI != "Hồ sơ có 2 thông tin không hợp lệ" || len(ae.Fields) != 2 {
		t.Fatalf("decoded %+v", ae)
	}
	if f := ae.Field("giay_chung_sinh"); f == nil || f.MessageVI != "bắt buộc phải nộp" {
		t.Fatalf("Field(giay_chung_sinh) = %+v", f)
	}
	if ae.Field("nope") != nil {
		t.Fatal("Field of an unreported name is not nil")
	}
	if StatusOf(err) != 422 || IsNotFound(err) {
		t.Fatal("StatusOf / IsNotFound disagree with the status")
	}
	if got := ae.Error(); got != "portal: 422 validation_failed: 2 field(s) are not valid; HoTenTre: is required; giay_chung_sinh: is required" {
		t.Fatalf("Error() = %q", got)
	}
}

func TestUnauthenticatedReason(t *testing.T) {
	c, mt := newClient()
	mt.RegisterResponder(http.MethodGet, base+"/api/v1/dossiers", httpmock.NewStringResponder(401,
		`{"error":{"code":"unauthenticated","reason":"token_expired","message":"the token has expired","message_vi":"Phiên đăng nhập đã hết hạn"}}`))
	_, err := c.Dossiers(context.Background())
	ae, ok := errors.AsType[*APIError](err)
	if !ok || ae.Status != 401 || ae.Reason != ReasonTokenExpired {
		t.Fatalf("got %v", err)
	}
}

func TestNonJSONErrorKeepsBody(t *testing.T) {
	c, mt := newClient()
	mt.RegisterResponder(http.MethodGet, base+"/api/v1/services", httpmock.NewStringResponder(502, "Bad Gateway from the proxy"))
	_, err := c.Services(context.Background())
	ae, ok := errors.AsType[*APIError](err)
	if !ok || ae.Status != 502 || ae.Code != "http_502" || ae.Message != "Bad Gateway from the proxy" {
		t.Fatalf("got %#v", err)
	}
}

func TestNotFoundHelper(t *testing.T) {
	c, mt := newClient()
	mt.RegisterResponder(http.MethodGet, base+"/api/v1/dossiers/hs-1/result", httpmock.NewStringResponder(404,
		`{"error":{"code":"not_found","message":"the result is not available yet","message_vi":"Hồ sơ chưa có kết quả"}}`))
	_, err := c.Result(context.Background(), "hs-1")
	if !IsNotFound(err) {
		t.Fatalf("IsNotFound(%v) = false", err)
	}
	if IsNotFound(errors.New("other")) || StatusOf(nil) != 0 {
		t.Fatal("helpers misreport non-API errors")
	}
}

func TestSubmitSendsKeyTokenAndReadsReplay(t *testing.T) {
	c, mt := newClient()
	mt.RegisterResponder(http.MethodPost, base+"/api/v1/dossiers", func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("Authorization") != "Bearer tok" || r.Header.Get(HeaderIdempotencyKey) != "key-1" {
			return httpmock.NewStringResponse(400, `{"error":{"code":"bad_request","message":"headers","message_vi":"x"}}`), nil
		}
		var req SubmitRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Fields["HoTenTre"] != "Khôi" {
			return httpmock.NewStringResponse(400, `{"error":{"code":"bad_request","message":"body","message_vi":"x"}}`), nil
		}
		resp := httpmock.NewStringResponse(200, `{"id":"hs-1","code":"000.00.00.H01-260302-0001","status":"submitted","status_code":1,
			"submitted_at":"2026-03-02T08:00:00+07:00","history":[],"chain":[]}`)
		resp.Header.Set(HeaderReplayed, "true")
		return resp, nil
	})
	d, replayed, err := c.Submit(context.Background(), "key-1", SubmitRequest{ServiceID: "DV09", Fields: map[string]string{"HoTenTre": "Khôi"}})
	if err != nil {
		t.Fatal(err)
	}
	if !replayed || d.ID != "hs-1" || d.StatusCode != 1 || !d.AcceptedAt.IsZero() {
		t.Fatalf("dossier %+v replayed %v", d, replayed)
	}
	if want := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC); !d.SubmittedAt.Equal(want) {
		t.Fatalf("submitted_at %v", d.SubmittedAt)
	}
}

func TestUploadIsMultipart(t *testing.T) {
	c, mt := newClient()
	mt.RegisterResponder(http.MethodPost, base+"/api/v1/attachments", func(r *http.Request) (*http.Response, error) {
		_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil {
			return nil, err
		}
		mr := multipart.NewReader(r.Body, params["boundary"])
		got := map[string]string{}
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			b, _ := io.ReadAll(p)
			got[p.FormName()] = string(b)
			if p.FormName() == "file" {
				got["filename"], got["ct"] = p.FileName(), p.Header.Get("Content-Type")
			}
		}
		if got["type"] != "giay_chung_sinh" || got["file"] != "%PDF-1.4" || got["filename"] != `a "b".pdf` || got["ct"] != "application/pdf" {
			return httpmock.NewStringResponse(400, `{"error":{"code":"bad_request","message":"parts","message_vi":"x"}}`), nil
		}
		return httpmock.NewStringResponse(201, `{"id":"tl-1","type":"giay_chung_sinh","filename":"a.pdf","content_type":"application/pdf","size":8,"sha256":"ab"}`), nil
	})
	a, err := c.UploadAttachment(context.Background(), "giay_chung_sinh", `a "b".pdf`, "application/pdf", []byte("%PDF-1.4"))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "tl-1" || a.Size != 8 {
		t.Fatalf("attachment %+v", a)
	}
}

func TestWithTokenCopies(t *testing.T) {
	c, mt := newClient()
	mt.RegisterResponder(http.MethodGet, base+"/api/v1/dossiers", func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("Authorization") != "" {
			return httpmock.NewStringResponse(400, `{"error":{"code":"bad_request","message":"token sent","message_vi":"x"}}`), nil
		}
		return httpmock.NewStringResponse(401, `{"error":{"code":"unauthenticated","reason":"missing_token","message":"m","message_vi":"v"}}`), nil
	})
	anon := c.WithToken("")
	if c.Token != "tok" {
		t.Fatal("WithToken changed the original")
	}
	_, err := anon.Dossiers(context.Background())
	if ae, ok := errors.AsType[*APIError](err); !ok || ae.Reason != ReasonMissingToken {
		t.Fatalf("got %v", err)
	}
}

func TestCAAndTime(t *testing.T) {
	c, mt := newClient()
	mt.RegisterResponder(http.MethodGet, base+"/api/v1/trust/ca.pem", httpmock.NewStringResponder(200, "-----BEGIN CERTIFICATE-----\n"))
	mt.RegisterResponder(http.MethodGet, base+"/api/v1/time", httpmock.NewStringResponder(200, `{"now":"2026-03-05T17:00:00+07:00"}`))
	pem, err := c.CA(context.Background())
	if err != nil || string(pem) != "-----BEGIN CERTIFICATE-----\n" {
		t.Fatalf("CA = %q, %v", pem, err)
	}
	now, err := c.Time(context.Background())
	if err != nil || now.Hour() != 17 {
		t.Fatalf("Time = %v, %v", now, err)
	}
	if _, off := now.Zone(); off != 7*3600 {
		t.Fatalf("zone lost: %v", now)
	}
}

func TestTransportErrorIsWrapped(t *testing.T) {
	c, _ := newClient() // no responder: the mock transport refuses
	_, err := c.Health(context.Background())
	if err == nil || StatusOf(err) != 0 {
		t.Fatalf("got %v", err)
	}
}
