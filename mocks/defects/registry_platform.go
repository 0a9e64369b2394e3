package defects

// Spec names of the platform suites (suites/platform), as Ginkgo's full
// spec text ends.
const (
	ssoDiscovery    = `publishes a discovery document and RS256 signing keys`
	ssoLogin        = `logs a test citizen in and issues an ID token that verifies and names the citizen`
	ssoRefresh      = `refreshes tokens with the refresh token`
	dvcqgWrongPass  = `refuses a session with a wrong password`
	dvcqgNotFound   = `answers not-found for an unknown dossier code`
	dvcqgNewDossier = `learns of a newly submitted dossier with the portal's status`
	paymentReplay   = `has the portal record a paid fee once when the callback is replayed`
	malformedSpec   = "answers 400 for a malformed personal ID"
)

// platformKindDefects prove the SSO, payment-platform, national-portal and
// national-database specs can fail (issue 8: every kind of spec has a defect).
// Each filter holds unrelated specs too, which must stay green.
func platformKindDefects() []Defect {
	return []Defect{
		{Name: "sso-discovery-incomplete", System: "sso",
			Description: "The OIDC discovery document leaves out code_challenge_methods_supported and grant_types_supported: by RFC 8414 the provider then supports neither PKCE nor refresh.",
			Example:     "sso-discovery-incomplete", Filter: "system:sso",
			ExpectedSpecs: []string{ssoDiscovery, ssoPKCE}, Symptom: "discovery document"},
		{Name: "sso-userinfo-wrong-citizen", System: "sso",
			Description: "The SSO's userinfo endpoint answers another citizen's claims for a valid access token.",
			Example:     "sso-userinfo-wrong-citizen", Filter: "system:sso",
			ExpectedSpecs: []string{ssoLogin}, Symptom: "userinfo"},
		{Name: "sso-refresh-not-rotated", System: "sso",
			Description: "A refresh answers the same refresh token again and keeps it valid (no rotation: a stolen token works forever).",
			Example:     "sso-refresh-not-rotated", Filter: "system:sso",
			ExpectedSpecs: []string{ssoRefresh}, Symptom: "refresh token"},
		{Name: "dvcqg-login-any-password", System: "dvcqg",
			Description: "The national portal opens an integration session for a known account whatever the password.",
			Example:     "dvcqg-login-any-password", Filter: "system:dvcqg",
			ExpectedSpecs: []string{dvcqgWrongPass}, Symptom: "wrong password"},
		{Name: "dvcqg-notfound-wrong-code", System: "dvcqg",
			Description: "TraCuuHoSo answers an unknown dossier code with error_code 2 instead of the protocol's -1 \"Không tìm thấy hồ sơ\".",
			Example:     "dvcqg-notfound-wrong-code", Filter: "system:dvcqg",
			ExpectedSpecs: []string{dvcqgNotFound}, Symptom: "error_code"},
		{Name: "dvcqg-received-date-utc", System: "dvcqg",
			Description: "The national portal serves a dossier's received date (NgayTiepNhan) in UTC, seven hours off the Vietnam time it was sent in.",
			Example:     "dvcqg-received-date-utc", Filter: "system:dvcqg",
			ExpectedSpecs: []string{dvcqgNewDossier}, Symptom: "NgayTiepNhan"},
		{Name: "payment-callback-recorded-twice", System: "portal", Scopable: true,
			Description: "A replayed payment callback is recorded again: the fee is counted twice and the officers start over.",
			Example:     "payment-callback-recorded-twice@DV02", Filter: "layer:api && (system:payment || service:DV02)",
			ExpectedSpecs: []string{paymentReplay}, Symptom: "recorded"},
		{Name: "gateway-malformed-500", System: "gateway",
			Description: "A malformed query (a personal ID that is not 12 digits) crashes the gateway: HTTP 500 instead of 400 invalid_request.",
			Example:     "gateway-malformed-500", Filter: connection("db:population || db:tax"),
			ExpectedSpecs: []string{dbSpec("population", malformedSpec), dbSpec("tax", malformedSpec)}, Symptom: "malformed ID"},
		{Name: "gateway-unknown-200-empty", System: "gateway",
			Description: "A lookup that finds no record answers 200 with an empty list instead of 404 not_found.",
			Example:     "gateway-unknown-200-empty", Filter: connection("db:population || db:tax"),
			ExpectedSpecs: []string{dbSpec("population", notFound), dbSpec("tax", notFound)}, Symptom: "unknown ID"},
		{Name: "civil_status-identity-drift", System: "nationaldb",
			Description: "The civil-status database names the citizen right but records the birth under the other kind of unit (ward and commune swapped).",
			Example:     "civil_status-identity-drift", Filter: connection("db:civil_status || db:population"),
			ExpectedSpecs: []string{dbSpec("civil_status", consistent)}, Symptom: "civil_status NoiDangKyKhaiSinh ≠ population NoiDangKyKhaiSinh"},
		{Name: "population-identity-drift", System: "nationaldb",
			Description: "The population database names the citizen right but serves a date of birth one day early, so it disagrees with the identity the SSO vouches for.",
			Example:     "population-identity-drift", Filter: "system:sso || " + connection("db:population || db:tax"),
			ExpectedSpecs: []string{ssoLogin}, Symptom: "NgayThangNamSinh"},
	}
}
