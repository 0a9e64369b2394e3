package world

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/mocks/dvcqg"
	"github.com/dvcqa/dvcqa/mocks/gateway"
	"github.com/dvcqa/dvcqa/mocks/nationaldb"
	"github.com/dvcqa/dvcqa/mocks/payment"
	"github.com/dvcqa/dvcqa/mocks/portal"
	"github.com/dvcqa/dvcqa/mocks/sso"
	"github.com/dvcqa/dvcqa/vocab"
)

// Client ids registered at the SSO for the portals.
const (
	PortalClient      = "dvcqa-portal"
	ShortPortalClient = "dvcqa-portal-short"
	Auditor           = "dvcqa-auditor"
	AuditorDstCode    = "DST00"
)

func (w *World) secret(name string) string { return fixtures.MockSecret(w.Seed, name) }

// build wires every system to the others by URL.
func (w *World) build(opts Options) (*http.ServeMux, error) {
	cat, base := w.Catalog, w.URL
	mux := http.NewServeMux()
	internal := &http.Client{Timeout: 10 * time.Second}
	if ext, err := url.Parse(base); err == nil && ext.Host != w.listen {
		// Behind a proxy (Options.URL): the systems reach one another directly.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		var d net.Dialer
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr == ext.Host {
				addr = w.listen
			}
			return d.DialContext(ctx, network, addr)
		}
		internal.Transport = tr
	}
	w.internalTLS(internal) // over https: trust the world's own certificates (tls.go)

	// SSO: every synthetic citizen can log in.
	var accounts []sso.Account
	for _, c := range w.Citizens.Citizens {
		pop := c.Records["population"]
		accounts = append(accounts, sso.Account{PersonalID: c.PersonalID, Password: c.Password, Claims: map[string]string{
			"HoVaTen": pop["HoVaTen"], "NgayThangNamSinh": pop["NgayThangNamSinh"], "GioiTinh": pop["GioiTinh"],
			"ThuongTru": pop["ThuongTru"], "SoDienThoai": pop["SoDienThoai"], "ThuDienTu": pop["ThuDienTu"]}})
	}
	var redirects, loggedOut []string
	for _, p := range cat.Provinces {
		redirects = append(redirects, base+"/portal/"+p.Code+"/auth/callback")
		loggedOut = append(loggedOut, base+"/portal/"+p.Code+"/") // after logout: the portal's home page
	}
	ret := opts.Retention
	// In dialect wso2 the portals' clients are confidential, their secrets
	// derived from the seed like every other mock secret.
	ssoDialect, ssoSecret := opts.dialect(vocab.SystemSSO), func(string) string { return "" }
	if ssoDialect == vocab.DialectSSOWSO2 {
		ssoSecret = func(id string) string { return w.secret("sso:" + id) }
	}
	ssoSrv, err := sso.New(sso.Options{Issuer: base + "/sso", Dialect: ssoDialect, Accounts: accounts, Defects: w.Defects,
		MaxLog: ret.LogEntries, MaxGrants: ret.Grants, Clients: []sso.Client{
			{ID: PortalClient, Secret: ssoSecret(PortalClient), RedirectURIs: redirects, PostLogoutRedirectURIs: loggedOut, TokenTTL: 10 * time.Minute},
			// Tokens that expire within seconds let specs prove expiry is enforced;
			// 2 s because exp has whole-second resolution (validity is 1–2 s).
			{ID: ShortPortalClient, Secret: ssoSecret(ShortPortalClient), RedirectURIs: redirects, PostLogoutRedirectURIs: loggedOut, TokenTTL: 2 * time.Second},
		}})
	if err != nil {
		return nil, fmt.Errorf("world: sso: %w", err)
	}
	mount(mux, "/sso", ssoSrv)
	w.systems.sso = ssoSrv

	// National databases, each its own server, behind the gateway.
	internalKey := w.secret("db-internal")
	dbURLs := map[string]string{}
	var scopes []string
	for _, db := range cat.Databases {
		srv, err := nationaldb.New(nationaldb.Options{DB: db, Records: recordMaps(w.Citizens.Records(db.ID)), InternalKey: internalKey, Defects: w.Defects, MaxLog: ret.LogEntries})
		if err != nil {
			return nil, fmt.Errorf("world: database %s: %w", db.ID, err)
		}
		mount(mux, "/db/"+db.ID, srv)
		w.systems.dbs = append(w.systems.dbs, srv)
		dbURLs[db.ID] = base + "/db/" + db.ID
		scopes = append(scopes, db.ID)
	}
	var gwClients []gateway.Client
	var dvAccounts []dvcqg.Account
	var partners []payment.Partner
	for _, p := range cat.Provinces {
		gwClients = append(gwClients, gateway.Client{ID: "province-" + p.Code, Secret: w.secret("gateway:province-" + p.Code), Scopes: scopes})
		dvAccounts = append(dvAccounts, dvcqg.Account{Username: "portal-" + p.Code, Password: w.secret("dvcqg:portal-" + p.Code), DstCode: "DST" + p.Code, AgencyID: p.AgencyID})
		partners = append(partners, payment.Partner{Code: "PORTAL-" + p.Code, Secret: w.secret("payment:PORTAL-" + p.Code), Name: "Cổng dịch vụ công " + p.NameVI,
			CallbackURL: base + "/portal/" + p.Code + "/api/v1/payment/callback", ReturnURL: base + "/portal/" + p.Code + "/payment/return"})
	}
	dvAccounts = append(dvAccounts, dvcqg.Account{Username: Auditor, Password: w.secret("dvcqg:" + Auditor), DstCode: AuditorDstCode, Auditor: true})

	gw, err := gateway.New(gateway.Options{BaseURL: base + "/gateway", Databases: cat.Databases, DatabaseURLs: dbURLs,
		InternalKey: internalKey, Clients: gwClients, HTTP: internal, Defects: w.Defects, Dialect: opts.dialect(vocab.SystemGateway),
		// Short, so a slow database shows as a timeout within a spec's budget.
		UpstreamTimeout: time.Second, MaxAudit: ret.AuditEntries, MaxLog: ret.LogEntries})
	if err != nil {
		return nil, fmt.Errorf("world: gateway: %w", err)
	}
	mount(mux, "/gateway", gw)
	w.systems.gateway = gw

	var procs []dvcqg.ThuTuc
	for _, s := range cat.Services {
		code := s.ProcedureCode
		if code == "" {
			code = s.ID
		}
		procs = append(procs, dvcqg.ThuTuc{MaTTHC: code, TenTTHC: s.NameVI, MaLinhVuc: s.FieldCode})
	}
	dv, err := dvcqg.New(dvcqg.Options{Accounts: dvAccounts, Procedures: procs, Defects: w.Defects,
		MaxDossiers: ret.NationalRecords, DossierIdle: ret.DossierIdle, Dialect: opts.dialect(vocab.SystemDVCQG)})
	if err != nil {
		return nil, fmt.Errorf("world: national portal: %w", err)
	}
	mount(mux, "/dvcqg", dv)
	w.systems.dvcqg = dv

	pay, err := payment.New(payment.Options{BaseURL: base + "/payment", Partners: partners, HTTP: internal, Defects: w.Defects,
		MaxTransactions: ret.Transactions, TransactionIdle: ret.DossierIdle, Dialect: opts.dialect(vocab.SystemPayment)})
	if err != nil {
		return nil, fmt.Errorf("world: payment platform: %w", err)
	}
	mount(mux, "/payment", pay)
	w.systems.payment = pay

	// One portal per province, each with its own credentials everywhere.
	ca, err := portal.NewCA("Mock CA dvcqa (không dùng thật)")
	if err != nil {
		return nil, fmt.Errorf("world: CA: %w", err)
	}
	w.resultCA = ca.CertPEM()
	for _, p := range cat.Provinces {
		signer, err := ca.NewSigner("Ủy ban nhân dân " + p.NameVI)
		if err != nil {
			return nil, fmt.Errorf("world: signer %s: %w", p.Code, err)
		}
		pbase := base + "/portal/" + p.Code
		ps, err := portal.New(portal.Options{
			BaseURL: pbase, Province: p, Catalog: cat, Clock: w.clock,
			SSOIssuer: ssoSrv.Issuer(), SSOClient: portalSSOClient(ssoDialect, base+"/sso", ssoSecret(PortalClient)),
			HTTP: internal, Signer: signer, Defects: w.Defects,
			Data: portal.NewGatewayData(base+"/gateway", "province-"+p.Code, w.secret("gateway:province-"+p.Code), internal).
				WithDialect(opts.dialect(vocab.SystemGateway)),
			National: portal.NewDVCQGPortal(base+"/dvcqg", "portal-"+p.Code, w.secret("dvcqg:portal-"+p.Code), "DST"+p.Code, p.AgencyID, internal),
			Payments: portal.PaymentPlatform{BaseURL: base + "/payment", PartnerCode: "PORTAL-" + p.Code,
				Secret: w.secret("payment:PORTAL-" + p.Code), HTTP: internal, Dialect: opts.dialect(vocab.SystemPayment)},
			Retention: portal.Retention{MaxDossiers: ret.Dossiers, MaxAttachments: ret.Attachments, DossierIdle: ret.DossierIdle, MaxSessions: ret.Sessions},

			DVCQGDialect: opts.dialect(vocab.SystemDVCQG), // the portal pushes in the national portal's dialect

			Officers:        opts.Officers,
			OfficerPassword: w.secret("officer:" + portal.OfficerUsername(p.Code)), // docs/officers.md, "Accounts"
		})
		if err != nil {
			return nil, fmt.Errorf("world: portal %s: %w", p.Code, err)
		}
		w.portals = append(w.portals, ps)
		mount(mux, "/portal/"+p.Code, ps)
	}

	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, _ *http.Request) {
		writeJSON(rw, map[string]any{"status": "ok", "system": "world", "seed": w.Seed})
	})
	w.mountAdmin(mux)
	mux.HandleFunc("GET /{$}", func(rw http.ResponseWriter, _ *http.Request) {
		writeJSON(rw, w.Index())
	})
	return mux, nil
}

