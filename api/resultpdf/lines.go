package resultpdf

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/api/portal"
)

// The labels of a result PDF's lines (docs/contracts.md, "Result PDF"),
// each "label: value" on a line of its own.
const (
	labelDocumentNo = "Số"           // document number
	labelDocument   = "Loại văn bản" // document name (type)
	labelDossier    = "Mã hồ sơ"     // dossier code
	labelProcedure  = "Thủ tục"      // procedure: service id - name
	labelName       = "Họ và tên"    // applicant's full name
	labelID         = "Số định danh" // applicant's personal ID
	labelIssuedAt   = "Ngày cấp"     // date issued
	labelIssuer     = "Cơ quan cấp"  // issuing agency
)

var labels = []string{labelDocumentNo, labelDocument, labelDossier, labelProcedure, labelName, labelID, labelIssuedAt, labelIssuer}

// IssuedAtLayout is how the issue time is written: to the second, with
// its offset (Vietnam time, +07:00).
const IssuedAtLayout = "02/01/2006 15:04:05 -07:00"

// parseLines reads the labelled lines back into a ResultDocument: each
// label exactly once, lines with other labels (headings) ignored.
func parseLines(lines []string) (*portal.ResultDocument, error) {
	got := map[string]string{}
	var errs []error
	for _, l := range lines {
		label, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		label = strings.TrimSpace(label)
		if !contains(labels, label) {
			continue
		}
		if _, dup := got[label]; dup {
			errs = append(errs, fmt.Errorf("line %q appears twice", label))
		}
		got[label] = strings.TrimSpace(value)
	}
	for _, l := range labels {
		if _, ok := got[l]; !ok {
			errs = append(errs, fmt.Errorf("no line %q", l+":"))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	d := portal.ResultDocument{
		DocumentNo:  got[labelDocumentNo],
		DossierCode: got[labelDossier],
		Applicant:   portal.Applicant{HoVaTen: got[labelName], SoDinhDanh: got[labelID]},
		Issuer:      got[labelIssuer],
	}
	doc := got[labelDocument]
	if i := strings.LastIndex(doc, " ("); i >= 0 && strings.HasSuffix(doc, ")") {
		d.NameVI, d.Type = doc[:i], doc[i+2:len(doc)-1]
	} else {
		errs = append(errs, fmt.Errorf("line %q: %q is not \"name (type)\"", labelDocument, doc))
	}
	proc := got[labelProcedure]
	if id, name, ok := strings.Cut(proc, " - "); ok {
		d.ServiceID, d.ServiceName = id, name
	} else {
		errs = append(errs, fmt.Errorf("line %q: %q is not \"service id - name\"", labelProcedure, proc))
	}
	at, err := time.Parse(IssuedAtLayout, got[labelIssuedAt])
	if err != nil {
		errs = append(errs, fmt.Errorf("line %q: %w", labelIssuedAt, err))
	}
	d.IssuedAt = at
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &d, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
