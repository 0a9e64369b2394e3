package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/reports"
)

// realDialects are the non-default dialects the kind:real proof runs in:
// the national portal as OpenCPS integrates it, the payment platform's
// published messages, the gateway's NDXP population query, and a
// WSO2-style confidential SSO client.
const realDialects = "dvcqg=opencps,payment=published,gateway=ndxp,sso=wso2"

// TestRealKindTarget: the suites treat a standalone mock as a real portal
// — `kind: real`, https with a CA made for the run, every secret and test
// account only in environment variables, no health probes, non-default
// dialects — and give the same verdicts as the embedded world speaking the
// same dialects; so does a second profile of a portal without dvcqa's API
// (portal.api: none); a seeded defect gives the same failure in both.
func TestRealKindTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suites four times; `make external` runs it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	root, tmp, bin := buildDvcqa(ctx, t)
	cat, err := fixtures.Load()
	if err != nil {
		t.Fatal(err)
	}
	embedded := embeddedProfile(t, cat, filepath.Join(tmp, "embedded.yaml"))

	for _, d := range []string{"healthy", "defect"} {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mock := serveMock(ctx, t, bin, filepath.Join(tmp, "healthy", "mock.yaml"), "--tls", "--dialect", realDialects)
	real := realProfile(t, cat, mock)
	// Every spec of the API layer, and the browser layer of a free and a
	// paid service; the second profile below runs every browser flow.
	const filter = "layer:api || (layer:browser && (service:DV09 || service:DV07))"
	got, want := runDvcqaPair(ctx, t, bin, root, tmp,
		[]string{"real", "--target", real, "--label-filter", filter},
		[]string{"embedded", "--target", embedded, "--label-filter", filter})
	if got.Target.Kind != fixtures.KindReal {
		t.Errorf("the run's target is kind %q, want real", got.Target.Kind)
	}
	if got.Totals.Failed > 0 || want.Totals.Failed > 0 {
		t.Errorf("a healthy world failed specs: real %d, embedded %d", got.Totals.Failed, want.Totals.Failed)
		for _, s := range []*reports.Summary{got, want} {
			logFailures(t, s)
		}
	}
	sameVerdicts(t, got, want)

	// A portal without dvcqa's citizen API (portal.api: none): API specs
	// NOT RUN, every service judged on its browser flow, the result
	// signature checked with the pinned CA (portal.result_ca_file).
	noAPI := strings.TrimSuffix(real, ".yaml") + "-noapi.yaml"
	tg, err := fixtures.LoadTarget(real, cat)
	if err != nil {
		t.Fatal(err)
	}
	tg.Portal.API = fixtures.PortalAPINone
	if err := writeTargetFile(noAPI, tg); err != nil {
		t.Fatal(err)
	}
	embNoAPI := strings.TrimSuffix(embedded, ".yaml") + "-noapi.yaml"
	etg, err := fixtures.LoadTarget(embedded, cat)
	if err != nil {
		t.Fatal(err)
	}
	etg.Portal.API = fixtures.PortalAPINone
	if err := writeTargetFile(embNoAPI, etg); err != nil {
		t.Fatal(err)
	}
	// The browser flows of six services (free and paid, one to two
	// attachments, prefill from four databases), the platform and the
	// database connections; every flow runs in `make suites`.
	const nfilter = "layer:browser && kind:e2e && (service:DV02 || service:DV07 || service:DV09 || service:DV12 || service:DV19 || service:DV25) || kind:platform || kind:connection"
	ngot, nwant := runDvcqaPair(ctx, t, bin, root, tmp,
		[]string{"real-noapi", "--target", noAPI, "--label-filter", nfilter},
		[]string{"embedded-noapi", "--target", embNoAPI, "--label-filter", nfilter})
	if ngot.Totals.Failed > 0 || nwant.Totals.Failed > 0 {
		t.Errorf("portal.api none: a healthy world failed specs: real %d, embedded %d", ngot.Totals.Failed, nwant.Totals.Failed)
		logFailures(t, ngot)
		logFailures(t, nwant)
	}
	sameVerdicts(t, ngot, nwant)
	for _, v := range ngot.Services {
		if !strings.Contains(nfilter, "service:"+v.ID+" ") && !strings.Contains(nfilter, "service:"+v.ID+")") {
			continue
		}
		if v.Readiness != reports.Ready {
			t.Errorf("portal.api none: %s is %s, want READY on its browser flow alone (%v)", v.ID, v.Readiness, v.Unverified)
		}
	}

	const defect, dfilter = "fee-wrong-amount@DV07", "service:DV07 && layer:api"
	dmock := serveMock(ctx, t, bin, filepath.Join(tmp, "defect", "mock.yaml"), "--tls", "--dialect", realDialects, "--defect", defect)
	dreal := realProfile(t, cat, dmock)
	dgot, dwant := runDvcqaPair(ctx, t, bin, root, tmp,
		[]string{"real-defect", "--target", dreal, "--label-filter", dfilter},
		[]string{"embedded-defect", "--target", embedded, "--defect", defect, "--label-filter", dfilter})
	sameVerdicts(t, dgot, dwant)
	g, w := firstFailure(dgot, "DV07"), firstFailure(dwant, "DV07")
	if g == "" || w == "" {
		t.Fatalf("%s was not caught: real %q, embedded %q", defect, g, w)
	}
	if g, w = dossierCode.ReplaceAllString(g, "<code>"), dossierCode.ReplaceAllString(w, "<code>"); g != w {
		t.Errorf("%s failed for different reasons:\n  real:     %s\n  embedded: %s", defect, g, w)
	}
}

