package gateway_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/jarcoal/httpmock"
)

const base = "http://gw.test"

// mockedClient returns a client whose transport is a fresh httpmock
// transport (never the global one: other tests use real servers), with a
// token endpoint that answers expiresIn.
func mockedClient(t *testing.T, expiresIn int) (*gateway.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, base+"/oauth/token", func(r *http.Request) (*http.Response, error) {
		id, sec, ok := r.BasicAuth()
		if !ok || id != "province-01" || sec != secret {
			return httpmock.NewJsonResponse(401, map[string]string{"error": "invalid_client"})
		}
		return httpmock.NewJsonResponse(200, gateway.TokenResponse{AccessToken: "tok-1", TokenType: "Bearer", ExpiresIn: expiresIn, Scope: "population"})
	})
	return &gateway.Client{BaseURL: base, ClientID: "province-01", ClientSecret: secret, HTTP: &http.Client{Transport: mt}}, mt
}

func TestOddAnswers(t *testing.T) {
	for _, tc := range []struct {
		name      string
		responder httpmock.Responder
		status    int    // StatusOf
		code      string // Error.Code when status != 0
		contains  string
	}{
		{"proxy 502 page", httpmock.NewStringResponder(502, "<html>Bad Gateway for /records?SoDinhDanh="+an+"</html>").HeaderSet(http.Header{"Content-Type": {"text/html"}}),
			502, "", "unexpected answer (text/html"},
		{"empty 503", httpmock.NewBytesResponder(503, nil), 503, "", "no content type, 0 bytes"},
		{"200 not JSON", httpmock.NewStringResponder(200, "OK"), 0, "", "not the expected JSON"},
		{"200 wrong shape", httpmock.NewStringResponder(200, `{"records":[{"HoVaTen":42}]}`), 0, "", "not the expected JSON"},
		{"400 with field", httpmock.NewStringResponder(400, `{"error":{"code":"invalid_request","message":"SoDinhDanh must be exactly 12 digits","message_vi":"x","field":"SoDinhDanh"}}`),
			400, "invalid_request", "(field SoDinhDanh)"},
		{"504", httpmock.NewStringResponder(504, `{"error":{"code":"upstream_timeout","message":"database population did not answer within 3s"}}`),
			504, "upstream_timeout", "gateway population lookup: 504 upstream_timeout: database population did not answer"},
		{"error body without code", httpmock.NewStringResponder(500, `{"error":{}}`), 500, "", "unexpected answer"},
		{"transport failure", httpmock.NewErrorResponder(errors.New("connection reset")), 0, "", "connection reset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := mockedClient(t, 3600)
			mt.RegisterResponder(http.MethodGet, base+"/api/v1/population/records", tc.responder)
			_, err := c.Lookup(context.Background(), "population", "SoDinhDanh", an, "prefill DV01")
			if err == nil {
				t.Fatal("no error")
			}
			if got := gateway.StatusOf(err); got != tc.status {
				t.Errorf("StatusOf = %d, want %d (%v)", got, tc.status, err)
			}
			if e, ok := errors.AsType[*gateway.Error](err); ok && e.Code != tc.code {
				t.Errorf("Code = %q, want %q", e.Code, tc.code)
			}
			if gateway.IsNotFound(err) {
				t.Error("IsNotFound on an odd answer")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.contains) {
				t.Errorf("error %q does not contain %q", msg, tc.contains)
			}
			for _, secretish := range []string{an, secret, "tok-1"} {
				if strings.Contains(msg, secretish) {
					t.Errorf("error %q leaks %q", msg, secretish)
				}
			}
		})
	}
}

func TestRequestHeaders(t *testing.T) {
	c, mt := mockedClient(t, 3600)
	var ids []string
	mt.RegisterResponder(http.MethodGet, base+"/api/v1/population/records", func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("Authorization") != "Bearer tok-1" || r.Header.Get(gateway.HeaderPurpose) != "prefill DV01" || r.URL.Query().Get("SoDinhDanh") != an {
			t.Errorf("request %v %v", r.URL, r.Header)
		}
		ids = append(ids, r.Header.Get(gateway.HeaderRequestID))
		return httpmock.NewStringResponse(200, `{"database":"population","query":{"SoDinhDanh":"`+an+`"},"records":[{"HoVaTen":"An"}]}`), nil
	})
	for range 2 {
		recs, err := c.Lookup(context.Background(), "population", "SoDinhDanh", an, "prefill DV01")
		if err != nil || len(recs) != 1 || recs[0]["HoVaTen"] != "An" {
			t.Fatalf("Lookup: %v %v", recs, err)
		}
	}
	if len(ids) != 2 || ids[0] == "" || ids[0] == ids[1] {
		t.Errorf("request ids %q: want fresh ones", ids)
	}
	if n := mt.GetCallCountInfo()["POST "+base+"/oauth/token"]; n != 1 {
		t.Errorf("%d token calls, want 1", n)
	}
}

func TestShortLivedTokenIsNotCached(t *testing.T) {
	// expires_in under the one-minute margin: caching it would hand out a
	// token about to expire.
	c, mt := mockedClient(t, 30)
	for range 2 {
		if _, err := c.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := mt.GetCallCountInfo()["POST "+base+"/oauth/token"]; n != 2 {
		t.Errorf("%d token calls, want 2", n)
	}
}

func TestTokenOddAnswers(t *testing.T) {
	for name, r := range map[string]httpmock.Responder{
		"no access token": httpmock.NewStringResponder(200, `{"token_type":"Bearer","expires_in":3600}`),
		"not bearer":      httpmock.NewStringResponder(200, `{"access_token":"x","token_type":"MAC","expires_in":3600}`),
		"html 401":        httpmock.NewStringResponder(401, `<html>denied</html>`),
	} {
		mt := httpmock.NewMockTransport()
		mt.RegisterResponder(http.MethodPost, base+"/oauth/token", r)
		c := &gateway.Client{BaseURL: base, ClientID: "province-01", ClientSecret: secret, HTTP: &http.Client{Transport: mt}}
		_, err := c.Token(context.Background())
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestTokenWaitRespectsContext(t *testing.T) {
	mt := httpmock.NewMockTransport()
	started, release := make(chan struct{}), make(chan struct{})
	mt.RegisterResponder(http.MethodPost, base+"/oauth/token", func(r *http.Request) (*http.Response, error) {
		close(started)
		<-release
		return httpmock.NewJsonResponse(200, gateway.TokenResponse{AccessToken: "slow", TokenType: "Bearer", ExpiresIn: 3600})
	})
	c := &gateway.Client{BaseURL: base, ClientID: "province-01", ClientSecret: secret, HTTP: &http.Client{Transport: mt}}
	first := make(chan error, 1)
	go func() { _, err := c.Token(context.Background()); first <- err }()
	<-started // the first fetch is in flight; the next caller must wait for it
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.Token(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting caller: %v, want deadline exceeded", err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Errorf("first caller: %v", err)
	}
	if tok, err := c.Token(context.Background()); err != nil || tok != "slow" || mt.GetTotalCallCount() != 1 {
		t.Errorf("cached token: %q %v, %d calls", tok, err, mt.GetTotalCallCount())
	}
}
