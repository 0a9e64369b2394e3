package dvcqg

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/dvcqg"
	"github.com/dvcqa/dvcqa/mocks/defects"
)

var dialects = []string{"envelope", "opencps", "rest"}

// goldenExchange is one hand-written example of a dialect's messages
// (testdata/dialect-*.json; docs/dialects-dvcqg.md gives the sources).
type goldenExchange struct {
	Op      string
	Method  string
	Path    string
	Header  map[string]string
	Query   map[string]string
	Request json.RawMessage
	Answer  json.RawMessage
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// TestDialectGoldenAnswers sends each golden request to the mock speaking
// that dialect and wants the golden answer back, as JSON values.
func TestDialectGoldenAnswers(t *testing.T) {
	for _, dialect := range dialects {
		t.Run(dialect, func(t *testing.T) {
			w := newWorldTweaked(t, func(o *Options) { o.Dialect = dialect })
			b, err := os.ReadFile("testdata/dialect-" + dialect + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var g struct {
				Dialect   string
				Exchanges []goldenExchange
			}
			if err := json.Unmarshal(bytes.ReplaceAll(b, []byte("{password}"), []byte(password("portal-01"))), &g); err != nil {
				t.Fatal(err)
			}
			session := ""
			for _, e := range g.Exchanges {
				sub := func(s string) string { return strings.ReplaceAll(s, "{session}", session) }
				u := w.base + e.Path
				if len(e.Query) > 0 {
					q := url.Values{}
					for k, v := range e.Query {
						q.Set(k, v)
					}
					u += "?" + q.Encode()
				}
				var body io.Reader
				if e.Request != nil {
					body = strings.NewReader(sub(string(e.Request)))
				}
				req, err := http.NewRequest(e.Method, u, body)
				if err != nil {
					t.Fatal(err)
				}
				for k, v := range e.Header {
					req.Header.Set(k, sub(v))
				}
				resp, err := w.ts.Client().Do(req)
				if err != nil {
					t.Fatalf("%s: %v", e.Op, err)
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: HTTP %d %s", e.Op, resp.StatusCode, got)
				}
				if e.Op == "login" {
					var r struct{ Session string }
					if json.Unmarshal(got, &r) != nil || r.Session == "" {
						t.Fatalf("login: no session in %s", got)
					}
					session = r.Session
				}
				got = bytes.ReplaceAll(got, []byte(session), []byte("{session}"))
				if !sameJSON(got, e.Answer) {
					t.Errorf("%s: answer\n%s\nwant\n%s", e.Op, got, e.Answer)
				}
			}
		})
	}
}

// TestRoundTripEveryDialect runs the harness's client against the mock in
// each dialect: the same typed results, the same refusals.
func TestRoundTripEveryDialect(t *testing.T) {
	for _, dialect := range dialects {
		t.Run(dialect, func(t *testing.T) {
			w := newWorldTweaked(t, func(o *Options) { o.Dialect = dialect })
			ctx := context.Background()
			c := w.client("portal-01")
			code := agency01 + "-260302-0001"
			if err := c.SyncDossier(ctx, false, dossier(code)); err != nil {
				t.Fatalf("SyncDossier: %v", err)
			}
			history := []dvcqg.TienDo{progressEntry(code, "2", "Trần Thị Bình", "Tiếp nhận hồ sơ", "20260302093000")}
			if err := c.UpdateProgress(ctx, history...); err != nil {
				t.Fatalf("UpdateProgress: %v", err)
			}
			changed := dossier(code)
			changed.TrangThaiHoSo, changed.NgayTra = "10", "20260304080000"
			if err := c.SyncDossier(ctx, true, changed); err != nil {
				t.Fatalf("SyncDossier update: %v", err)
			}
			got, err := c.Lookup(ctx, code)
			changed.QuaTrinhXuLy = history
			if err != nil || !reflect.DeepEqual(*got, changed) {
				t.Fatalf("Lookup = %+v, %v\nwant %+v", got, err, changed)
			}
			err = c.SyncDossier(ctx, false, dossier(code))
			if !dvcqg.IsDuplicate(err) {
				t.Errorf("second new sync: %v, want duplicate", err)
			}
			unknown := agency01 + "-260302-0404"
			_, err = c.Lookup(ctx, unknown)
			portalError(t, err, dvcqg.CodeFailed, dvcqg.MessageNotFound)
			if err := c.UpdateProgress(ctx, progressEntry(unknown, "2", "A", "B", "20260302093000")); !dvcqg.IsNotFound(err) {
				t.Errorf("progress of an unknown dossier: %v, want not found", err)
			}
			portalError(t, c.SyncDossier(ctx, false, func() dvcqg.HoSo { h := dossier(agency01 + "-260302-0002"); h.KenhThucHien = "4"; return h }()),
				dvcqg.CodeFailed, "KenhThucHien")
			list, err := c.Procedures(ctx)
			if err != nil || len(list) != 1 || list[0].MaTTHC != "1.001193" || list[0].TenTTHC != "Đăng ký khai sinh" {
				t.Errorf("Procedures = %+v, %v", list, err)
			}
			p, err := c.Procedure(ctx, "1.001193")
			if err != nil || p.TenTTHC != "Đăng ký khai sinh" || (dialect != "envelope" && p.MaLinhVuc != "HT") {
				t.Errorf("Procedure = %+v, %v", p, err)
			}
			if _, err := c.Procedure(ctx, "9.999999"); err == nil {
				t.Error("Procedure of an unknown code: no error")
			}

			// The auditor reads every agency and writes none; another
			// province's account is refused another agency's dossier.
			a := w.client(auditor)
			if h, err := a.Lookup(ctx, code); err != nil || h.MaHoSo != code {
				t.Errorf("auditor Lookup = %v, %v", h, err)
			}
			portalError(t, a.SyncDossier(ctx, false, dossier(agency01+"-260302-0003")), dvcqg.CodeFailed, dvcqg.MessageReadOnly)
			_, err = w.client("portal-79").Lookup(ctx, code)
			portalError(t, err, dvcqg.CodeFailed, code)

			// Sessions expire; the client logs in again once.
			before := w.logins.Load()
			w.clock.Advance(31 * time.Minute)
			if _, err := c.Lookup(ctx, code); err != nil {
				t.Fatalf("Lookup after expiry: %v", err)
			}
			if n := w.logins.Load() - before; n != 1 {
				t.Errorf("logins after expiry = %d, want 1", n)
			}
		})
	}
}

// TestDefectsEveryDialect: the national portal's seeded defects show in
// every dialect.
func TestDefectsEveryDialect(t *testing.T) {
	for _, dialect := range dialects {
		t.Run(dialect, func(t *testing.T) {
			set := defects.NewSet()
			w := newWorldTweaked(t, func(o *Options) { o.Dialect, o.Defects = dialect, set })
			ctx := context.Background()
			c := w.client("portal-01")
			code := agency01 + "-260302-0001"
			if err := c.SyncDossier(ctx, false, dossier(code)); err != nil {
				t.Fatalf("SyncDossier: %v", err)
			}
			if err := c.UpdateProgress(ctx, progressEntry(code, "2", "A", "B", "20260302093000")); err != nil {
				t.Fatalf("UpdateProgress: %v", err)
			}

			set.Replace([]defects.Switch{{Name: "dvcqg-notfound-wrong-code"}})
			_, err := c.Lookup(ctx, agency01+"-260302-0404")
			portalError(t, err, codeNotFoundWrong, dvcqg.MessageNotFound)

			set.Replace([]defects.Switch{{Name: "dvcqg-received-date-utc"}})
			if h, err := c.Lookup(ctx, code); err != nil || h.NgayTiepNhan != "20260302020000" {
				t.Errorf("received-date-utc: %+v, %v", h, err)
			}
			set.Replace([]defects.Switch{{Name: "dvcqg-date-layout"}})
			if h, err := c.Lookup(ctx, code); err != nil || h.NgayTiepNhan != "02/03/2026 09:00:00" {
				t.Errorf("date-layout: %+v, %v", h, err)
			}
			set.Replace([]defects.Switch{{Name: "dvcqg-progress-unit-dropped"}})
			if h, err := c.Lookup(ctx, code); err != nil || len(h.QuaTrinhXuLy) != 1 || h.QuaTrinhXuLy[0].PhongBanXuLy != "" {
				t.Errorf("progress-unit-dropped: %+v, %v", h, err)
			}
			set.Replace([]defects.Switch{{Name: "dvcqg-login-any-password"}})
			wrong := w.client("portal-01")
			wrong.Password = "sai-mat-khau"
			if err := wrong.Login(ctx); err != nil {
				t.Errorf("login-any-password: %v, want a session", err)
			}
			set.Replace(nil)
			if err := wrong.Login(ctx); err == nil {
				t.Error("wrong password with the defects off: a session")
			}
		})
	}
}

// TestClientOfAnotherDialect: the mock in one dialect, the client in
// another: one DialectError, at the first call.
func TestClientOfAnotherDialect(t *testing.T) {
	for _, server := range dialects {
		w := newWorldTweaked(t, func(o *Options) { o.Dialect = server })
		for _, client := range dialects {
			if client == server {
				continue
			}
			c := w.client("portal-01")
			c.Dialect = client
			_, err := c.Lookup(context.Background(), agency01+"-260302-0001")
			var de *dvcqg.DialectError
			if !errors.As(err, &de) || de.Dialect != client {
				t.Errorf("%s client, %s mock: %v, want a DialectError", client, server, err)
			}
		}
	}
}

// OpenCPS sends dstcode on every call; the opencps mock checks it.
func TestOpenCPSWantsDstCodeOnCalls(t *testing.T) {
	w := newWorldTweaked(t, func(o *Options) { o.Dialect = "opencps" })
	c := w.client("portal-01")
	if err := c.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.DstCode = "DST79" // the login is done; the calls now carry another system's code
	_, err := c.Lookup(context.Background(), agency01+"-260302-0001")
	portalError(t, err, dvcqg.CodeFailed, "dstcode")
}

func TestUnknownDialectRefused(t *testing.T) {
	if _, err := New(Options{Dialect: "soap"}); err == nil || !strings.Contains(err.Error(), "soap") {
		t.Fatalf("New with an unknown dialect: %v", err)
	}
}
