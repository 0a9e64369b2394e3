package framework

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/openapi"
)

const testPortal = "http://portal.test/portal/01"

// contractRig is a contract check in front of an httpmock portal, and a
// portal client that goes through it.
func contractRig(t *testing.T) (*contractCheck, *httpmock.MockTransport, *portal.Client) {
	t.Helper()
	doc, err := openapi.LoadPortal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	mt := httpmock.NewMockTransport()
	c, err := newContractCheckFor(doc, openapi.PortalFile, testPortal, mt)
	if err != nil {
		t.Fatal(err)
	}
	return c, mt, &portal.Client{BaseURL: testPortal, Token: "eyJ.a.b", HTTP: &http.Client{Transport: c, Timeout: 5 * time.Second}}
}

const validDossier = `{"id":"hs-1","code":"000.00.00.H01-260302-0001","service_id":"DV09","procedure_code":"1.001193",
"province":"01","status":"submitted","status_code":1,"applicant":{"SoDinhDanh":"001090000001","HoVaTen":"Nguyễn Văn An"},
"fields":{"HoTenTre":"Khôi"},"attachments":[],"submitted_at":"2026-03-02T08:00:00+07:00",
"fee":{"amount_vnd":0,"paid":false,"paid_amount_vnd":0,"transaction_id":""},"history":[],"result_available":false,"chain":[]}`

func jsonResponder(status int, body string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(status, body)
		r.Header.Set("Content-Type", "application/json; charset=utf-8")
		if status == http.StatusUnauthorized {
			r.Header.Set("WWW-Authenticate", `Bearer realm="portal"`) // the contract requires the challenge
		}
		return r, nil
	}
}

func TestContractPassesAGoodExchange(t *testing.T) {
	c, mt, p := contractRig(t)
	mt.RegisterResponder(http.MethodPost, testPortal+"/api/v1/dossiers", jsonResponder(201, validDossier))
	mt.RegisterResponder(http.MethodGet, testPortal+"/api/v1/dossiers/hs-1", jsonResponder(200, validDossier))
	d, _, err := p.Submit(context.Background(), "k1", portal.SubmitRequest{ServiceID: "DV09",
		Fields: map[string]string{"HoTenTre": "Khôi"}, Attachments: []portal.AttachmentRef{{Type: "giay_chung_sinh", ID: "tl-1"}}})
	if err != nil || d.ID != "hs-1" {
		t.Fatalf("submit through the contract check: %+v, %v", d, err)
	}
	if _, err := p.Dossier(context.Background(), "hs-1"); err != nil {
		t.Fatalf("dossier through the contract check: %v", err)
	}
	r := c.report()
	if r.Validated != 2 || len(r.Violations) != 0 || r.failure() != "" ||
		r.Operations["POST /api/v1/dossiers"] != 1 || r.Operations["GET /api/v1/dossiers/{id}"] != 1 {
		t.Fatalf("good exchanges: %+v", r)
	}
}

