package browser

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dvcqa/dvcqa/internal/testenv"
)

// privateCAServer serves a page over TLS with a certificate from a CA made
// here, which no trust store knows; it returns the server and the base64
// SHA-256 of the leaf's public key.
func privateCAServer(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	c := testenv.NewServerCert(t, "portal")
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="vi"><title>Cổng</title><p id="x">tin cậy</p></html>`)
	}))
	srv.TLS = c.TLS
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	sum := sha256.Sum256(c.Leaf.RawSubjectPublicKeyInfo)
	return srv, base64.StdEncoding.EncodeToString(sum[:])
}

// TestTrustSPKI: Chromium refuses a server of a private CA, and accepts it
// when started with the server's public-key pin (the real browser, not a
// fake: the flag is Chromium's).
func TestTrustSPKI(t *testing.T) {
	b := needBrowser(t) // started without pins
	srv, pin := privateCAServer(t)
	if err := newTab(t, b).Navigate(srv.URL + "/"); err == nil || !strings.Contains(err.Error(), "ERR_CERT") {
		t.Errorf("a browser without the pin: %v, want a certificate error", err)
	}
	if b.opts.RemoteURL != "" {
		t.Skip("a remote Chromium takes no start flags")
	}

	pinned, err := Start(context.Background(), Options{TrustSPKI: []string{pin}})
	if err != nil {
		t.Fatal(err)
	}
	defer pinned.Close()
	tab := newTab(t, pinned)
	if err := tab.Navigate(srv.URL + "/"); err != nil {
		t.Fatalf("with the pin: %v", err)
	}
	if got, err := tab.Text("#x"); err != nil || got != "tin cậy" {
		t.Errorf("page text %q, %v", got, err)
	}
}

func TestTrustSPKIRemoteRefused(t *testing.T) {
	_, err := Start(context.Background(), Options{RemoteURL: "http://127.0.0.1:1", TrustSPKI: []string{"abc="}})
	if err == nil || !strings.Contains(err.Error(), "--ignore-certificate-errors-spki-list=abc=") || errors.Is(err, ErrNoChromium) {
		t.Errorf("remote Chromium with pins: %v", err)
	}
}
