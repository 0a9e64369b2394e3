package defects

// answerDefects are wrong single fields of the portal's answers that a
// check of hand-picked fields let through (issue 10): each is caught only
// because the harness compares the whole answer with its reference. The
// filter holds a second service, which must stay green.
func answerDefects() []Defect {
	api := func(a, b string) string { return "layer:api && (service:" + a + " || service:" + b + ")" }
	return []Defect{
		{Name: "catalog-attachment-limit-wrong", System: "portal", Scopable: true,
			Description: "The catalog entry states each attachment's size limit at half the catalog's (max_size_kb); uploads still take the real limit.",
			Example:     "catalog-attachment-limit-wrong@DV09", Filter: api("DV09", "DV10"),
			ExpectedSpecs: []string{e2e("DV09")}, Symptom: "max_size_kb"},
		{Name: "form-label-wrong", System: "portal", Scopable: true,
			Description: "The form shows its first field with the English label where the Vietnamese one belongs (label_vi).",
			Example:     "form-label-wrong@DV09", Filter: api("DV09", "DV10"),
			ExpectedSpecs: []string{e2e("DV09")}, Symptom: "label_vi"},
		{Name: "upload-receipt-hash-wrong", System: "portal",
			Description: "The upload answer states the SHA-256 of the file name, not of the bytes uploaded.",
			Example:     "upload-receipt-hash-wrong", Filter: api("DV09", "DV01"),
			ExpectedSpecs: []string{e2e("DV09")}, Symptom: "sha256"},
		{Name: "dossier-readback-field-lost", System: "portal", Scopable: true,
			Description: "A dossier read back has lost one of the values the citizen submitted; the submit answer still echoed it.",
			Example:     "dossier-readback-field-lost@DV09", Filter: api("DV09", "DV10"),
			ExpectedSpecs: []string{e2e("DV09"), retried("DV09")}, Symptom: "GET /api/v1/dossiers/{id} fields["},
		{Name: "delivered-at-drift", System: "portal", Scopable: true,
			Description: "The dossier states delivered_at an hour after the delivery its history records.",
			Example:     "delivered-at-drift@DV09", Filter: api("DV09", "DV10"),
			ExpectedSpecs: []string{e2e("DV09")}, Symptom: "delivered_at"},
		{Name: "history-officer-blank", System: "portal", Scopable: true,
			Description: "The processing step of the dossier's history names no officer.",
			Example:     "history-officer-blank@DV09", Filter: api("DV09", "DV10"),
			ExpectedSpecs: []string{e2e("DV09")}, Symptom: "officer"},
		{Name: "payment-transaction-id-own", System: "portal", Scopable: true,
			Description: "The portal records the paid fee under its own reference instead of the payment platform's transaction id (MaGiaoDich).",
			Example:     "payment-transaction-id-own@DV07", Filter: api("DV07", "DV02"),
			ExpectedSpecs: []string{e2e("DV07")}, Symptom: "transaction_id"},
		{Name: "payment-payer-name-uppercase", System: "portal", Scopable: true,
			Description: "The portal asks the payment platform for a receipt in the payer's name written in capitals, not as the population database names them.",
			Example:     "payment-payer-name-uppercase@DV07", Filter: api("DV07", "DV02"),
			ExpectedSpecs: []string{e2e("DV07")}, Symptom: "HoTenNguoiNop"},
	}
}
