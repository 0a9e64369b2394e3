package world

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
)

// TestEverySystemAnswersHealthz starts the whole world and asks each system
// for /healthz through the same URLs the suites use.
func TestEverySystemAnswersHealthz(t *testing.T) {
	w, err := Start(Options{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	u := w.URLs("01")
	urls := []string{w.URL, u.Portal, u.SSO, u.Gateway, u.DVCQG, u.Payment, w.URLs("96").Portal}
	for _, db := range w.Catalog.Databases {
		urls = append(urls, w.URL+"/db/"+db.ID)
	}
	c := &http.Client{Timeout: 5 * time.Second}
	for _, base := range urls {
		resp, err := c.Get(base + "/healthz")
		if err != nil {
			t.Fatalf("%s/healthz: %v", base, err)
		}
		var body struct{ Status, System string }
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil || body.Status != "ok" || body.System == "" {
			t.Errorf("%s/healthz: HTTP %d, %+v, %v", base, resp.StatusCode, body, err)
		}
	}
}

// TestSeedSecretsMatchTheWorld checks the world and the harness agree
// on credentials derived from the seed, without sharing anything else.
func TestSeedSecretsMatchTheWorld(t *testing.T) {
	w, err := Start(Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	c := w.Citizens.Applicants("01")[0]
	if c.Password != fixtures.MockSecret(7, "citizen:"+c.PersonalID) {
		t.Fatal("citizen password is not derived from the seed")
	}
	resp, err := http.PostForm(w.URLs("01").Gateway+"/oauth/token", map[string][]string{
		"grant_type": {"client_credentials"}, "client_id": {"province-01"}, "client_secret": {fixtures.MockSecret(7, "gateway:province-01")}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("gateway refused the seed-derived secret: HTTP %d", resp.StatusCode)
	}
}

func TestCloseReleasesThePort(t *testing.T) {
	w, err := Start(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if _, err := (&http.Client{Timeout: time.Second}).Get(w.URL + "/healthz"); err == nil {
		t.Fatal("world still answers after Close")
	}
}

func BenchmarkStart(b *testing.B) {
	cat, err := fixtures.Load()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		w, err := Start(Options{Seed: 1, Catalog: cat})
		if err != nil {
			b.Fatal(err)
		}
		w.Close()
	}
}

// TestAdminDefects switches a seeded defect on and off in a running world.
func TestAdminDefects(t *testing.T) {
	w, err := Start(Options{Seed: 3, AdminToken: "t0ken"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	put := func(body string) int {
		req, _ := http.NewRequest(http.MethodPut, w.URL+"/admin/defects", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer t0ken")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := put(`{"defects":["population-db-down"]}`); code != http.StatusOK {
		t.Fatalf("PUT defects: HTTP %d", code)
	}
	health := func() int {
		resp, err := http.Get(w.URL + "/db/population/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := health(); code != http.StatusServiceUnavailable {
		t.Errorf("population healthz with population-db-down: HTTP %d, want 503", code)
	}
	if code := put(`{"defects":[]}`); code != http.StatusOK {
		t.Fatalf("PUT no defects: HTTP %d", code)
	}
	if code := health(); code != http.StatusOK {
		t.Errorf("population healthz after switching off: HTTP %d, want 200", code)
	}
	if code := put(`{"defects":["no-such-defect"]}`); code != http.StatusUnprocessableEntity {
		t.Errorf("unknown defect: HTTP %d, want 422", code)
	}
}