func TestContractBlamesTheHarnessForABadRequest(t *testing.T) {
	c, mt, p := contractRig(t)
	mt.RegisterResponder(http.MethodPost, testPortal+"/api/v1/dossiers", jsonResponder(201, validDossier))
	// What 119 submits of the harness used to send.
	req, _ := http.NewRequest(http.MethodPost, testPortal+"/api/v1/dossiers",
		strings.NewReader(`{"service_id":"DV09","fields":{"HoTenTre":"Khôi"},"attachments":null}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer eyJ.a.b")
	req.Header.Set("Idempotency-Key", "k1")
	_, err := p.HTTP.Do(req)
	var v Violation
	if !errors.As(err, &v) || v.Side != SideHarness {
		t.Fatalf("want a harness violation, got %v", err)
	}
	want := `harness request violates the contract: POST /api/v1/dossiers: request body property "attachments": `
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q\nwant it to contain %q", err, want)
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Errorf("the refused request reached the portal (%d calls): the portal would be blamed for refusing it", n)
	}
	r := c.report()
	if len(r.Violations) != 1 || !strings.Contains(r.failure(), want) {
		t.Fatalf("violation not recorded for the spec: %+v", r)
	}

	// Other harness mistakes: no Idempotency-Key, a property the contract
	// does not know, a method it does not list.
	c.reset()
	_, _, err = p.Submit(context.Background(), "", portal.SubmitRequest{ServiceID: "DV09"})
	if err == nil || !strings.Contains(err.Error(), `header parameter "Idempotency-Key"`) {
		t.Errorf("submit without Idempotency-Key: %v", err)
	}
	req, _ = http.NewRequest(http.MethodDelete, testPortal+"/api/v1/dossiers/hs-1", nil)
	req.Header.Set("Authorization", "Bearer eyJ.a.b")
	if _, err := p.HTTP.Do(req); err == nil || !strings.Contains(err.Error(), "harness request violates the contract: DELETE /api/v1/dossiers/hs-1") {
		t.Errorf("DELETE, which the contract does not list: %v", err)
	}
	if r := c.report(); len(r.Violations) != 2 || r.Validated != 0 {
		t.Errorf("want 2 violations and nothing validated, got %+v", r)
	}
}

func TestContractBlamesThePortalForABadAnswer(t *testing.T) {
	c, mt, p := contractRig(t)
	// No history, and a state the contract does not have.
	bad := strings.Replace(strings.Replace(validDossier, `"history":[],`, "", 1), `"status":"submitted"`, `"status":"lost"`, 1)
	mt.RegisterResponder(http.MethodGet, testPortal+"/api/v1/dossiers/hs-1", jsonResponder(200, bad))
	d, err := p.Dossier(context.Background(), "hs-1")
	if err != nil || d.Status != "lost" {
		t.Fatalf("the answer must still reach the spec whole: %+v, %v", d, err)
	}
	r := c.report()
	if r.Validated != 1 || len(r.Violations) != 1 {
		t.Fatalf("want 1 validated exchange with 1 violation, got %+v", r)
	}
	v := r.Violations[0]
	if v.Side != SidePortal || v.Status != 200 {
		t.Errorf("blamed on %s (HTTP %d), want the portal", v.Side, v.Status)
	}
	msg := r.failure()
	for _, want := range []string{"portal answer (HTTP 200) violates the contract: GET /api/v1/dossiers/{id}: ",
		`response body property "status": `, `"history"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure %q\nwant it to contain %q", msg, want)
		}
	}

	// A status the operation does not list is a violation too.
	c.reset()
	mt.RegisterResponder(http.MethodGet, testPortal+"/api/v1/services", jsonResponder(500, `{"error":{"code":"internal","message":"x","message_vi":"x"}}`))
	if _, err := p.Services(context.Background()); err == nil {
		t.Fatal("HTTP 500 answered as success")
	}
	if msg := c.report().failure(); !strings.Contains(msg, "portal answer (HTTP 500) violates the contract: GET /api/v1/services: status is not supported") {
		t.Errorf("undocumented status: %q", msg)
	}
}

