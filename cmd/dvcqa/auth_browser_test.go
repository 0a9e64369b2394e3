package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"

	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/internal/testenv"
)

// TestAuthSaveInBrowser: `dvcqa auth save --browser` opens the SSO's login
// in a (remote) Chromium and waits; a person — here the test, driving the
// same browser — logs in with "remember me"; the session saved is the
// citizen's, with the SSO's persistent cookie and its expiry, mode 0600.
func TestAuthSaveInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a mock world and Chromium; `make procs` runs it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	_, tmp, bin := buildDvcqa(ctx, t)
	target := serveMock(ctx, t, bin, filepath.Join(tmp, "mock.yaml"), "--dialect", "sso=wso2")

	ws := testenv.RemoteChromium(t)

	out := filepath.Join(t.TempDir(), "session.json")
	save := exec.CommandContext(ctx, bin, "auth", "save", "--target", target, "--out", out, "--browser", "--browser-url", ws, "--wait", "90s")
	var saveOut strings.Builder
	save.Stdout, save.Stderr = &saveOut, &saveOut
	if err := save.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- save.Wait() }()

	// The person: find the SSO's login page in the browser and log in.
	cat, err := fixtures.Load()
	if err != nil {
		t.Fatal(err)
	}
	tg, err := fixtures.LoadTarget(target, cat)
	if err != nil {
		t.Fatal(err)
	}
	w, err := citizens.Generate(cat.Provinces, cat.Databases, tg.Seed, citizens.DefaultPerProvince)
	if err != nil {
		t.Fatal(err)
	}
	c := w.Applicants(tg.Province)[0]
	alloc, cancelAlloc := remote.NewAllocator(ctx, ws)
	defer cancelAlloc()
	person, cancelPerson := chromedp.NewContext(alloc)
	defer cancelPerson()
	if err := chromedp.Do(person); err != nil {
		t.Fatal(err)
	}
	loggedIn := false
	deadline := time.Now().Add(time.Minute)
	for !loggedIn {
		targets, err := chromedp.Targets(person)
		if err != nil {
			t.Fatal(err)
		}
		for _, ti := range targets {
			if ti.Type == "page" && strings.Contains(ti.URL, "/authenticationendpoint/") {
				tab, cancelTab := chromedp.NewContext(person, chromedp.WithTargetID(ti.TargetID))
				defer cancelTab()
				loggedIn = true
				fill := `(() => { const f = document.querySelector('form');
					f.querySelector('[name=username]').value = ` + jsString(c.PersonalID) + `;
					f.querySelector('[name=password]').value = ` + jsString(c.Password) + `;
					const r = f.querySelector('[name=chkRemember]'); if (r) r.checked = true;
					f.submit(); return !!r; })()`
				if err := chromedp.Do(tab, chromedp.WaitReady(chromedp.CSS("form"))); err != nil {
					t.Fatalf("the SSO's login page: %v", err)
				}
				remember, err := chromedp.Run(tab, chromedp.Evaluate[bool](fill))
				if err != nil {
					t.Fatalf("log in on the SSO page: %v", err)
				}
				if !remember {
					t.Error("the SSO's login page has no remember-me box")
				}
				break
			}
		}
		if !loggedIn {
			if time.Now().After(deadline) {
				t.Fatalf("no SSO login page opened in the browser; auth save said:\n%s", saveOut.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("auth save --browser: %v\n%s", err, saveOut.String())
		}
	case <-ctx.Done():
		t.Fatalf("auth save --browser did not finish:\n%s", saveOut.String())
	}
	s, err := sso.ReadSession(out)
	if err != nil {
		t.Fatal(err)
	}
	if s.PersonalID != c.PersonalID || len(s.Cookies) == 0 || s.Expires.IsZero() || s.Expired(time.Now()) {
		t.Errorf("saved session: personal ID ok %v, %d cookies, expires %v", s.PersonalID == c.PersonalID, len(s.Cookies), s.Expires)
	}
	// The saved session logs the citizen in with no form.
	secret, err := tg.SSOSecret(tg.SSO.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	client := &sso.Client{Issuer: tg.URLs.SSO, ClientID: tg.SSO.ClientID, ClientSecret: secret, RedirectURI: tg.URLs.Portal + "/auth/callback",
		Dialect: tg.Dialects()["sso"], ClientAuth: tg.SSO.ClientAuth, ACRValues: tg.SSO.ACRValues}
	toks, err := client.LoginWithSession(ctx, s)
	if err != nil {
		t.Fatalf("log in with the saved session: %v", err)
	}
	if id, err := sso.Subject(toks.IDToken); err != nil || id != c.PersonalID {
		t.Errorf("the saved session logs in someone else (%v)", err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("session file mode: %v %v", fi.Mode().Perm(), err)
	}
	if !strings.Contains(saveOut.String(), "expires at") {
		t.Errorf("auth save did not say when the session expires:\n%s", saveOut.String())
	}
}

// jsString quotes s for JavaScript.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
