package framework

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/api/gateway"
	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/internal/redact"
	"github.com/dvcqa/dvcqa/vocab"
)

// Env is the resolved target of one Ginkgo process: where every system is
// and the drivers that talk to them. It is built once, in the suite's
// SynchronizedBeforeSuite, and read by every spec.
type Env struct {
	Target  *fixtures.Target
	Catalog *fixtures.Catalog

	SSO      *sso.Client // the portal's OIDC client
	ShortSSO *sso.Client // a client with short-lived tokens; nil when the target has none
	// tokenLogin is sso.login refresh_token's driver; nil = password logins.
	tokenLogin *sso.TokenLogin
	session    *sso.Session // sso.login session's saved session; nil otherwise
	// PostLogoutURI is a post_logout_redirect_uri registered for SSO's
	// client: the profile's, else the portal's base URL with a slash.
	PostLogoutURI string
	Gateway       *gateway.Client
	DVCQG         *dvcqg.Client
	Payment       *payment.Client
	HTTP          *http.Client

	httpLog  *httpLog
	wire     *wireWatch
	contract *contractCheck // nil when the target's profile turns validation off
	allow    *allowGuard    // refuses data-mutating portal requests no MustAllow granted (allow.go)

	citizens   []Citizen
	logins     logins      // each citizen's last tokens (logins.go)
	allocation *Allocation // which citizen each (role, item) gets
	business   *Citizen    // a citizen with a business-registration record, if known
	unknownID  string
}

// Citizen is a test account: who logs in, and with what.
type Citizen struct {
	PersonalID string
	Password   string
	Databases  []string // national databases the citizen has a record in; nil when the target does not say
	// FullName (HoVaTen) and DateOfBirth (YYYY-MM-DD): what the gateway's
	// ndxp dialect sends with the personal ID; "" when the target does not
	// say (identityGap then names the missing profile keys).
	FullName, DateOfBirth string
	identityGap           string
}

var (
	envMu  sync.Mutex
	active *Env
	// A run over several provinces has an Env per province (provinces.go).
	envs    = map[string]*Env{}
	pending = map[string]pendingEnv{}
	envErrs = map[string]error{}
)

// Setup resolves the target (URLs filled in, e.g. by the embedded mock
// starter) into an Env for this process: the process's own, which specs
// without a province label use.
func Setup(t *fixtures.Target, cat *fixtures.Catalog) (*Env, error) {
	e, err := setup(t, cat)
	if err != nil {
		return nil, err
	}
	envMu.Lock()
	active = e
	envs[t.Province] = e
	envMu.Unlock()
	return e, nil
}