func TestContractAcceptsDeliberatelyInvalidRequestsOnlyWhereMarked(t *testing.T) {
	c, mt, p := contractRig(t)
	unauth := `{"error":{"code":"unauthenticated","reason":"missing_token","message":"log in","message_vi":"Đăng nhập"}}`
	mt.RegisterResponder(http.MethodGet, testPortal+"/api/v1/services/DV09/form", jsonResponder(401, unauth))
	mt.RegisterResponder(http.MethodPost, testPortal+"/api/v1/dossiers", jsonResponder(401, unauth))
	anon := p.WithToken("")

	ctx := DeliberatelyInvalid(context.Background(), InvalidAuth)
	if _, err := anon.Form(ctx, "DV09"); err == nil || strings.Contains(err.Error(), "contract") {
		t.Fatalf("marked unauthenticated call: want the portal's 401, got %v", err)
	}
	if r := c.report(); r.Validated != 1 || r.Deliberate != 1 || len(r.Violations) != 0 {
		t.Fatalf("marked call: %+v", r)
	}

	// Unmarked, the same call is a harness bug (a forgotten token).
	if _, err := anon.Form(context.Background(), "DV09"); err == nil || !strings.Contains(err.Error(), "security: no bearer token") {
		t.Errorf("unmarked call without a token: %v", err)
	}
	// The auth marker does not excuse a bad body.
	_, _, err := anon.Submit(ctx, "k", portal.SubmitRequest{ServiceID: ""})
	if err != nil && strings.Contains(err.Error(), "contract") {
		t.Errorf("empty service_id is a string: well-formed, %v", err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, testPortal+"/api/v1/dossiers", strings.NewReader(`{"service_id":7}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "k")
	if _, err := p.HTTP.Do(req); err == nil || !strings.Contains(err.Error(), `request body property "service_id"`) {
		t.Errorf("auth marker excused a bad body: %v", err)
	}
	// The body marker excuses the body, and a stale marker is itself a bug.
	req, _ = http.NewRequestWithContext(DeliberatelyInvalid(context.Background(), InvalidBody), http.MethodPost,
		testPortal+"/api/v1/dossiers", strings.NewReader(`{"service_id":7}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "k")
	req.Header.Set("Authorization", "Bearer eyJ.a.b")
	if resp, err := p.HTTP.Do(req); err != nil {
		t.Errorf("body marked deliberately invalid: %v", err)
	} else {
		resp.Body.Close()
	}
	if _, err := p.Form(ctx, "DV09"); err == nil || !strings.Contains(err.Error(), "marked deliberately invalid (auth) but follows the contract") {
		t.Errorf("auth marker on a call with a token: %v", err)
	}
	// A garbage token is well-formed: no marker needed.
	c.reset()
	if _, err := p.WithToken("not-a-jwt").Form(context.Background(), "DV09"); err == nil || strings.Contains(err.Error(), "contract") {
		t.Errorf("garbage token: want the portal's 401, got %v", err)
	}
	if r := c.report(); len(r.Violations) != 0 || r.Deliberate != 0 {
		t.Errorf("garbage token: %+v", r)
	}
}

func TestContractLetsOtherTrafficThrough(t *testing.T) {
	c, mt, _ := contractRig(t)
	mt.RegisterNoResponder(httpmock.NewStringResponder(200, "<html></html>"))
	hc := &http.Client{Transport: c, Timeout: 5 * time.Second}
	for _, u := range []string{"http://sso.test/sso/.well-known/openid-configuration", testPortal + "/", testPortal + "/dich-vu/DV09",
		testPortal + "/healthz", testPortal + "/admin/defects", "http://portal.test/portal/02/api/v1/services", testPortal + "x/api/v1/services"} {
		resp, err := hc.Get(u)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		resp.Body.Close()
	}
	if r := c.report(); r.Validated != 0 || len(r.Violations) != 0 {
		t.Errorf("traffic the contract does not describe was validated: %+v", r)
	}
	if n := mt.GetTotalCallCount(); n != 7 {
		t.Errorf("%d of 7 requests passed through", n)
	}
}

func TestContractValidatesUploadsAndPEM(t *testing.T) {
	c, mt, p := contractRig(t)
	mt.RegisterResponder(http.MethodPost, testPortal+"/api/v1/attachments", jsonResponder(201,
		`{"id":"tl-1","type":"giay_chung_sinh","filename":"a.pdf","content_type":"application/pdf","size":8,"sha256":"ab"}`))
	mt.RegisterResponder(http.MethodGet, testPortal+"/api/v1/trust/ca.pem", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(200, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
		r.Header.Set("Content-Type", "application/x-pem-file")
		return r, nil
	})
	if _, err := p.UploadAttachment(context.Background(), "giay_chung_sinh", "a.pdf", "application/pdf", []byte("%PDF-1.4")); err != nil {
		t.Fatalf("upload: %v", err)
	}
	if _, err := p.UploadAttachment(context.Background(), "Giấy chứng sinh", "a.pdf", "application/pdf", []byte("%PDF-1.4")); err == nil ||
		!strings.Contains(err.Error(), `request body property "type"`) {
		t.Errorf("upload with a type key the contract's pattern refuses: %v", err)
	}
	if _, err := p.CA(context.Background()); err != nil {
		t.Fatalf("CA: %v", err)
	}
	if r := c.report(); r.Validated != 2 || len(r.Violations) != 1 {
		t.Errorf("want 2 validated exchanges and the one bad upload, got %+v", r)
	}
}

func TestSetupValidatesOnlyWhereTheProfileSays(t *testing.T) {
	tgt, cat := mockTarget(t)
	e, err := Setup(tgt, cat)
	if err != nil {
		t.Fatal(err)
	}
	if e.contract == nil || e.allow == nil || e.HTTP.Transport != e.allow || e.allow.next != e.contract {
		t.Fatal("mock target: the contract check is not the transport under the allow guard")
	}
	off, cat := mockTarget(t)
	off.Contract = fixtures.ContractOff
	if e, err = Setup(off, cat); err != nil {
		t.Fatal(err)
	}
	if e.contract != nil || e.HTTP.Transport != e.allow || e.allow.next != e.wire {
		t.Error("contract: off still validates")
	}
}

func TestSumContract(t *testing.T) {
	entry := func(r ContractReport) types.ReportEntry {
		data, _ := json.Marshal(r)
		return types.ReportEntry{Name: ContractEntry, Value: types.WrapEntryValue(string(data))}
	}
	specs := types.SpecReports{
		{ReportEntries: types.ReportEntries{entry(ContractReport{Validated: 3, Millis: 1.5, Operations: map[string]int{"GET /a": 3}})}},
		{ReportEntries: types.ReportEntries{{Name: HTTPEntry, Value: types.WrapEntryValue("GET / → 200")},
			entry(ContractReport{Validated: 2, Deliberate: 1, Millis: 0.5, Violations: []Violation{{Side: SidePortal}},
				Operations: map[string]int{"GET /a": 1, "POST /b": 1}})}},
		{}, // a spec without the framework
	}
	got, err := SumContract(specs)
	if err != nil {
		t.Fatal(err)
	}
	if want := (ContractTotals{Specs: 2, Validated: 5, Deliberate: 1, Violations: 1, Millis: 2,
		Operations: map[string]int{"GET /a": 4, "POST /b": 1}}); !reflect.DeepEqual(got, want) {
		t.Errorf("SumContract = %+v, want %+v", got, want)
	}
	specs[0].ReportEntries[0].Value = types.WrapEntryValue("not json")
	if _, err := SumContract(specs); err == nil {
		t.Error("a broken entry was summed")
	}
}

// BenchmarkContractLoad is what Setup pays once per process.
func BenchmarkContractLoad(b *testing.B) {
	for b.Loop() {
		doc, err := openapi.LoadPortal(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := newContractCheckFor(doc, openapi.PortalFile, testPortal, http.DefaultTransport); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContractSubmit is one validated submit exchange (request and
// answer) against an in-memory portal.
func BenchmarkContractSubmit(b *testing.B) {
	doc, err := openapi.LoadPortal(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, testPortal+"/api/v1/dossiers", jsonResponder(201, validDossier))
	c, err := newContractCheckFor(doc, openapi.PortalFile, testPortal, mt)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		rt   http.RoundTripper
	}{{"unvalidated", mt}, {"validated", c}} {
		p := &portal.Client{BaseURL: testPortal, Token: "eyJ.a.b", HTTP: &http.Client{Transport: bc.rt}}
		req := portal.SubmitRequest{ServiceID: "DV09", Fields: map[string]string{"HoTenTre": "Khôi"},
			Attachments: []portal.AttachmentRef{{Type: "giay_chung_sinh", ID: "tl-1"}}}
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := p.Submit(context.Background(), "k", req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	if len(c.report().Violations) != 0 {
		b.Fatalf("violations: %+v", c.report().Violations)
	}
}
