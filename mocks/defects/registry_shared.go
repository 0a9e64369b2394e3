package defects

// sharedRuleDefects break the mock's side of a rule the harness implements
// too (working days, status codes, date layouts, signatures, validation,
// token rules): proof that the two implementations are independent.
func sharedRuleDefects() []Defect {
	return nil
}
