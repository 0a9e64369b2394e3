package framework

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/dvcqa/dvcqa/api/officer"
	"github.com/dvcqa/dvcqa/suites/framework/browser"
)

// TestAPIOfficerAnswers: the API driver hands the action's own answer to
// the check (never a later read), and reads the dossier back when the
// action failed; the session names who acted.
func TestAPIOfficerAnswers(t *testing.T) {
	mt := httpmock.NewMockTransport()
	base := "http://portal.test/portal/01/backoffice"
	json := func(status int, body string) httpmock.Responder {
		return func(*http.Request) (*http.Response, error) {
			r := httpmock.NewStringResponse(status, body)
			r.Header.Set("Content-Type", "application/json")
			return r, nil
		}
	}
	mt.RegisterResponder(http.MethodPost, base+"/api/v1/session", json(200,
		`{"token":"t","expires_at":"2026-12-01T10:00:00Z","officer":{"username":"canbo.01","full_name":"Trần Thị Hoa","title":"Công chức","unit":"Một cửa"}}`))
	mt.RegisterResponder(http.MethodPost, base+"/api/v1/dossiers/C1/actions", json(200, `{"code":"C1","status":"accepted","actions":["assign"]}`))
	mt.RegisterResponder(http.MethodPost, base+"/api/v1/dossiers/C2/actions", json(409, `{"error":{"code":"action_not_allowed","message":"allowed: receive, refuse"}}`))
	mt.RegisterResponder(http.MethodGet, base+"/api/v1/dossiers/C2", json(200, `{"code":"C2","status":"submitted","actions":["receive","refuse"]}`))

	c := officer.New(base, &http.Client{Transport: mt})
	s, err := c.Login(context.Background(), "canbo.01", "pw")
	if err != nil {
		t.Fatal(err)
	}
	o := &APIOfficer{Client: c, Session: s}
	if who, ok := ActingOfficer(o); !ok || who.FullName != "Trần Thị Hoa" {
		t.Errorf("acting officer %+v, %v", who, ok)
	}
	if st, err := o.Act(context.Background(), "C1", officer.Receive, "n"); st != "accepted" || err != nil {
		t.Fatalf("act: %q, %v", st, err)
	}
	mt.ZeroCallCounters()
	if d, err := ActAnswer(context.Background(), o, "C1"); err != nil || d.Status != "accepted" || mt.GetTotalCallCount() != 0 {
		t.Errorf("answer of C1: %+v, %v, %d more calls", d, err, mt.GetTotalCallCount())
	}
	_, err = o.Act(context.Background(), "C2", officer.Sign, "")
	if !IsActionRefused(err) || o.LastAnswer() != nil {
		t.Errorf("a refused action: %v, last answer %+v", err, o.LastAnswer())
	}
	if d, err := ActAnswer(context.Background(), o, "C2"); err != nil || d.Status != "submitted" {
		t.Errorf("after a refused action the dossier is read back: %+v, %v", d, err)
	}
	if _, ok := ActingOfficer(&WebOfficer{}); ok {
		t.Error("the web driver names no officer")
	}
	if !IsActionRefused(fmt.Errorf("back office: press sign: %w", browser.ErrActionNotOffered)) || IsActionRefused(fmt.Errorf("timeout")) {
		t.Error("IsActionRefused: a page without the button is a refusal, a timeout is not")
	}
}