// realProfile rewrites the profile `dvcqa mock serve` wrote as a real
// target's: kind real, the registered redirect URI, secrets and test
// accounts named by environment variables (set here, from the world's
// seed, as a QA team exports a staging system's), health probes off.
func realProfile(t *testing.T, cat *fixtures.Catalog, mockFile string) string {
	t.Helper()
	tg, err := fixtures.LoadTarget(mockFile, cat)
	if err != nil {
		t.Fatal(err)
	}
	secret := func(env, name string) string {
		t.Setenv(env, fixtures.MockSecret(tg.Seed, name))
		return env
	}
	tg.Kind, tg.Name = fixtures.KindReal, "real-kind-proof"
	tg.SSO.RedirectURI = tg.URLs.Portal + "/auth/callback"
	tg.SSO.ClientSecretEnv = secret("DVCQA_RK_SSO_SECRET", "sso:"+tg.SSO.ClientID)
	tg.SSO.ShortLivedClientSecretEnv = secret("DVCQA_RK_SSO_SHORT_SECRET", "sso:"+tg.SSO.ShortLivedClient)
	tg.Gateway.ClientSecretEnv = secret("DVCQA_RK_GATEWAY_SECRET", "gateway:"+tg.Gateway.ClientID)
	tg.DVCQG.PasswordEnv = secret("DVCQA_RK_DVCQG_PASSWORD", "dvcqg:"+tg.DVCQG.Username)
	tg.Payment.SecretEnv = secret("DVCQA_RK_PAYMENT_SECRET", "payment:"+tg.Payment.PartnerCode)
	tg.Health = fixtures.HealthProbes{Portal: fixtures.HealthNone, SSO: fixtures.HealthNone, Gateway: fixtures.HealthNone,
		DVCQG: fixtures.HealthNone, Payment: fixtures.HealthNone}
	tg.Gate.PlatformReady = nil
	w, err := citizens.Generate(cat.Provinces, cat.Databases, tg.Seed, citizens.DefaultPerProvince)
	if err != nil {
		t.Fatal(err)
	}
	tg.Accounts = nil
	for i, c := range w.Applicants(tg.Province) {
		env := func(what, v string) string {
			name := fmt.Sprintf("DVCQA_RK_CITIZEN%d_%s", i+1, what)
			t.Setenv(name, v)
			return name
		}
		// Which databases know the citizen: what a staging system's test
		// data sheet says of its accounts.
		dbs := slices.Sorted(maps.Keys(c.Records))
		tg.Accounts = append(tg.Accounts, fixtures.Account{PersonalIDEnv: env("ID", c.PersonalID), PasswordEnv: env("PASSWORD", c.Password),
			FullNameEnv: env("NAME", c.FullName), DateOfBirthEnv: env("BIRTH", c.BirthDate), Databases: dbs})
	}
	path := filepath.Join(filepath.Dir(mockFile), "real.yaml")
	if err := writeTargetFile(path, tg); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), fixtures.MockSecret(tg.Seed, "gateway:"+tg.Gateway.ClientID)) {
		t.Fatal("a secret was written into the real profile")
	}
	return path
}

// embeddedProfile is the embedded mock target speaking realDialects.
func embeddedProfile(t *testing.T, cat *fixtures.Catalog, path string) string {
	t.Helper()
	tg, err := fixtures.DefaultTarget(cat)
	if err != nil {
		t.Fatal(err)
	}
	d, err := parseDialects(realDialects)
	if err != nil {
		t.Fatal(err)
	}
	tg.DVCQG.Dialect, tg.Payment.Dialect, tg.Gateway.Dialect = d["dvcqg"], d["payment"], d["gateway"]
	tg.SetSSODialect(d["sso"])
	tg.Name = "embedded-dialects"
	if err := writeTargetFile(path, tg); err != nil {
		t.Fatal(err)
	}
	return path
}

func firstFailure(s *reports.Summary, id string) string {
	for _, v := range s.Services {
		if v.ID == id && len(v.Failures) > 0 {
			return v.Failures[0].Headline
		}
	}
	return ""
}

func logFailures(t *testing.T, s *reports.Summary) {
	t.Helper()
	for _, v := range s.Services {
		for _, f := range v.Failures {
			t.Logf("%s %s: %s", s.Target.Name, v.ID, f.Headline)
		}
	}
	for id, v := range s.Platform {
		for _, f := range v.Failures {
			t.Logf("%s %s: %s", s.Target.Name, id, f.Headline)
		}
	}
	for id, v := range s.NationalDBs {
		for _, f := range v.Failures {
			t.Logf("%s %s: %s", s.Target.Name, id, f.Headline)
		}
	}
}