func setup(t *fixtures.Target, cat *fixtures.Catalog) (*Env, error) {
	if err := checkURLs(t.URLs); err != nil {
		return nil, fmt.Errorf("target %s: %w", t.Name, err)
	}
	tr, err := newTargetTransport(t) // CA bundle and client certificates (tls.go)
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", t.Name, err)
	}
	log := &httpLog{next: tr}
	wire := newWireWatch(log, map[string]string{"portal": t.URLs.Portal, "sso": ssoBase(t),
		"gateway": t.URLs.Gateway, "dvcqg": t.URLs.DVCQG, "payment": t.URLs.Payment})
	httpc := &http.Client{Timeout: t.Timeouts.Request, Transport: wire}
	e := &Env{Target: t, Catalog: cat, HTTP: httpc, httpLog: log, wire: wire}
	// The contract check sits outside the log, so that a request it refuses
	// (a harness bug) never reaches the target.
	ctx, cancel := context.WithTimeout(context.Background(), t.Timeouts.Request)
	defer cancel()
	check, err := newContractCheck(ctx, t, wire)
	if err != nil {
		return nil, fmt.Errorf("target %s: portal contract: %w", t.Name, err)
	}
	if check != nil {
		e.contract = check
		httpc.Transport = check
	}
	e.allow = e.newAllowGuard(httpc.Transport) // allow.go; records created dossiers (created.go)
	httpc.Transport = e.allow

	redirect := t.SSO.RedirectURI
	if redirect == "" {
		redirect = strings.TrimRight(t.URLs.Portal, "/") + "/auth/callback"
	}
	newSSO := func(clientID string) (*sso.Client, error) {
		secret, err := t.SSOSecret(clientID)
		if err != nil {
			return nil, fmt.Errorf("sso client %s: %w", clientID, err)
		}
		return &sso.Client{Issuer: t.URLs.SSO, ClientID: clientID, RedirectURI: redirect,
			UsernameField: t.SSO.UsernameField, PasswordField: t.SSO.PasswordField, HTTP: httpc,
			Dialect: t.Dialects()[vocab.SystemSSO], ClientAuth: t.SSO.ClientAuth, ClientSecret: secret,
			ACRValues: t.SSO.ACRValues, Scopes: t.SSO.Scopes}, nil
	}
	if e.SSO, err = newSSO(t.SSO.ClientID); err != nil {
		return nil, err
	}
	if t.SSO.Login == fixtures.SSOLoginToken {
		rt, err := t.SSORefreshToken()
		if err != nil {
			return nil, fmt.Errorf("sso.login refresh_token: %w", err)
		}
		e.tokenLogin = e.SSO.NewTokenLogin(rt)
	}
	if t.SSO.Login == fixtures.SSOLoginSess {
		if e.session, err = loadSession(t); err != nil {
			return nil, err
		}
	}
	e.PostLogoutURI = t.SSO.PostLogoutRedirectURI
	if e.PostLogoutURI == "" {
		e.PostLogoutURI = strings.TrimRight(t.URLs.Portal, "/") + "/"
	}
	if t.SSO.ShortLivedClient != "" {
		if e.ShortSSO, err = newSSO(t.SSO.ShortLivedClient); err != nil {
			return nil, err
		}
	}

	gwSecret, err := t.GatewaySecret()
	if err != nil {
		return nil, fmt.Errorf("gateway credentials: %w", err)
	}
	e.Gateway = &gateway.Client{BaseURL: t.URLs.Gateway, ClientID: t.Gateway.ClientID, ClientSecret: gwSecret, HTTP: httpc,
		Dialect: t.Gateway.Dialect, Identity: e.gatewayIdentity}

	dvPass, err := t.DVCQGPassword()
	if err != nil {
		return nil, fmt.Errorf("national portal credentials: %w", err)
	}
	e.DVCQG = &dvcqg.Client{BaseURL: t.URLs.DVCQG, Username: t.DVCQG.Username, Password: dvPass,
		DstCode: t.DVCQG.DstCode, AgencyID: t.DVCQG.AgencyID, HTTP: httpc, Dialect: vocab.DialectOr(vocab.SystemDVCQG, t.DVCQG.Dialect)}

	paySecret, err := t.PaymentSecret()
	if err != nil {
		return nil, fmt.Errorf("payment credentials: %w", err)
	}
	e.Payment = &payment.Client{BaseURL: t.URLs.Payment, PartnerCode: t.Payment.PartnerCode, Secret: paySecret, TokenSecret: paySecret, HTTP: httpc, Dialect: t.Payment.Dialect}

	if err := e.loadCitizens(); err != nil {
		return nil, err
	}
	return e, nil
}

func checkURLs(u fixtures.URLs) error {
	var missing []string
	for name, v := range map[string]string{"portal": u.Portal, "sso": u.SSO, "gateway": u.Gateway, "dvcqg": u.DVCQG, "payment": u.Payment} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no URL for %s", strings.Join(missing, ", "))
	}
	return nil
}

