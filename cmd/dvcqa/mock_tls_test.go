package main

import (
	"context"
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/testenv"
	"github.com/dvcqa/dvcqa/mocks/world"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// testServerTLS is a CA made by the test and a server certificate it
// signed for 127.0.0.1: nothing from the world's own generator.
func testServerTLS(t *testing.T) (*tls.Config, []byte) {
	t.Helper()
	c := testenv.NewServerCert(t, "test world")
	return c.TLS, c.CAPEM
}

// worldTarget writes the mock target of a running world, with a tls
// section, as `dvcqa mock serve --write-target` would, and loads it back.
func worldTarget(t *testing.T, w *world.World, dir, tlsSection string) *fixtures.Target {
	t.Helper()
	cat := fixtures.MustLoad()
	tg, err := fixtures.DefaultTarget(cat)
	if err != nil {
		t.Fatal(err)
	}
	tg.URLs = w.URLs(tg.Province)
	path := filepath.Join(dir, "target.yaml")
	if err := writeTargetFile(path, tg); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append(data, []byte(tlsSection)...), 0o644); err != nil {
		t.Fatal(err)
	}
	tg, err = fixtures.LoadTarget(path, cat)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// TestWorldOverHTTPS: a world served over https with a CA the test made;
// the harness (framework.Setup, the suites' own clients) reaches every
// system with tls.ca_file, and the world's systems reach one another (the
// portal the SSO's keys, the gateway the national databases).
func TestWorldOverHTTPS(t *testing.T) {
	cfg, caPEM := testServerTLS(t)
	w, err := world.Start(world.Options{Seed: 20250701, TLS: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if !strings.HasPrefix(w.URL, "https://127.0.0.1:") {
		t.Fatalf("world URL %s, want https", w.URL)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), caPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	tg := worldTarget(t, w, dir, "tls:\n  ca_file: ca.pem\n")
	e, err := framework.Setup(tg, fixtures.MustLoad())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, h := range e.CheckHealth(ctx) {
		if h.Status != "ok" && h.Status != "slow" {
			t.Errorf("health %s: %s %s", h.System, h.Status, h.Detail)
		}
	}
	c := e.Citizen(framework.RolePlatform, 0)
	toks, err := e.SSO.Login(ctx, c.PersonalID, c.Password)
	if err != nil {
		t.Fatalf("SSO login over https: %v", err)
	}
	if _, err := e.Portal(toks.IDToken).Dossiers(ctx); err != nil {
		t.Errorf("portal with an ID token (the portal checks it against the SSO's keys, over https): %v", err)
	}
	if recs, err := e.Gateway.Lookup(ctx, "population", "SoDinhDanh", c.PersonalID, "dvcqa tls test"); err != nil || len(recs) == 0 {
		t.Errorf("gateway lookup (the gateway asks the database, over https): %d records, %v", len(recs), err)
	}

	// The same world without the bundle: the harness refuses it, naming
	// the host and the reason.
	plain := worldTarget(t, w, t.TempDir(), "")
	pe, err := framework.Setup(plain, fixtures.MustLoad())
	if err != nil {
		t.Fatal(err)
	}
	_, err = pe.Portal("").Services(ctx)
	if host := strings.TrimPrefix(w.URL, "https://"); err == nil || !strings.Contains(err.Error(), "TLS failure with "+host) ||
		!strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Errorf("without tls.ca_file: %v", err)
	}
}

// TestMockServeTLSFiles: --tls --tls-client-ca writes the CA (0644) and the
// harness's client pair (0600) beside the target, never the server's key;
// the written target loads, and the world requires the client certificate:
// without it a request fails naming the host and "client certificate".
func TestMockServeTLSFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.yaml")
	m := &mockTLS{on: true, clientCA: true}
	if _, err := (&mockTLS{clientCA: true}).config("127.0.0.1:0", path); err == nil {
		t.Error("--tls-client-ca without --tls should be refused")
	}
	if _, err := (&mockTLS{on: true}).config("127.0.0.1:0", ""); err == nil || !strings.Contains(err.Error(), "--write-target") {
		t.Errorf("--tls without --write-target: %v", err)
	}
	cfg, err := m.config("127.0.0.1:0", path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := world.Start(world.Options{Seed: 20250701, TLS: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cat := fixtures.MustLoad()
	tg, err := fixtures.DefaultTarget(cat)
	if err != nil {
		t.Fatal(err)
	}
	tg.URLs = w.URLs(tg.Province)
	if err := m.write(path, tg); err != nil {
		t.Fatal(err)
	}
	if err := writeTargetFile(path, tg); err != nil {
		t.Fatal(err)
	}
	for suffix, mode := range map[string]os.FileMode{TLSCASuffix: 0o644, TLSClientSuffix: 0o600, TLSClientKeySuffix: 0o600} {
		fi, err := os.Stat(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&^mode != 0 {
			t.Errorf("%s: mode %v, want %v", suffix, fi.Mode().Perm(), mode)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if strings.Contains(string(data), "PRIVATE KEY") && e.Name() != "t.yaml"+TLSClientKeySuffix {
			t.Errorf("%s holds a private key: only the harness's client key may be written", e.Name())
		}
	}
	loaded, err := fixtures.LoadTarget(path, cat)
	if err != nil {
		t.Fatalf("the written target: %v", err)
	}
	if loaded.Kind != fixtures.KindMock || loaded.TLS.CAFile != "t.yaml"+TLSCASuffix || loaded.TLS.ClientKeyFile != "t.yaml"+TLSClientKeySuffix {
		t.Errorf("written tls section = %+v", loaded.TLS)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	e, err := framework.Setup(loaded, cat)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Portal("").Services(ctx); err != nil {
		t.Errorf("with the client certificate: %v", err)
	}
	// The portal's own calls to the gateway present the world's internal
	// client certificate, which the world accepts beside the harness's.
	c := e.Citizen(framework.RolePlatform, 0)
	if recs, err := e.Gateway.Lookup(ctx, "population", "SoDinhDanh", c.PersonalID, "dvcqa mtls test"); err != nil || len(recs) == 0 {
		t.Errorf("gateway lookup under mutual TLS: %d records, %v", len(recs), err)
	}

	loaded.TLS.ClientCertFile, loaded.TLS.ClientKeyFile = "", ""
	noCert, err := framework.Setup(loaded, cat)
	if err != nil {
		t.Fatal(err)
	}
	_, err = noCert.Portal("").Services(ctx)
	if host := strings.TrimPrefix(w.URL, "https://"); err == nil || !strings.Contains(err.Error(), host) || !strings.Contains(err.Error(), "client certificate") {
		t.Errorf("without a client certificate: %v", err)
	}
}

func TestMockServeTLSFlags(t *testing.T) {
	target := filepath.Join(t.TempDir(), "t.yaml")
	for _, args := range [][]string{{"--tls-client-ca", "--write-target", target}, {"--tls"}} {
		if code := mockCmd(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)); code != 2 {
			t.Errorf("mock serve %v: exit %d, want 2", args, code)
		}
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("a refused mock serve wrote a target file")
	}
}
