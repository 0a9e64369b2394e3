package bench

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// flowData is what the Playwright spec (tools/playwright/flows.spec.ts)
// reads to run the same flows as dvcqa's: generated from the catalog, the
// selectors profile and the citizens the mock derives from its seed, so
// no value is typed twice.
type flowData struct {
	Portal          string               `json:"portal"`
	Pages           fixtures.PortalPages `json:"pages"`
	Texts           map[string]string    `json:"texts"`
	ResultTimeoutMS int64                `json:"result_timeout_ms"`
	Flows           []flowCase           `json:"flows"`
}

type flowCase struct {
	ID          string       `json:"id"`
	NameVI      string       `json:"name_vi"`
	Fee         bool         `json:"fee"`
	Username    string       `json:"username"`
	Password    string       `json:"password"`
	Fields      []flowField  `json:"fields"`
	Attachments []flowAttach `json:"attachments"`
}

type flowField struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

type flowAttach struct {
	Type     string `json:"type"`
	Filename string `json:"filename"`
	Mime     string `json:"mime"`
	Base64   string `json:"base64"`
}

// newFlowData describes one flow per service, exactly what fillAndAttach
// does: the catalog's examples in the fields the portal does not prefill,
// the sample file of each required attachment. Flow i logs in as
// applicant i (the first one is the warm-up's: applicant 0 again).
func newFlowData(portal string, profile *fixtures.PortalProfile, services []fixtures.Service,
	applicants []*citizens.Citizen, resultTimeoutMS int64) (*flowData, error) {
	if len(applicants) < len(services) {
		return nil, fmt.Errorf("flow data: %d applicants for %d services", len(applicants), len(services))
	}
	d := &flowData{Portal: portal, Pages: profile.Pages, Texts: profile.Texts, ResultTimeoutMS: resultTimeoutMS}
	for i, svc := range services {
		c := applicants[i]
		fc := flowCase{ID: svc.ID, NameVI: svc.NameVI, Fee: svc.FeeVND > 0, Username: c.PersonalID, Password: c.Password,
			Fields: []flowField{}, Attachments: []flowAttach{}}
		for _, fd := range svc.Form {
			if fd.PrefillFrom == "" && fd.Example != "" {
				fc.Fields = append(fc.Fields, flowField{Name: fd.Name, Type: fd.Type, Value: fd.Example})
			}
		}
		for _, a := range svc.Attachments {
			if a.Required {
				name, data := framework.SampleFile(a.MimeTypes[0])
				fc.Attachments = append(fc.Attachments, flowAttach{Type: a.Type, Filename: name, Mime: a.MimeTypes[0],
					Base64: base64.StdEncoding.EncodeToString(data)})
			}
		}
		d.Flows = append(d.Flows, fc)
	}
	return d, nil
}

// write puts the flow data into path, readable by its owner only: it holds
// the (seed-derived, synthetic) test citizens' passwords.
func (d *flowData) write(path string) error {
	raw, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("flow data: %w", err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		return fmt.Errorf("flow data: %w", err)
	}
	return nil
}
