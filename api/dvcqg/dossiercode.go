package dvcqg

import (
	"regexp"
	"time"
)

// dossierCode is {madonvi}-{yyMMdd}-{NNNN}; agency ids look like
// "000.00.01.H22".
var dossierCode = regexp.MustCompile(`^[0-9A-Za-z._]+-([0-9]{6})-[0-9]{4}$`)

// ValidDossierCode reports whether code is {madonvi}-{yyMMdd}-{NNNN} with a
// real calendar date.
func ValidDossierCode(code string) bool {
	m := dossierCode.FindStringSubmatch(code)
	if m == nil {
		return false
	}
	_, err := time.Parse("060102", m[1])
	return err == nil
}

// DossierAgency returns the madonvi part of a valid dossier code.
func DossierAgency(code string) (string, bool) {
	if !ValidDossierCode(code) {
		return "", false
	}
	return code[:len(code)-len("-yyMMdd-NNNN")], true
}