// portalSSOClient is how a portal's web login meets the SSO: in dialect
// wso2 a confidential client (HTTP Basic) asking for LoA1, its keys at
// /oauth2/jwks; in oidc the zero value, a public client with PKCE.
func portalSSOClient(dialect, ssoBase, secret string) portal.SSOClient {
	if dialect != vocab.DialectSSOWSO2 {
		return portal.SSOClient{}
	}
	return portal.SSOClient{Secret: secret, AuthMethod: "client_secret_basic", ACRValues: "LoA1", JWKSURL: ssoBase + "/oauth2/jwks"}
}

func recordMaps(recs []citizens.Record) []map[string]string {
	out := make([]map[string]string, len(recs))
	for i, r := range recs {
		out[i] = r
	}
	return out
}

func writeJSON(rw http.ResponseWriter, v any) {
	rw.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(rw)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// Index lists where each system is, for people exploring the mock.
func (w *World) Index() map[string]any {
	provinces := map[string]string{}
	for _, p := range w.Catalog.Provinces {
		provinces[p.Code] = w.URL + "/portal/" + p.Code
	}
	dbs := map[string]string{}
	for _, db := range w.Catalog.Databases {
		dbs[db.ID] = w.URL + "/db/" + db.ID
	}
	return map[string]any{
		"sso":                w.systems.sso.Issuer(),
		"sso_discovery":      w.systems.sso.Issuer() + "/.well-known/openid-configuration",
		"gateway":            w.URL + "/gateway",
		"national_databases": dbs,
		"dvcqg":              w.URL + "/dvcqg",
		"payment":            w.URL + "/payment",
		"portals":            provinces,
		"seed":               w.Seed,
	}
}
