package portal

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	api "github.com/dvcqa/dvcqa/api/portal"
)

const testOfficerPassword = "mat-khau-can-bo"

// newManualEnv is a portal with manual officers (and seeded defects, nil =
// none).
func newManualEnv(t *testing.T, defects Defects) *env {
	t.Helper()
	return newEnvFrom(t, envConfig{day: worldDay, defects: defects, prefix: "/portal/01", tweak: func(o *Options) {
		o.Officers, o.OfficerPassword = OfficersManual, testOfficerPassword
	}})
}

// boItem is a back-office dossier as the test reads it: its own decoding
// of docs/officers.md, not the mock's wire type.
type boItem struct {
	ID            string             `json:"id"`
	Code          string             `json:"code"`
	ServiceID     string             `json:"service_id"`
	Status        string             `json:"status"`
	Applicant     officerApplicant   `json:"applicant"`
	SubmittedAt   time.Time          `json:"submitted_at"`
	AppointmentAt *time.Time         `json:"appointment_at"`
	Approved      bool               `json:"approved"`
	Actions       []string           `json:"actions"`
	History       []api.HistoryEntry `json:"history"`
}

type boError struct {
	Error struct {
		Code, Message string
		MessageVI     string `json:"message_vi"`
	} `json:"error"`
}

// officerAPI calls the back office's API over HTTP as one officer.
type officerAPI struct {
	t     *testing.T
	base  string
	token string
}

// call sends a JSON request and decodes a 2xx answer into out, or returns
// the error body; the status either way.
func (o *officerAPI) call(method, path string, body any, header http.Header, out any) (int, http.Header, boError) {
	o.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, o.base+"/backoffice/api/v1"+path, rd)
	if err != nil {
		o.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if o.token != "" {
		req.Header.Set("Authorization", "Bearer "+o.token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		o.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var be boError
	if resp.StatusCode/100 == 2 {
		if out != nil {
			if err := json.Unmarshal(raw, out); err != nil {
				o.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
			}
		}
	} else if err := json.Unmarshal(raw, &be); err != nil {
		o.t.Fatalf("%s %s: %d with a body that is not the error shape: %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, resp.Header, be
}

// officer logs in as the province's officer.
func (e *env) officer() *officerAPI {
	e.t.Helper()
	o := &officerAPI{t: e.t, base: e.base}
	var sess struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if st, _, be := o.call("POST", "/session", map[string]string{"username": "canbo.01", "password": testOfficerPassword}, nil, &sess); st != http.StatusOK {
		e.t.Fatalf("officer login: %d %+v", st, be)
	}
	if sess.Token == "" {
		e.t.Fatal("officer login: no token")
	}
	o.token = sess.Token
	return o
}

func (o *officerAPI) dossier(code string) boItem {
	o.t.Helper()
	var it boItem
	if st, _, be := o.call("GET", "/dossiers/"+code, nil, nil, &it); st != http.StatusOK {
		o.t.Fatalf("GET dossier %s: %d %+v", code, st, be)
	}
	return it
}

// act takes an action that must succeed.
func (o *officerAPI) act(code, action, note string) boItem {
	o.t.Helper()
	var it boItem
	st, _, be := o.call("POST", "/dossiers/"+code+"/actions", map[string]string{"action": action, "note": note}, nil, &it)
	if st != http.StatusOK {
		o.t.Fatalf("%s on %s: %d %+v", action, code, st, be)
	}
	return it
}

// refused takes an action that must be refused with status and code.
func (o *officerAPI) refused(code, action string, status int, errCode string) boError {
	o.t.Helper()
	st, _, be := o.call("POST", "/dossiers/"+code+"/actions", map[string]string{"action": action}, nil, nil)
	if st != status || be.Error.Code != errCode {
		o.t.Fatalf("%s on %s: %d %q, want %d %q", action, code, st, be.Error.Code, status, errCode)
	}
	return be
}