// loadCitizens picks the test accounts: the synthetic citizens of the mock
// world's seed, or the accounts a real target names by environment variable.
func (e *Env) loadCitizens() error {
	t := e.Target
	if t.Kind == "mock" {
		w, err := citizens.Generate(e.Catalog.Provinces, e.Catalog.Databases, t.Seed, citizens.DefaultPerProvince)
		if err != nil {
			return fmt.Errorf("synthetic citizens: %w", err)
		}
		// Those who held an old 9-digit ID card (SoCMND) first: DV01 confirms
		// it, and the specs take citizens from the front (Allocate).
		applicants := w.Applicants(t.Province)
		slices.SortStableFunc(applicants, func(a, b *citizens.Citizen) int {
			return boolRank(a.Records["population"]["SoCMND"] == "") - boolRank(b.Records["population"]["SoCMND"] == "")
		})
		for _, c := range applicants {
			pop := c.Records["population"]
			e.citizens = append(e.citizens, Citizen{PersonalID: c.PersonalID, Password: c.Password, Databases: databasesOf(c),
				FullName: pop["HoVaTen"], DateOfBirth: pop["NgayThangNamSinh"]})
			if _, ok := c.Records["business_registration"]; ok && e.business == nil {
				e.business = &Citizen{PersonalID: c.PersonalID, Password: c.Password, Databases: databasesOf(c),
					FullName: pop["HoVaTen"], DateOfBirth: pop["NgayThangNamSinh"]}
			}
		}
		e.unknownID = w.UnknownPersonalID()
	} else {
		for i, a := range t.Accounts {
			id, pw := os.Getenv(a.PersonalIDEnv), os.Getenv(a.PasswordEnv)
			if id == "" || pw == "" {
				return fmt.Errorf("account %d: set %s and %s", i+1, a.PersonalIDEnv, a.PasswordEnv)
			}
			c := accountIdentity(i, a, Citizen{PersonalID: id, Password: pw, Databases: a.Databases})
			e.citizens = append(e.citizens, c)
			if e.business == nil && slices.Contains(a.Databases, "business_registration") {
				e.business = &c
			}
		}
		learnAccounts(e.citizens) // accountpii.go: masked in every artefact
		// Well-formed (Hà Nội, male, 1999) with a serial no registry hands out
		// to test data; a real target may still know it, which the spec reports.
		e.unknownID = "001099000000"
	}
	if len(e.citizens) == 0 {
		return errors.New("no test citizens for the target's province")
	}
	a, err := Allocate(e.Catalog, len(e.citizens), t.Allow.Submit)
	if err != nil {
		return fmt.Errorf("target %s: %w", t.Name, err)
	}
	e.allocation = a
	return nil
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Active returns the Env of this process, or nil before Setup.
func Active() *Env {
	envMu.Lock()
	defer envMu.Unlock()
	return active
}

// Citizen returns the test citizen of the n-th item (e.g. the service's
// index in the catalog) of a role: its own, unless the target has too few
// and runs no data-mutating spec (see Allocate).
func (e *Env) Citizen(role Role, n int) Citizen {
	return e.citizens[e.allocation.Index(role, n)]
}

// CitizenSharing says that test citizens are shared between specs, and
// why; "" when every spec has its own.
func (e *Env) CitizenSharing() string { return e.allocation.Shared }

// BusinessCitizen returns a citizen with a business-registration record, if
// the target has one.
func (e *Env) BusinessCitizen() (Citizen, bool) {
	if e.business == nil {
		return Citizen{}, false
	}
	return *e.business, true
}

// UnknownPersonalID is a well-formed personal ID that no test citizen has.
func (e *Env) UnknownPersonalID() string { return e.unknownID }

// Portal returns a portal client acting with the given ID token ("" = none).
func (e *Env) Portal(idToken string) *portal.Client {
	return &portal.Client{BaseURL: e.Target.URLs.Portal, Token: idToken, HTTP: e.HTTP}
}

// login is the target's login kind (sso.login): the SSO's login form with
// the citizen's password, or the one refresh token of refresh_token, which
// must be the citizen's.
func (e *Env) login(ctx context.Context, c Citizen) (*sso.Tokens, error) {
	var toks *sso.Tokens
	var err error
	var whose string
	switch {
	case e.tokenLogin != nil:
		toks, err = e.tokenLogin.Login(ctx)
		whose = "sso.login refresh_token: the refresh token in " + e.Target.SSO.RefreshTokenEnv
	case e.session != nil:
		toks, err = e.SSO.LoginWithSession(ctx, e.session)
		whose = "sso.login session: the session saved in " + e.Target.SSO.SessionFile
	default:
		return e.SSO.Login(ctx, c.PersonalID, c.Password)
	}
	if err != nil {
		return nil, err
	}
	if c.PersonalID != "" {
		if sub, err := sso.Subject(toks.IDToken); err != nil || sub != c.PersonalID {
			return nil, fmt.Errorf("%s is not test citizen %s's (it serves one account: list only it)", whose, redact.ID(c.PersonalID))
		}
	}
	return toks, nil
}

// PasswordLogin says whether test citizens log in by password (sso.login
// password): specs that type a password themselves skip otherwise.
func (e *Env) PasswordLogin() bool { return e.tokenLogin == nil && e.session == nil }

// loadSession reads sso.login session's file: an expired session stops
// the run here, before any spec.
func loadSession(t *fixtures.Target) (*sso.Session, error) {
	s, err := sso.ReadSession(t.SSO.SessionFile)
	if err != nil {
		return nil, fmt.Errorf("sso.login session: %w", err)
	}
	if s.Expired(time.Now()) {
		return nil, fmt.Errorf("sso.login session: the session saved in %s (by dvcqa auth save, %s) expired at %s: save a new one with dvcqa auth save",
			t.SSO.SessionFile, s.SavedAt.Format(time.RFC3339), s.Expires.Format(time.RFC3339))
	}
	return s, nil
}

// SSOSessionNote says, for the report, when sso.login session's saved
// session expires; "" for other login kinds.
func (e *Env) SSOSessionNote() string {
	if e.session == nil {
		return ""
	}
	exp := "an unknown time"
	if !e.session.Expires.IsZero() {
		exp = e.session.Expires.Format(time.RFC3339) + " (in " + time.Until(e.session.Expires).Round(time.Minute).String() + ")"
	}
	return fmt.Sprintf("SSO logins use the session saved in %s at %s; it expires at %s", e.Target.SSO.SessionFile, e.session.SavedAt.Format(time.RFC3339), exp)
}

// ssoBase is the prefix of every SSO endpoint, for telling its requests
// apart: the issuer, but in dialect wso2 the host's base, the issuer
// being …/oauth2/token beside /oauth2/authorize and the login pages.
func ssoBase(t *fixtures.Target) string {
	iss := strings.TrimRight(t.URLs.SSO, "/")
	if t.Dialects()[vocab.SystemSSO] == vocab.DialectSSOWSO2 {
		return strings.TrimSuffix(iss, "/oauth2/token")
	}
	return iss
}
