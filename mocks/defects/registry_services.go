package defects

// Spec-name patterns of the service kinds not named in registry.go.
func unauthenticatedSpec(svc string) string {
	return svc + ` .* rejects unauthenticated calls with 401`
}
func browserMissing(svc string) string {
	return svc + ` .* shows the error next to a missing required field in the browser`
}

// serviceKindDefects prove the service specs' negative, browser and
// connection kinds can fail (issue 8: every kind of spec has a defect).
// Each runs every spec of its layer on two services and is scoped to the
// first: the other specs, and the second service, prove there is no false
// alarm.
func serviceKindDefects() []Defect {
	return []Defect{
		{Name: "auth-not-required", System: "portal", Scopable: true,
			Description: "The service's routes skip the login check: its form is served without a token, to an anonymous caller.",
			Example:     "auth-not-required@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
			ExpectedSpecs: []string{unauthenticatedSpec("DV09")}, Symptom: "without a token was accepted"},
		{Name: "id-format-unchecked", System: "portal", Scopable: true,
			Description: "A malformed personal ID in the prefilled SoDinhDanh is only compared with national data: it is refused as a mismatch, like somebody else's valid ID, never as malformed.",
			Example:     "id-format-unchecked@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
			ExpectedSpecs: []string{malformed("DV09")}, Symptom: "not refused as an ID-format error"},
		{Name: "idempotency-conflict-ignored", System: "portal", Scopable: true,
			Description: "Only the Idempotency-Key is compared: the same key with another body replays the first dossier instead of answering 409.",
			Example:     "idempotency-conflict-ignored@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
			ExpectedSpecs: []string{retried("DV09")}, Symptom: "another body for DV09 was accepted"},
		{Name: "web-error-hidden", System: "portal", Scopable: true,
			Description: "The web form renders the message next to a bad field hidden: the citizen sees no error by the missing field (only the summary).",
			Example:     "web-error-hidden@DV09", Filter: "layer:browser && (service:DV09 || service:DV10)",
			ExpectedSpecs: []string{browserMissing("DV09")}, Symptom: "is not visible"},
		{Name: "chain-wrong-applicant", System: "portal", Scopable: true,
			Description: "The follow-on dossiers of a liên thông (inter-linked) chain are filed under another person the form names (the deceased, the head of household), not the applicant.",
			Example:     "chain-wrong-applicant@DV16", Filter: "layer:api && (service:DV16 || service:DV15)",
			ExpectedSpecs: []string{e2e("DV16")}, Symptom: "applicant of follow-on"},
		{Name: "required-as-format-error", System: "portal", Scopable: true,
			Description: "An empty required field runs through the format check: the 422 calls it malformed (invalid_format), not missing (required).",
			Example:     "required-as-format-error@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
			ExpectedSpecs: []string{missing("DV09")}, Symptom: "the 422 names"},
		{Name: "www-authenticate-missing", System: "portal", Scopable: true,
			Description: "The portal's 401 answers carry no WWW-Authenticate challenge (RFC 6750), so a client cannot tell how to authenticate.",
			Example:     "www-authenticate-missing@DV09", Filter: "layer:api && (service:DV09 || service:DV10)",
			ExpectedSpecs: []string{unauthenticatedSpec("DV09")}, Symptom: `WWW-Authenticate ""`},
		{Name: "chain-step-stuck", System: "portal", Scopable: true,
			Description: "The follow-on dossiers of a liên thông (inter-linked) chain are created but never picked up by the receiving agency: they stay submitted.",
			Example:     "chain-step-stuck@DV15", Filter: "layer:api && (service:DV15 || service:DV16)",
			ExpectedSpecs: []string{e2e("DV15")}, Symptom: `did not reach "delivered"`},
		{Name: "tax-records-lost", System: "nationaldb",
			Description: "The tax database has lost its records: every lookup is not found, so a form that prefills only optional fields from it shows them empty.",
			Example:     "tax-records-lost", Filter: "layer:api && (service:DV18 || service:DV10)",
			ExpectedSpecs: []string{e2e("DV18")}, Symptom: "answered no record of test citizen"},
	}
}
