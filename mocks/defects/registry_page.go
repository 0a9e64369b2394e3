package defects

// browserE2E is the browser layer's end-to-end spec of a service.
func browserE2E(svc string) string { return svc + ` .* is processed end to end in the browser` }

// pageDefects prove the browser layer checks what the citizen sees (issue
// 10): each makes the web front show a wrong value while the JSON API
// stays right. Each runs the browser end-to-end specs of two services and
// is scoped to the first: the second proves there is no false alarm.
func pageDefects() []Defect {
	return []Defect{
		{Name: "web-fee-wrong", System: "portal", Scopable: true,
			Description: "The service page shows a fee 10.000 ₫ above the catalog's (a free service shows a fee); dossiers are still charged the catalog's fee.",
			Example:     "web-fee-wrong@DV09", Filter: "layer:browser && kind:e2e && (service:DV09 || service:DV10)",
			ExpectedSpecs: []string{browserE2E("DV09")}, Symptom: "web: service page fee (catalog fee_vnd"},
		{Name: "web-status-label-wrong", System: "portal", Scopable: true,
			Description: "The dossier page labels a delivered dossier \"Đã xử lý xong\" (finished) instead of \"Đã trả kết quả\"; its data-status and the API say delivered.",
			Example:     "web-status-label-wrong@DV09", Filter: "layer:browser && kind:e2e && (service:DV09 || service:DV10)",
			ExpectedSpecs: []string{browserE2E("DV09")}, Symptom: "web: dossier page status label"},
		{Name: "web-appointment-date-wrong", System: "portal", Scopable: true,
			Description: "The dossier page shows the appointment one day later than the dossier's; the API's appointment_at is right.",
			Example:     "web-appointment-date-wrong@DV09", Filter: "layer:browser && kind:e2e && (service:DV09 || service:DV10)",
			ExpectedSpecs: []string{browserE2E("DV09")}, Symptom: "web: dossier page appointment date"},
		{Name: "web-result-applicant-wrong", System: "portal", Scopable: true,
			Description: "The result page shows the applicant's personal ID with its last digit off by one; the signed result and the API name the right applicant.",
			Example:     "web-result-applicant-wrong@DV09", Filter: "layer:browser && kind:e2e && (service:DV09 || service:DV10)",
			ExpectedSpecs: []string{browserE2E("DV09")}, Symptom: "web: result page applicant ID"},
	}
}
