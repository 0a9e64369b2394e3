package main

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/dvcqa/dvcqa/fixtures"
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

// TestParseDialects: --dialect takes system=dialect pairs and names what
// it refuses.
func TestParseDialects(t *testing.T) {
	got, err := parseDialects("dvcqg=opencps, payment=published")
	if err != nil || got["dvcqg"] != "opencps" || got["payment"] != "published" || len(got) != 2 {
		t.Errorf("parseDialects = %v, %v", got, err)
	}
	for in, want := range map[string]string{
		"dvcqg":                 "want system=dialect",
		"lgsp=rest":             `unknown system "lgsp"`,
		"dvcqg=soap":            `dvcqg has no dialect "soap" (it has envelope, opencps, rest)`,
		"dvcqg=rest,dvcqg=rest": "a second dialect for dvcqg",
		"payment=":              `payment has no dialect ""`,
	} {
		if _, err := parseDialects(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseDialects(%q) = %v, want %q", in, err, want)
		}
	}
}

// TestWrittenTargetKeepsTheGate: the target `mock serve` writes reads back
// with the embedded profile's gate: an absent platform_ready (all platform
// systems required) is not written as [] (none required).
func TestWrittenTargetKeepsTheGate(t *testing.T) {
	cat := fixtures.MustLoad()
	tg, err := fixtures.DefaultTarget(cat)
	if err != nil {
		t.Fatal(err)
	}
	tg.URLs = fixtures.URLs{Portal: "http://127.0.0.1:1/portal/01", SSO: "http://127.0.0.1:1/sso", Gateway: "http://127.0.0.1:1/gateway",
		DVCQG: "http://127.0.0.1:1/dvcqg", Payment: "http://127.0.0.1:1/payment"}
	path := filepath.Join(t.TempDir(), "target.yaml")
	if err := writeTargetFile(path, tg); err != nil {
		t.Fatal(err)
	}
	back, err := fixtures.LoadTarget(path, cat)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := back.Gate.RequiredPlatform(), tg.Gate.RequiredPlatform(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("written target requires platform %v, the embedded one %v", got, want)
	}
}

// TestWrittenTargetNamesManualOfficers: with --officers manual the written
// target has the officers section of docs/officers.md, and without it none.
func TestWrittenTargetNamesManualOfficers(t *testing.T) {
	cat := fixtures.MustLoad()
	tg, err := fixtures.DefaultTarget(cat)
	if err != nil {
		t.Fatal(err)
	}
	tg.Province = "79"
	dir := t.TempDir()
	for mode, want := range map[string]map[string]string{
		"manual":    {"mode": "manual", "driver": "api", "username": "canbo.79"},
		"automatic": nil,
	} {
		path := filepath.Join(dir, mode+".yaml")
		if err := writeMockTarget(path, tg, mode); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		var doc struct {
			Officers map[string]string `yaml:"officers"`
			Province string            `yaml:"province"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if !maps.Equal(doc.Officers, want) || doc.Province != "79" {
			t.Errorf("%s: officers %v province %q, want %v", mode, doc.Officers, doc.Province, want)
		}
	}
}

func TestMockServeRefusesUnknownOfficers(t *testing.T) {
	if code := mockCmd([]string{"serve", "--addr", "127.0.0.1:0", "--officers", "robots"}); code != 2 {
		t.Errorf("mock serve --officers robots: exit %d, want 2", code)
	}
}
