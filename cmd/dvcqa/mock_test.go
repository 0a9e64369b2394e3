package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMockServeRefusesRemoteAddr: a non-loopback --addr without
// --allow-remote is refused with exit 2 before anything listens or is
// written.
func TestMockServeRefusesRemoteAddr(t *testing.T) {
	target := filepath.Join(t.TempDir(), "target.yaml")
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:8080"} {
		if code := mockCmd([]string{"serve", "--addr", addr, "--write-target", target}); code != 2 {
			t.Errorf("mock serve --addr %s: exit %d, want 2", addr, code)
		}
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("a refused mock serve wrote a target file")
	}
	if code := mockCmd([]string{"serve", "--addr", "127.0.0.1:0", "extra"}); code != 2 {
		t.Errorf("mock serve with a stray argument: exit %d, want 2", code)
	}
}

// TestAdminTokenFileIsPrivate: the token file beside the target is the
// owner's only, even when a looser file was there before.
func TestAdminTokenFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "target.yaml"+AdminTokenSuffix)
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeAdminToken(path, "abc"); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if st.Mode().Perm() != 0o600 || string(data) != "abc\n" {
		t.Errorf("token file mode %v, content %q; want 0600, \"abc\\n\"", st.Mode().Perm(), data)
	}
}
