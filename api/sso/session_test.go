package sso_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/sso"
)

// TestSessionFile: a session is written with mode 0600, never inside a Git
// work tree, read back only while others cannot read it, and knows when it
// expires.
func TestSessionFile(t *testing.T) {
	dir := t.TempDir()
	s := &sso.Session{Issuer: "http://127.0.0.1:1/sso/oauth2/token", ClientID: "dvcqa-portal", PersonalID: "001090012345",
		SavedAt: time.Now().UTC(), Expires: time.Now().Add(time.Hour).UTC(),
		Cookies: []sso.SessionCookie{{Name: "commonAuthId", Value: "v", Path: "/sso/"}}}
	path := filepath.Join(dir, "session.json")
	if err := sso.WriteSession(path, s); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	got, err := sso.ReadSession(path)
	if err != nil || got.PersonalID != s.PersonalID || got.Cookies[0] != s.Cookies[0] || !got.Expires.Equal(s.Expires) {
		t.Fatalf("ReadSession = %+v, %v", got, err)
	}
	if got.Expired(time.Now()) || !got.Expired(s.Expires) {
		t.Error("Expired is wrong")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := sso.ReadSession(path); err == nil || !strings.Contains(err.Error(), "want 0600") {
		t.Errorf("world-readable session: %v", err)
	}
	repo := filepath.Join(dir, "repo")
	if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := sso.WriteSession(filepath.Join(repo, "sub", "s.json"), s); err == nil || !strings.Contains(err.Error(), "Git work tree") {
		t.Errorf("session inside a repository: %v", err)
	}
}
