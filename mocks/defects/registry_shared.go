package defects

// sharedRuleDefects break the mock's side of a rule the harness implements
// too (working days, status codes, date layouts, signatures, validation,
// token rules): proof that the two implementations are independent. Each
// breaks only the mock's implementation (mocks/<system>); the harness keeps
// forming its expectation with its own code, so the declared specs fail.
func sharedRuleDefects() []Defect {
	return []Defect{
		{Name: "calendar-saturday-working", System: "portal", Scopable: true,
			Description: "The portal's working-day calendar counts Saturday as a working day, so appointment dates come early.",
			// DV23 takes 20 working days: from any day, six or more working
			// days after it take in a Saturday that is not a holiday.
			Example: "calendar-saturday-working@DV23", Filter: "layer:api && (service:DV23 || service:DV10)",
			ExpectedSpecs: []string{e2e("DV23")}, Symptom: `appointment_at: want`},
		{Name: "status-codes-swapped", System: "portal", Scopable: true,
			Description: "The portal's status table swaps the national portal codes of accepted (2) and processing (4), in what it reports and what it syncs.",
			Example:     "status-codes-swapped@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
			ExpectedSpecs: []string{e2e("DV09")}, Symptom: `status_code: want 2, got 4`},
		{Name: "payment-signature-field-order", System: "payment",
			Description: "The payment platform builds MaXacThuc over its fields in reverse order: genuine INIT and QUERY messages are refused and its callbacks do not verify.",
			Example:     "payment-signature-field-order", Filter: "layer:api && (system:payment || service:DV02 || service:DV10)",
			ExpectedSpecs: []string{e2e("DV02"), `rejects an INIT whose MaXacThuc signature is wrong`,
				`has the portal refuse a callback with a bad signature`, paymentReplay},
			Symptom: "Sai mã xác thực"},
		{Name: "payment-callback-field-order", System: "payment",
			Description: "The payment platform signs its callbacks over their fields in reverse order (INIT and QUERY stay right): the partner cannot verify that a fee was paid.",
			Example:     "payment-callback-field-order", Filter: "layer:api && (system:payment || service:DV02 || service:DV10)",
			ExpectedSpecs: []string{e2e("DV02")}, Symptom: `fee.paid: want true, got false`},
		{Name: "dvcqg-date-layout", System: "dvcqg",
			Description: "The national portal answers TraCuuHoSo with its dates as dd/MM/yyyy HH:mm:ss instead of yyyyMMddHHmmss.",
			Example:     "dvcqg-date-layout", Filter: "system:dvcqg",
			ExpectedSpecs: []string{dvcqgNewDossier}, Symptom: "NgayTiepNhan"},
		{Name: "dossier-code-format", System: "portal", Scopable: true,
			Description: "The portal writes dossier codes with the date as yyyyMMdd ({agency}-{yyyyMMdd}-{NNNN}).",
			Example:     "dossier-code-format@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
			ExpectedSpecs: []string{e2e("DV09")}, Symptom: `yyMMdd of submission`},
		{Name: "personal-id-lenient", System: "portal", Scopable: true,
			Description: "The portal's personal-ID rule takes any 8 to 12 digits as well-formed, so a short ID is refused as somebody else's, never as malformed.",
			Example:     "personal-id-lenient@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
			ExpectedSpecs: []string{malformed("DV09")}, Symptom: "not refused as an ID-format error"},
		{Name: "date-validation-lenient", System: "portal", Scopable: true,
			Description: "The portal's date rule checks only the YYYY-MM-DD shape, so 30 February is a date.",
			Example:     "date-validation-lenient@DV03", Filter: "layer:api && (service:DV03 || service:DV01)",
			ExpectedSpecs: []string{`DV03 .* rejects malformed dates and phone numbers`}, Symptom: "invalid_format"},
		{Name: "phone-validation-lenient", System: "portal", Scopable: true,
			Description: "The portal's phone rule takes any 9 to 11 digits, so a number missing a digit is a phone number.",
			Example:     "phone-validation-lenient@DV03", Filter: "layer:api && (service:DV03 || service:DV01)",
			ExpectedSpecs: []string{`DV03 .* rejects malformed dates and phone numbers`}, Symptom: "invalid_format"},
		{Name: "sso-iat-future", System: "sso",
			Description: "The SSO issues ID tokens whose iat lies half their lifetime in the future.",
			// The harness checks the ID token's rules at every login, so each
			// spec that logs in with the portal's client fails there.
			Example: "sso-iat-future", Filter: "system:sso",
			ExpectedSpecs: []string{`publishes a discovery document`, ssoLogin,
				`has its tokens refused by the portal when the signature is forged`, `refreshes tokens with the refresh token`},
			Symptom: "issued in the future"},
	}
}
