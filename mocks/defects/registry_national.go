package defects

// nationalDefects prove that the whole-record checks of the national
// portal (DVCQG) and of the gateway's audit log can fail (issue 10): each
// breaks one field the earlier checks did not read. The portal-side ones
// leave the portal's own dossier right and tell the national portal a wrong
// value (mocks/portal/sync_defects.go).
// prefillAudited is the connection spec holding the gateway's audit of
// the portal's prefill lookups to the citizen the portal prefilled for.
const prefillAudited = `names the citizen the portal prefilled the form for as the subject of its prefill lookups`

func nationalDefects() []Defect {
	const dv09 = "layer:api && (service:DV09 || service:DV10)"
	return []Defect{
		{Name: "dvcqg-received-date-off", System: "portal", Scopable: true,
			Description: "The portal tells the national portal a receipt date (NgayTiepNhan) one day late; its own dossier is right.",
			Example:     "dvcqg-received-date-off@DV09", Filter: dv09,
			ExpectedSpecs: []string{e2e("DV09")}, Symptom: "NgayTiepNhan"},
		{Name: "dvcqg-field-code-wrong", System: "portal", Scopable: true,
			Description: "The portal tells the national portal another field (MaLinhVuc) than the catalog's for the procedure.",
			Example:     "dvcqg-field-code-wrong@DV09", Filter: dv09,
			ExpectedSpecs: []string{e2e("DV09")}, Symptom: "MaLinhVuc"},
		{Name: "dvcqg-channel-in-person", System: "portal", Scopable: true,
			Description: "The portal tells the national portal an online dossier was filed in person (KenhThucHien \"1\"): it does not count as fully online.",
			Example:     "dvcqg-channel-in-person@DV09", Filter: dv09,
			ExpectedSpecs: []string{e2e("DV09")}, Symptom: "KenhThucHien"},
		{Name: "dvcqg-vneid-unmarked", System: "portal", Scopable: true,
			Description: "The portal tells the national portal the applicant was not authenticated with VNeID (TaiKhoanDuocXacThucVoiVNeID \"0\") though they logged in through the SSO.",
			Example:     "dvcqg-vneid-unmarked@DV09", Filter: dv09,
			ExpectedSpecs: []string{e2e("DV09")}, Symptom: "TaiKhoanDuocXacThucVoiVNeID"},
		{Name: "dvcqg-paid-unmarked", System: "portal", Scopable: true,
			Description: "The portal tells the national portal the fee was not paid online (DuocThanhToanTrucTuyen \"0\") after the citizen paid it on the payment platform.",
			Example:     "dvcqg-paid-unmarked@DV07", Filter: "layer:api && (service:DV07 || service:DV05)",
			ExpectedSpecs: []string{e2e("DV07")}, Symptom: "DuocThanhToanTrucTuyen"},
		{Name: "dvcqg-unit-wrong", System: "portal", Scopable: true,
			Description: "The portal tells the national portal a handling unit (DonViXuLy) of another province.",
			Example:     "dvcqg-unit-wrong@DV09", Filter: dv09,
			ExpectedSpecs: []string{e2e("DV09")}, Symptom: "DonViXuLy"},
		{Name: "dvcqg-progress-title-dropped", System: "portal", Scopable: true,
			Description: "The portal's progress entries for the national portal leave out the officer's title (ChucDanh); its own history has it.",
			Example:     "dvcqg-progress-title-dropped@DV09", Filter: dv09,
			ExpectedSpecs: []string{e2e("DV09")}, Symptom: "ChucDanh"},
		{Name: "dvcqg-progress-unit-dropped", System: "dvcqg",
			Description: "TraCuuHoSo serves the progress entries without the department that handled each step (PhongBanXuLy).",
			Example:     "dvcqg-progress-unit-dropped", Filter: "system:dvcqg",
			ExpectedSpecs: []string{dvcqgNewDossier}, Symptom: "PhongBanXuLy"},
		{Name: "gateway-audit-wrong-subject", System: "gateway",
			Description: "The gateway's audit answer names another person as the subject of each lookup.",
			Example:     "gateway-audit-wrong-subject", Filter: connection("db:population || db:tax"),
			ExpectedSpecs: []string{dbSpec("population", audited), dbSpec("tax", audited), dbSpec("population", prefillAudited)}, Symptom: "value: want"},
		{Name: "gateway-audit-request-id-lost", System: "gateway",
			Description: "The gateway's audit log records an id of its own instead of the caller's X-Request-ID, so a lookup cannot be traced across systems.",
			Example:     "gateway-audit-request-id-lost", Filter: connection("db:population || db:tax"),
			ExpectedSpecs: []string{dbSpec("population", audited), dbSpec("tax", audited)}, Symptom: "/api/v1/audit request_id"},
	}
}
