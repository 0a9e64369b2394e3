package framework

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework/accounts"
)

func mockTarget(t *testing.T) (*fixtures.Target, *fixtures.Catalog) {
	t.Helper()
	cat, err := fixtures.Load()
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := fixtures.DefaultTarget(cat)
	if err != nil {
		t.Fatal(err)
	}
	tgt.URLs = fixtures.URLs{Portal: "http://portal.test/portal/01", SSO: "http://sso.test/sso",
		Gateway: "http://gw.test/gateway", DVCQG: "http://dvcqg.test/dvcqg", Payment: "http://pay.test/payment"}
	return tgt, cat
}

func TestSetupResolvesAMockTarget(t *testing.T) {
	tgt, cat := mockTarget(t)
	e, err := Setup(tgt, cat)
	if err != nil {
		t.Fatal(err)
	}
	if e.Gateway.ClientSecret != fixtures.MockSecret(tgt.Seed, "gateway:province-01") {
		t.Error("gateway secret not derived from the seed")
	}
	if e.SSO.RedirectURI != "http://portal.test/portal/01/auth/callback" {
		t.Errorf("default redirect URI %q", e.SSO.RedirectURI)
	}
	if e.PostLogoutURI != "http://portal.test/portal/01/" {
		t.Errorf("default post-logout URI %q", e.PostLogoutURI)
	}
	if e.ShortSSO == nil {
		t.Error("short-lived SSO client missing")
	}
	// Every role and item has its own citizen, so parallel specs never
	// share dossiers.
	seen := map[string]accounts.Pair{}
	for _, p := range accounts.Pairs(cat) {
		c := e.Citizen(p.Role, p.N)
		if other, ok := seen[c.PersonalID]; ok {
			t.Errorf("citizen %s used by %s #%d and %s #%d", c.PersonalID, other.Role, other.N, p.Role, p.N)
		}
		seen[c.PersonalID] = p
	}
	if e.CitizenSharing() != "" {
		t.Errorf("mock target shares citizens: %s", e.CitizenSharing())
	}
	if _, ok := e.BusinessCitizen(); !ok {
		t.Error("no citizen with a business-registration record")
	}
}

func TestSetupRefusesMissingURLsAndSecrets(t *testing.T) {
	tgt, cat := mockTarget(t)
	tgt.URLs.Payment = ""
	if _, err := Setup(tgt, cat); err == nil || !strings.Contains(err.Error(), "payment") {
		t.Errorf("missing payment URL: %v", err)
	}

	real, cat := mockTarget(t)
	real.Kind = fixtures.KindReal
	real.Gateway.ClientSecretEnv = "DVCQA_TEST_UNSET_SECRET"
	t.Setenv("DVCQA_TEST_UNSET_SECRET", "")
	if _, err := Setup(real, cat); err == nil || !strings.Contains(err.Error(), "DVCQA_TEST_UNSET_SECRET") {
		t.Errorf("real target without its secret: %v", err)
	}
}

// PostPaymentCallback is client code; httpmock checks it in-process.
func TestPostPaymentCallback(t *testing.T) {
	tgt, cat := mockTarget(t)
	e, err := Setup(tgt, cat)
	if err != nil {
		t.Fatal(err)
	}
	mt := httpmock.NewMockTransport()
	e.HTTP = &http.Client{Transport: mt}
	var got payment.Callback
	mt.RegisterResponder(http.MethodPost, "http://portal.test/portal/01/api/v1/payment/callback",
		func(req *http.Request) (*http.Response, error) {
			if err := jsonBody(req, &got); err != nil {
				return httpmock.NewStringResponse(400, `{"MaLoi":"01"}`), nil
			}
			if !got.Verify("k") {
				return httpmock.NewStringResponse(400, `{"MaLoi":"07"}`), nil
			}
			return httpmock.NewStringResponse(200, `{"MaLoi":"00"}`), nil
		})
	cb := payment.Callback{MaDoiTac: "PORTAL-01", MaThamChieu: "ref", MaGiaoDich: "GD1", SoTien: 1000, TrangThaiGD: "1", ThoiGianGD: "20261122120000"}
	cb.Sign("k")
	ans, err := e.PostPaymentCallback(context.Background(), cb)
	if err != nil || ans.Status != 200 || ans.MaLoi != "00" {
		t.Fatalf("signed callback: %+v %v", ans, err)
	}
	cb.Sign("other")
	ans, err = e.PostPaymentCallback(context.Background(), cb)
	if err != nil || ans.Status != 400 || ans.MaLoi != "07" {
		t.Fatalf("forged callback: %+v %v", ans, err)
	}
	if got.MaGiaoDich != "GD1" {
		t.Errorf("callback body not sent as JSON: %+v", got)
	}
}

func jsonBody(req *http.Request, v any) error {
	defer req.Body.Close()
	return json.NewDecoder(req.Body).Decode(v)
}

// A real target lists its accounts: too few for one per spec is a setup
// error while data-mutating specs run, and shared, said so, when they do not.
func TestRealTargetWithTooFewAccounts(t *testing.T) {
	tgt, cat := mockTarget(t)
	tgt.Kind = fixtures.KindReal
	tgt.Accounts = nil
	for i := range 2 {
		id, pw := fmt.Sprintf("DVCQA_TEST_CITIZEN%d_ID", i), fmt.Sprintf("DVCQA_TEST_CITIZEN%d_PASSWORD", i)
		t.Setenv(id, fmt.Sprintf("00109900000%d", i))
		t.Setenv(pw, "pw")
		tgt.Accounts = append(tgt.Accounts, fixtures.Account{PersonalIDEnv: id, PasswordEnv: pw})
	}
	tgt.Allow.Submit = true
	e := &Env{Target: tgt, Catalog: cat}
	if err := e.loadCitizens(); err == nil || !strings.Contains(err.Error(), "2 test citizens, the specs need 81") {
		t.Errorf("allow.submit with 2 accounts: %v", err)
	}
	tgt.Allow.Submit = false
	e = &Env{Target: tgt, Catalog: cat}
	if err := e.loadCitizens(); err != nil {
		t.Fatal(err)
	}
	if e.CitizenSharing() == "" || e.Citizen(RoleBrowser, 24).PersonalID == "" {
		t.Errorf("read-only run with 2 accounts: sharing %q", e.CitizenSharing())
	}
}
