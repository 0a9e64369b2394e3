package world

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	portalapi "github.com/dvcqa/dvcqa/api/portal"
	ssoapi "github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/portal"
)

// TestManualOfficersReachThePortals starts a world with manual officers:
// every province's officer logs in with the seed-derived password, and the
// officer receives a citizen's dossier (automatic portals refuse officer
// actions with 409).
func TestManualOfficersReachThePortals(t *testing.T) {
	w, err := Start(Options{Seed: 5, Officers: portal.OfficersManual})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	hc := &http.Client{Timeout: 5 * time.Second}
	post := func(url, token string, body any, out any) int {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if out != nil && resp.StatusCode == http.StatusOK {
			if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
				t.Fatalf("%s: %v", url, err)
			}
		}
		return resp.StatusCode
	}
	login := func(province string) string {
		var sess struct{ Token string }
		user := "canbo." + province
		if st := post(w.URLs(province).Portal+"/backoffice/api/v1/session", "",
			map[string]string{"username": user, "password": fixtures.MockSecret(5, "officer:"+user)}, &sess); st != http.StatusOK || sess.Token == "" {
			t.Fatalf("officer %s login: HTTP %d", user, st)
		}
		return sess.Token
	}
	login("96")
	tok := login("01")

	u := w.URLs("01")
	c := w.Citizens.Applicants("01")[0]
	sso := &ssoapi.Client{Issuer: u.SSO, ClientID: "dvcqa-portal", RedirectURI: u.Portal + "/auth/callback", HTTP: hc}
	idt, err := sso.Login(ctx, c.PersonalID, c.Password)
	if err != nil {
		t.Fatal(err)
	}
	p := &portalapi.Client{BaseURL: u.Portal, Token: idt.IDToken, HTTP: hc}
	d, _, err := p.Submit(ctx, "k", portalapi.SubmitRequest{ServiceID: "DV01", Fields: map[string]string{"LyDo": "Bổ sung hồ sơ vay vốn ngân hàng"}})
	if err != nil {
		t.Fatal(err)
	}
	var it struct {
		Status  string
		Actions []string
	}
	if st := post(u.Portal+"/backoffice/api/v1/dossiers/"+d.Code+"/actions", tok, map[string]string{"action": "receive"}, &it); st != http.StatusOK ||
		it.Status != portalapi.StatusAccepted || !slices.Contains(it.Actions, "assign") {
		t.Fatalf("receive in a manual world: HTTP %d %+v", st, it)
	}
}
