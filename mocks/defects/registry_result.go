package defects

// resultFilter runs the API and the browser end-to-end specs of DV09 and
// DV10: both verify the signed result PDF (the API's and the one the
// result page downloads) against the pinned CA. The defects are scoped to
// DV09; DV10 proves there is no false alarm.
const resultFilter = "(layer:api || (layer:browser && kind:e2e)) && (service:DV09 || service:DV10)"

// resultSpecs are the specs that must catch a result defect of DV09.
var resultSpecs = []string{e2e("DV09"), browserE2E("DV09")}

// resultDefects break the signed result PDF (issue 13): its signature, its
// signer's certificate, or what it states.
func resultDefects() []Defect {
	return []Defect{
		{Name: "result-unsigned", System: "portal", Scopable: true,
			Description: "The result PDF carries no signature at all.",
			Example:     "result-unsigned@DV09", Filter: resultFilter,
			ExpectedSpecs: resultSpecs, Symptom: "is not signed"},
		{Name: "result-pdf-tampered", System: "portal", Scopable: true,
			Description: "A signed byte of the result PDF (a digit of the applicant's ID in its document information) was changed after signing.",
			Example:     "result-pdf-tampered@DV09", Filter: resultFilter,
			ExpectedSpecs: resultSpecs, Symptom: "changed after signing"},
		{Name: "result-signer-untrusted", System: "portal", Scopable: true,
			Description: "The result PDF is validly signed by a look-alike certificate (same names) from another CA outside the pinned chain.",
			Example:     "result-signer-untrusted@DV09", Filter: resultFilter,
			ExpectedSpecs: resultSpecs, Symptom: "not certified under the pinned CA"},
		{Name: "result-signer-expired", System: "portal", Scopable: true,
			Description: "The result PDF is signed with a certificate of the right CA that expired a year before the signing time.",
			Example:     "result-signer-expired@DV09", Filter: resultFilter,
			ExpectedSpecs: resultSpecs, Symptom: "not valid at the signing time"},
		{Name: "result-wrong-applicant", System: "portal", Scopable: true,
			Description: "The result PDF, validly signed, names another applicant.",
			Example:     "result-wrong-applicant@DV09", Filter: resultFilter,
			ExpectedSpecs: resultSpecs, Symptom: `result applicant.SoDinhDanh`},
		{Name: "result-document-no-wrong", System: "portal", Scopable: true,
			Description: "The signed result PDF is numbered (Số) with the bare dossier code instead of KQ-<dossier code>.",
			Example:     "result-document-no-wrong@DV09", Filter: resultFilter,
			ExpectedSpecs: resultSpecs, Symptom: "document_no"},
	}
}
