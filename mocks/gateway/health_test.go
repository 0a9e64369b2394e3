package gateway

import (
	"net/http"
	"testing"

	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
)

func TestHealth(t *testing.T) {
	w := newWorld(t, nil)
	health := func() gwapi.Health {
		req, _ := http.NewRequest(http.MethodGet, w.url+"/healthz", nil)
		a := do(t, req)
		if a.status != 200 {
			t.Fatalf("healthz: %d %s", a.status, a.body)
		}
		var h gwapi.Health
		a.decode(t, &h)
		return h
	}
	h := health()
	if h.Status != "ok" || h.System != "gateway" || h.Version != "mock-1" || len(h.Databases) != 3 || h.Databases["land"] != "ok" {
		t.Errorf("all up: %+v", h)
	}

	w.db["land"].SetDown(true)
	w.dbSrv["vehicles"].Close()
	h = health()
	want := map[string]string{"population": "ok", "land": "down", "vehicles": "down"}
	if h.Status != "degraded" {
		t.Errorf("status %q, want degraded", h.Status)
	}
	for db, s := range want {
		if h.Databases[db] != s {
			t.Errorf("%s: %q, want %q", db, h.Databases[db], s)
		}
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	good := func() Options {
		return Options{
			Databases:    testDBs[:1],
			DatabaseURLs: map[string]string{"population": "http://127.0.0.1:1"},
			InternalKey:  "k",
			Clients:      []Client{{ID: "c", Secret: "s", Scopes: []string{"population"}}},
		}
	}
	if _, err := New(good()); err != nil {
		t.Fatalf("good options: %v", err)
	}
	for name, tweak := range map[string]func(*Options){
		"no databases":    func(o *Options) { o.Databases = nil },
		"no internal key": func(o *Options) { o.InternalKey = "" },
		"no db URL":       func(o *Options) { o.DatabaseURLs = nil },
		"bad db URL":      func(o *Options) { o.DatabaseURLs = map[string]string{"population": "127.0.0.1:1"} },
		"unknown scope":   func(o *Options) { o.Clients[0].Scopes = []string{"land"} },
		"no secret":       func(o *Options) { o.Clients[0].Secret = "" },
		"duplicate client": func(o *Options) {
			o.Clients = append(o.Clients, o.Clients[0])
		},
	} {
		o := good()
		tweak(&o)
		if _, err := New(o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
