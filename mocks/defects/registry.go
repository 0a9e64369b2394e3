package defects

// Spec-name patterns (regular expressions over Ginkgo's full spec text).
func e2e(svc string) string        { return svc + ` .* is processed end to end` }
func missing(svc string) string    { return svc + ` .* rejects a submission missing a required field` }
func malformed(svc string) string  { return svc + ` .* rejects a malformed personal ID` }
func retried(svc string) string    { return svc + ` .* submit is retried with the same idempotency key` }
func dbSpec(db, it string) string  { return `gateway ` + db + ` \(.*\) ` + it }
func connection(dbs string) string { return "kind:connection && (" + dbs + ")" }

const (
	reachable  = "is reachable through the gateway"
	authSpec   = "enforces authentication"
	consistent = "returns records consistent with the population database"
	notFound   = "answers 404 not-found"
	audited    = "records the lookup in the gateway's audit log"
)

// StaleDatabases are the national databases with a "<db>-stale" defect.
var StaleDatabases = []string{"population", "civil_status", "insurance", "tax", "land", "vehicles", "driving_licences", "judicial_records", "business_registration"}

// The registry: the defects above, then one "<db>-stale" per database, then
// the defects that prove the services' and the platform's other spec kinds
// can fail (registry_services.go, registry_platform.go).
var registry = concat([]Defect{
	{Name: "prefill-wrong-citizen", System: "portal", Scopable: true,
		Description: "The form is prefilled with another citizen's national record (a relative's).",
		Example:     "prefill-wrong-citizen@DV03", Filter: "layer:api && (service:DV03 || service:DV05)",
		ExpectedSpecs: []string{e2e("DV03")}, Symptom: `fields[SoDinhDanh].value`},
	{Name: "prefill-missing-field", Param: "field", System: "portal", Scopable: true,
		Description: "The form leaves one national-data field empty instead of prefilling it.",
		Example:     "prefill-missing-field:ThuongTru@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
		ExpectedSpecs: []string{e2e("DV09")}, Symptom: `fields[ThuongTru].value`},
	{Name: "population-db-down", System: "nationaldb",
		Description: "The population database does not answer (the gateway gets 503).",
		Example:     "population-db-down", Filter: connection("db:population || db:tax"),
		ExpectedSpecs: []string{dbSpec("population", reachable), dbSpec("population", consistent), dbSpec("population", notFound),
			dbSpec("population", audited), dbSpec("population", prefillAudited), dbSpec("tax", consistent)},
		Symptom: "population"},
	{Name: "population-db-slow", System: "nationaldb",
		Description: "The population database answers after the gateway's deadline.",
		Example:     "population-db-slow", Filter: connection("db:population || db:tax"),
		ExpectedSpecs: []string{dbSpec("population", reachable), dbSpec("population", consistent), dbSpec("population", notFound),
			dbSpec("population", audited), dbSpec("population", prefillAudited), dbSpec("tax", consistent)},
		Symptom: "population"},
	{Name: "gateway-auth-bypass", System: "gateway",
		Description: "The gateway serves lookups without a valid token and issues tokens for a wrong secret.",
		Example:     "gateway-auth-bypass", Filter: connection("db:population || db:tax"),
		ExpectedSpecs: []string{dbSpec("population", authSpec), dbSpec("tax", authSpec)}, Symptom: "without a token"},
	{Name: "gateway-audit-missing", System: "gateway",
		Description: "The gateway does not write lookups to its audit log.",
		Example:     "gateway-audit-missing", Filter: connection("db:population || db:tax"),
		ExpectedSpecs: []string{dbSpec("population", audited), dbSpec("tax", audited), dbSpec("population", prefillAudited)}, Symptom: "audit log lacks"},
	{Name: "sso-token-not-verified", System: "portal", Scopable: true,
		Description: "The portal accepts ID tokens without checking their signature.",
		Example:     "sso-token-not-verified", Filter: "system:sso",
		ExpectedSpecs: []string{`has its tokens refused by the portal when the signature is forged`}, Symptom: "signature was altered"},
	{Name: "sso-expired-accepted", System: "portal", Scopable: true,
		Description: "The portal accepts ID tokens past their expiry.",
		Example:     "sso-expired-accepted", Filter: "system:sso",
		ExpectedSpecs: []string{`issues tokens that expire, which the portal then refuses`}, Symptom: "past its expiry"},
	{Name: "sso-wrong-password-accepted", System: "sso",
		Description: "The SSO logs a citizen in with any password.",
		Example:     "sso-wrong-password-accepted", Filter: "system:sso",
		ExpectedSpecs: []string{`refuses a wrong password`}, Symptom: "accepted a wrong password"},
	{Name: "fee-wrong-amount", System: "portal", Scopable: true,
		Description: "The dossier asks a fee different from the catalog's.",
		Example:     "fee-wrong-amount@DV07", Filter: "layer:api && (service:DV07 || service:DV05)",
		ExpectedSpecs: []string{e2e("DV07")}, Symptom: `fee.amount_vnd: want 150000`},
	{Name: "payment-callback-unsigned-accepted", System: "portal", Scopable: true,
		Description: "The portal records payment callbacks whose MaXacThuc signature is wrong.",
		Example:     "payment-callback-unsigned-accepted@DV02", Filter: "layer:api && (system:payment || service:DV02)",
		ExpectedSpecs: []string{`has the portal refuse a callback with a bad signature`}, Symptom: "bad signature"},
	{Name: "payment-not-recorded", System: "portal", Scopable: true,
		Description: "The portal acknowledges the payment callback but never records the payment.",
		Example:     "payment-not-recorded@DV07", Filter: "layer:api && (service:DV07 || service:DV05)",
		ExpectedSpecs: []string{e2e("DV07")}, Symptom: `fee.paid: want true, got false`},
	{Name: "payment-init-unsigned-accepted", System: "payment",
		Description: "The payment platform accepts INIT messages with a wrong signature.",
		Example:     "payment-init-unsigned-accepted", Filter: "system:payment",
		ExpectedSpecs: []string{`rejects an INIT whose MaXacThuc signature is wrong`}, Symptom: "accepted an INIT"},
	{Name: "status-stuck", Param: "state", System: "portal", Scopable: true,
		Description: "Dossiers never leave the given workflow state.",
		Example:     "status-stuck:processing@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
		ExpectedSpecs: []string{e2e("DV09")}, Symptom: `did not reach "delivered"`},
	{Name: "deadline-missed", System: "portal", Scopable: true,
		Description: "Officers deliver the result after the appointment date.",
		Example:     "deadline-missed@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
		ExpectedSpecs: []string{e2e("DV09")}, Symptom: `delivered_at: want by the appointment date`},
	{Name: "appointment-date-wrong", System: "portal", Scopable: true,
		Description: "The appointment date counts calendar days instead of working days.",
		Example:     "appointment-date-wrong@DV23", Filter: "layer:api && (service:DV23 || service:DV10)",
		ExpectedSpecs: []string{e2e("DV23")}, Symptom: `appointment_at: want`},
	{Name: "dvcqg-sync-missing", System: "portal", Scopable: true,
		Description: "The national portal never learns of the dossier.",
		Example:     "dvcqg-sync-missing@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
		ExpectedSpecs: []string{e2e("DV09")}, Symptom: "national portal has no dossier"},
	{Name: "dvcqg-status-lag", System: "portal", Scopable: true,
		Description: "The national portal keeps an older status: state changes are not re-synced.",
		Example:     "dvcqg-status-lag@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
		ExpectedSpecs: []string{e2e("DV09")}, Symptom: "national portal status"},
	{Name: "dvcqg-history-gap", System: "portal", Scopable: true,
		Description: "A processing step is missing from the national portal's history.",
		Example:     "dvcqg-history-gap@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
		ExpectedSpecs: []string{e2e("DV09")}, Symptom: "national portal history"},
	{Name: "duplicate-on-retry", System: "portal", Scopable: true,
		Description: "The idempotency key is ignored: a retried submit creates a second dossier.",
		Example:     "duplicate-on-retry@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
		ExpectedSpecs: []string{retried("DV09")}, Symptom: "retried submit"},
	{Name: "validation-500", System: "portal", Scopable: true,
		Description: "A missing required field crashes the portal (HTTP 500) instead of a 422.",
		Example:     "validation-500@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
		ExpectedSpecs: []string{missing("DV09")}, Symptom: "answered HTTP 500"},
	{Name: "error-leaks-stack", System: "portal", Scopable: true,
		Description: "Validation errors show internal details (a stack trace).",
		Example:     "error-leaks-stack@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
		ExpectedSpecs: []string{missing("DV09"), malformed("DV09"), `DV09 .* rejects malformed dates and phone numbers`}, Symptom: "leaks internal details"},
	{Name: "submit-disabled", System: "portal", Scopable: true,
		Description: "The web form's final \"Nộp hồ sơ\" (submit) button is disabled: citizens cannot submit online.",
		Example:     "submit-disabled@DV09", Filter: "layer:browser && kind:e2e && (service:DV09 || service:DV10)",
		ExpectedSpecs: []string{`DV09 .* is processed end to end in the browser`}, Symptom: "disabled"},
	{Name: "a11y-contrast-low", System: "portal", Scopable: true,
		Description: "The service page prints its details in light grey on white (contrast about 2:1, WCAG AA needs 4.5:1).",
		Example:     "a11y-contrast-low@DV09", Filter: "layer:browser && kind:a11y && (service:DV09 || service:DV10)",
		ExpectedSpecs: []string{`DV09 .* passes the accessibility check`}, Symptom: "color-contrast"},
	{Name: "chain-broken", System: "portal", Scopable: true,
		Description: "The follow-on dossiers of a liên thông (inter-linked) chain are never created.",
		Example:     "chain-broken@DV15", Filter: "layer:api && (service:DV15 || service:DV16)",
		ExpectedSpecs: []string{e2e("DV15")}, Symptom: `chain[thuong_tru]: want`},
}, staleDefects(), serviceKindDefects(), platformKindDefects(), sharedRuleDefects(), pageDefects(), answerDefects(), nationalDefects(), ssoStandardsDefects(), resultDefects(), officerDefects())

func concat(lists ...[]Defect) []Defect {
	var out []Defect
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// staleDefects: one "<db>-stale" per database, a record older than the
// source's (the citizen's former name, an older update date).
func staleDefects() []Defect {
	var out []Defect
	for _, db := range StaleDatabases {
		d := Defect{Name: db + "-stale", System: "nationaldb",
			Description: "The " + db + " database serves an outdated record (former name, older update date).",
			Example:     db + "-stale", Filter: connection("db:" + db + " || db:population"),
			ExpectedSpecs: []string{dbSpec(db, consistent)}, Symptom: db + " name ≠ population name"}
		if db == "population" {
			// Population is the reference: the others disagree with it.
			d.Filter = connection("db:population || db:tax")
			d.ExpectedSpecs = []string{dbSpec("tax", consistent)}
			d.Symptom = "tax name ≠ population name"
		}
		out = append(out, d)
	}
	return out
}
