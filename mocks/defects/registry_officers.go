package defects

// officerDefects prove the back office's specs can fail; they run with
// manual officers, where the harness acts as the officer.
func officerDefects() []Defect {
	return []Defect{
		{Name: "officer-action-unchecked", System: "portal", Scopable: true,
			Description: "The back office carries out an officer action its dossier's state does not allow (assign before receive, sign before approval) instead of refusing it with 409.",
			Example:     "officer-action-unchecked@DV01", Target: "fixtures/targets/mock-manual-officers.yaml",
			// The end-to-end flows take only allowed actions: they stay green.
			Filter:        "system:backoffice || (layer:api && kind:e2e && (service:DV01 || service:DV02))",
			ExpectedSpecs: []string{`DV01 .* refuses officer actions its state does not allow`}, Symptom: "want 409"},
	}
}
