package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/api/sso"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/citizens"
	"github.com/dvcqa/dvcqa/vocab"
)

// authCmd is `dvcqa auth save`: log in once by password with "remember
// me" and save the SSO's session for sso.login session, in a file of mode
// 0600 outside any repository.
func authCmd(args []string) int {
	const use = "usage: dvcqa auth save --target FILE --out FILE [--personal-id ID] [--password-env VAR] | [--browser [--browser-url ws://…] [--wait 5m]]"
	if len(args) == 0 || args[0] != "save" {
		return fail(use)
	}
	fs := flag.NewFlagSet("auth save", flag.ContinueOnError)
	targetFile := fs.String("target", os.Getenv("DVCQA_TARGET"), "target profile (its urls must name a running SSO)")
	out := fs.String("out", "", "where to save the session (outside any repository), e.g. ~/.config/dvcqa/session.json")
	personalID := fs.String("personal-id", "", "citizen to log in as; default: the profile's first account, or the mock world's first applicant")
	passwordEnv := fs.String("password-env", "", "environment variable holding the password; default: the first account's password_env (mock: derived from the seed)")
	inBrowser := fs.Bool("browser", false, "log in by hand in a browser window (a VNeID app login, a second factor): dvcqa opens the SSO's login and keeps its session when the login reaches the redirect URI")
	browserURL := fs.String("browser-url", os.Getenv(vocab.EnvBrowserURL), "with --browser: a running Chromium's DevTools URL (a remote browser the person sees), instead of a window on this machine")
	wait := fs.Duration("wait", 5*time.Minute, "with --browser: how long to wait for the person to finish the login")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *targetFile == "" || *out == "" || fs.NArg() > 0 {
		return fail(use)
	}
	if *inBrowser && (*personalID != "" || *passwordEnv != "") {
		return fail("auth save: --browser takes no --personal-id or --password-env: the person logs in themselves")
	}
	cat, err := fixtures.Load()
	if err != nil {
		return fail("%v", err)
	}
	t, err := fixtures.LoadTarget(*targetFile, cat)
	if err != nil {
		return fail("%v", err)
	}
	if t.Embedded() {
		return fail("auth save: target %s names no URLs: the embedded mock world lives only during a run (start `dvcqa mock serve --write-target FILE` and save against FILE)", t.Name)
	}
	secret, err := t.SSOSecret(t.SSO.ClientID)
	if err != nil {
		return fail("auth save: %v", err)
	}
	redirect := t.SSO.RedirectURI
	if redirect == "" {
		redirect = strings.TrimRight(t.URLs.Portal, "/") + "/auth/callback"
	}
	c := &sso.Client{Issuer: t.URLs.SSO, ClientID: t.SSO.ClientID, ClientSecret: secret, RedirectURI: redirect,
		UsernameField: t.SSO.UsernameField, PasswordField: t.SSO.PasswordField, Dialect: t.Dialects()[vocab.SystemSSO],
		ClientAuth: t.SSO.ClientAuth, ACRValues: t.SSO.ACRValues, Scopes: t.SSO.Scopes, HTTP: &http.Client{Timeout: t.Timeouts.Request}}
	var s *sso.Session
	if *inBrowser {
		ctx, cancel := context.WithTimeout(context.Background(), *wait+4*t.Timeouts.Request)
		defer cancel()
		fmt.Println("Log in in the browser window (tick \"remember me\" if the SSO offers it); dvcqa waits up to", *wait)
		if s, err = saveInBrowser(ctx, t, c, redirect, *browserURL, *wait); err != nil {
			return fail("auth save: %v", err)
		}
	} else {
		id, pw, err := authAccount(t, cat, *personalID, *passwordEnv)
		if err != nil {
			return fail("auth save: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 4*t.Timeouts.Request)
		defer cancel()
		if s, err = c.SaveSession(ctx, id, pw); err != nil {
			return fail("auth save: %v", err)
		}
	}
	if err := sso.WriteSession(*out, s); err != nil {
		return fail("auth save: %v", err)
	}
	exp := "an unknown time"
	if !s.Expires.IsZero() {
		exp = s.Expires.Local().Format(time.RFC3339)
	}
	fmt.Printf("SSO session saved to %s (mode 0600); it expires at %s.\nUse it with sso.login: session and sso.session_file: %s\n", *out, exp, *out)
	return 0
}

// authAccount is who auth save logs in as, with what password.
func authAccount(t *fixtures.Target, cat *fixtures.Catalog, id, passwordEnv string) (string, string, error) {
	if passwordEnv == "" && len(t.Accounts) > 0 {
		passwordEnv = t.Accounts[0].PasswordEnv
	}
	if id == "" && len(t.Accounts) > 0 {
		id = os.Getenv(t.Accounts[0].PersonalIDEnv)
	}
	if id == "" && t.Kind == fixtures.KindMock {
		w, err := citizens.Generate(cat.Provinces, cat.Databases, t.Seed, citizens.DefaultPerProvince)
		if err != nil {
			return "", "", err
		}
		if a := w.Applicants(t.Province); len(a) > 0 {
			id = a[0].PersonalID
		}
	}
	if id == "" {
		return "", "", fmt.Errorf("no citizen to log in as: pass --personal-id")
	}
	pw := ""
	if passwordEnv != "" {
		pw = os.Getenv(passwordEnv)
	}
	if pw == "" && t.Kind == fixtures.KindMock {
		pw = fixtures.MockSecret(t.Seed, "citizen:"+id)
	}
	if pw == "" {
		return "", "", fmt.Errorf("no password: set the environment variable named by --password-env")
	}
	return id, pw, nil
}
