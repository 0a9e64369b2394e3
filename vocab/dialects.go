package vocab

// Dialects are the named styles in which an external system speaks its
// protocol. The target profile chooses one per system ("dialect" under the
// system's key); the harness's driver and the mock each implement every
// dialect on their own side. The first of each list is the default.
//
// Sources (../shared/protocols-public.md; all unverified against a real
// system until a real target confirms them):
//   - dvcqg envelope: dvcqa's first design (session, then one URL with a
//     "service" field, reply {error_code, message, result});
//   - dvcqg opencps: OpenCPS's DVCQGIntegrationActionImpl (LayThuTuc,
//     TraCuuHoSo by mahoso with result as an array, DongBoHoSoMC,
//     CapNhatTienDoHoSoMC; error_code "0"/"00");
//   - dvcqg rest: one URL per operation with bare JSON arrays (a 2025
//     provincial system; DongBoHoSoMC?MaDinhDanhDV=…&isUpdating=True);
//   - payment dvcqa: dvcqa's first design; payment published: the national
//     payment platform's INIT/QUERY fields, MaXacThuc signature strings and
//     the {error_code, message: "<JSON as a string>"} reply;
//   - gateway rest: dvcqa's GET lookup by ID; gateway ndxp: the population
//     database's published query (POST of the ID with name and date of
//     birth; the answer's message holds SOAP XML);
//   - sso oidc: OIDC code flow, public client with PKCE; sso wso2: the
//     national portal's WSO2-style /oauth2/* endpoints, a confidential client
//     (client_secret_basic or client_secret_post), acr_values (LoA levels).
const (
	DialectDVCQGEnvelope = "envelope"
	DialectDVCQGOpenCPS  = "opencps"
	DialectDVCQGRest     = "rest"

	DialectPaymentDvcqa     = "dvcqa"
	DialectPaymentPublished = "published"

	DialectGatewayREST = "rest"
	DialectGatewayNDXP = "ndxp"

	DialectSSOOIDC = "oidc"
	DialectSSOWSO2 = "wso2"
)

// Dialects lists each system's dialects, the default first.
var Dialects = map[string][]string{
	SystemDVCQG:   {DialectDVCQGEnvelope, DialectDVCQGOpenCPS, DialectDVCQGRest},
	SystemPayment: {DialectPaymentDvcqa, DialectPaymentPublished},
	SystemGateway: {DialectGatewayREST, DialectGatewayNDXP},
	SystemSSO:     {DialectSSOOIDC, DialectSSOWSO2},
}

// DialectOr is d, or the system's default dialect when d is "".
func DialectOr(system, d string) string {
	if d == "" && len(Dialects[system]) > 0 {
		return Dialects[system][0]
	}
	return d
}

// KnownDialect says whether d is a dialect of system ("" is the default).
func KnownDialect(system, d string) bool {
	if d == "" {
		return true
	}
	for _, k := range Dialects[system] {
		if k == d {
			return true
		}
	}
	return false
}

// NotApplicable begins the skip message of a spec whose rule does not
// apply to the target as its profile describes it (a dialect without the
// feature the rule is about). The report counts such a spec as neither
// passed nor missing; every other skip leaves its check NOT VERIFIED.
const NotApplicable = "not applicable: "
