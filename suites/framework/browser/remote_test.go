package browser

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/internal/testenv"
)

func TestRemoteBrowser(t *testing.T) {
	wsURL := testenv.RemoteChromium(t)
	srv, rec := testServer(t)
	// Both forms a user may configure: the ws URL Chromium prints, and the
	// DevTools HTTP endpoint.
	httpURL := "http://" + strings.Split(strings.TrimPrefix(wsURL, "ws://"), "/")[0]
	for _, u := range []string{wsURL, httpURL} {
		t.Run(strings.SplitN(u, ":", 2)[0], func(t *testing.T) {
			start := time.Now()
			b, err := Start(context.Background(), Options{RemoteURL: u})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			t.Logf("attaching to the remote browser took %s", time.Since(start).Round(time.Millisecond))
			if b.PID() != 0 || !b.Remote() {
				t.Errorf("remote browser: PID %d, Remote %v", b.PID(), b.Remote())
			}
			tab := newTab(t, b)
			if err := tab.Navigate(srv.URL + "/form"); err != nil {
				t.Fatal(err)
			}
			if err := tab.SetValue("#ho-ten", vietName); err != nil {
				t.Fatal(err)
			}
			// The remote browser cannot read this machine's files: the page
			// builds the file.
			if err := tab.Upload("#tep", "đơn.pdf", []byte("%PDF-1.4\n\x00\xff\n%%EOF\n")); err != nil {
				t.Fatal(err)
			}
			if _, err := tab.ClickAndWait("#gui"); err != nil {
				t.Fatal(err)
			}
			values, files := rec.get()
			if values["HoTen"] != vietName || !bytes.Equal(files["đơn.pdf"], []byte("%PDF-1.4\n\x00\xff\n%%EOF\n")) {
				t.Errorf("server got %v and files %v", values, keys(files))
			}
		})
	}
	// Closing our side leaves the remote browser running for others.
	b, err := Start(context.Background(), Options{RemoteURL: wsURL})
	if err != nil {
		t.Fatalf("the remote browser should survive our Close: %v", err)
	}
	b.Close()
}

func TestRemoteBrowserUnreachable(t *testing.T) {
	start := time.Now()
	_, err := Start(context.Background(), Options{RemoteURL: "http://127.0.0.1:1"})
	if err == nil || !strings.Contains(err.Error(), "attach to the remote Chromium at http://127.0.0.1:1") {
		t.Errorf("want an error naming the remote URL, got %v", err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("failing took %s", d)
	}
}
