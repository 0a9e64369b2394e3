package portal

import (
	"context"
	"maps"
	"net/http"
	"strings"
	"testing"

	api "github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/mocks/defects"
)

// TestServiceKindDefects drives the defects that prove the service spec
// kinds can fail, as TestSeededDefects does: on for the service the check
// drives, then scoped to another service and another province.
func TestServiceKindDefects(t *testing.T) {
	cases := []defectCase{
		{defects.Switch{Name: defectIDFormatUnchecked, Service: "DV09"}, "DV12", checkIDFormatUnchecked},
		{defects.Switch{Name: defectRequiredAsFormat, Service: "DV09"}, "DV12", checkRequiredAsFormat},
		{defects.Switch{Name: defectAuthNotRequired, Service: "DV09"}, "DV12", checkAuthNotRequired},
		{defects.Switch{Name: defectChallengeMissing, Service: "DV09"}, "DV12", checkChallengeMissing},
		{defects.Switch{Name: defectIdempotencyConflictIgnored, Service: "DV09"}, "DV12", checkIdempotencyConflictIgnored},
		{defects.Switch{Name: defectChainWrongApplicant, Service: "DV15"}, "DV09", checkChainWrongApplicant},
		{defects.Switch{Name: defectChainStepStuck, Service: "DV15"}, "DV09", checkChainStepStuck},
	}
	runDefectCases(t, cases)
	// Each is a scopable portal defect of the registry, without parameter
	// (web-error-hidden is driven in web_test.go).
	for _, name := range []string{defectIDFormatUnchecked, defectRequiredAsFormat, defectAuthNotRequired, defectChallengeMissing,
		defectIdempotencyConflictIgnored, defectWebErrorHidden, defectChainWrongApplicant, defectChainStepStuck} {
		if d, ok := defects.Lookup(name); !ok || d.System != "portal" || !d.Scopable || d.Param != "" {
			t.Errorf("defect %q: registry entry %+v (found %v)", name, d, ok)
		}
	}
}

// fieldCodes is what a 422 says per field: field name → field-error code.
func fieldCodes(ae *api.APIError) map[string]string {
	out := map[string]string{}
	for _, fe := range ae.Fields {
		out[fe.Field] = fe.Code
	}
	return out
}

func checkIDFormatUnchecked(t *testing.T, e *env, broken bool) {
	ctx := context.Background()
	c := e.as(an)
	req := e.birthRequest(c)
	req.Fields["SoDinhDanh"] = "12345678"
	_, _, err := c.Submit(ctx, "k", req)
	want := api.FieldInvalidFormat
	if broken {
		want = api.FieldNationalMismatch
	}
	got := fieldCodes(apiErr(t, err, http.StatusUnprocessableEntity))
	expect(t, len(got) == 1 && got["SoDinhDanh"] == want, "malformed ID: field errors %v, want SoDinhDanh %s only", got, want)
	// A well-formed ID of somebody else is a mismatch either way.
	req.Fields["SoDinhDanh"] = binh.ID
	_, _, err = c.Submit(ctx, "k2", req)
	got = fieldCodes(apiErr(t, err, http.StatusUnprocessableEntity))
	expect(t, len(got) == 1 && got["SoDinhDanh"] == api.FieldNationalMismatch, "another citizen's ID: field errors %v", got)
	// Typed ID fields are still checked.
	req = e.birthRequest(c)
	req.Fields["SoDinhDanhMe"] = "12345"
	_, _, err = c.Submit(ctx, "k3", req)
	got = fieldCodes(apiErr(t, err, http.StatusUnprocessableEntity))
	expect(t, got["SoDinhDanhMe"] == api.FieldInvalidFormat, "typed ID: field errors %v", got)
}

func checkAuthNotRequired(t *testing.T, e *env, broken bool) {
	ctx := context.Background()
	anon := e.anon()
	f, err := anon.Form(ctx, "DV09")
	if broken {
		if err != nil {
			t.Fatalf("form without a token: %v, want it served", err)
		}
		for _, ff := range f.Fields {
			expect(t, ff.Value == "" && !ff.Prefilled, "anonymous form prefilled %s = %q", ff.Name, ff.Value)
		}
	} else {
		ae := apiErr(t, err, http.StatusUnauthorized)
		expect(t, ae.Reason == api.ReasonMissingToken && ae.Authenticate == `Bearer realm="dvcqa-portal"`, "401 %+v", ae)
	}
	// Bad tokens are refused either way.
	garbage := &api.Client{BaseURL: e.base, Token: "not-a-jwt"}
	_, err = garbage.Form(ctx, "DV09")
	ae := apiErr(t, err, http.StatusUnauthorized)
	expect(t, ae.Reason == api.ReasonMalformed && strings.Contains(ae.Authenticate, `error="invalid_token"`), "garbage token: %+v", ae)
}

func checkIdempotencyConflictIgnored(t *testing.T, e *env, broken bool) {
	ctx := context.Background()
	c := e.as(an)
	req := e.birthRequest(c)
	first, _, err := c.Submit(ctx, "key", req)
	if err != nil {
		t.Fatal(err)
	}
	other := req
	other.Fields = maps.Clone(req.Fields)
	other.Fields["HoTenTre"] = "Nguyễn Minh Khang"
	again, replayed, err := c.Submit(ctx, "key", other)
	all, _ := c.Dossiers(ctx)
	if broken {
		expect(t, err == nil && replayed && again.ID == first.ID && len(all) == 1, "reused key: %v replayed %v, %d dossiers; want the first replayed", err, replayed, len(all))
		return
	}
	ae := apiErr(t, err, http.StatusConflict)
	expect(t, ae.Code == api.CodeIdempotencyReused && len(all) == 1, "reused key: %+v, %d dossiers", ae, len(all))
}

func checkChainWrongApplicant(t *testing.T, e *env, broken bool) {
	ctx := context.Background()
	c := e.as(an)
	d, _, err := c.Submit(ctx, "k", api.SubmitRequest{ServiceID: "DV15", Fields: map[string]string{"HoTenTre": "Nguyễn Minh Khôi"}})
	if err != nil {
		t.Fatal(err)
	}
	d = e.waitFor(c, d.ID, "delivered", delivered)
	all, _ := c.Dossiers(ctx)
	expect(t, len(d.Chain) == 2, "chain %+v", d.Chain)
	if broken {
		expect(t, len(all) == 1, "%d dossiers of the applicant; want the follow-ons filed under another person", len(all))
		for _, l := range d.Chain {
			calls := e.national.callsFor(l.Code)
			expect(t, len(calls) > 0 && calls[0].Dossier.MaDoiTuong != an.ID && calls[0].Dossier.DinhDanhCHS[0].SoDinhDanh != an.ID,
				"follow-on %s synced as %+v", l.Code, calls)
		}
		return
	}
	expect(t, len(all) == 3, "%d dossiers", len(all))
	for _, x := range all {
		expect(t, x.Applicant.SoDinhDanh == an.ID, "dossier %s names %+v", x.Code, x.Applicant)
	}
}

func checkRequiredAsFormat(t *testing.T, e *env, broken bool) {
	c := e.as(an)
	req := e.birthRequest(c)
	delete(req.Fields, "HoTenTre")
	req.Fields["CanNang"] = "nặng"
	_, _, err := c.Submit(context.Background(), "k", req)
	got := fieldCodes(apiErr(t, err, http.StatusUnprocessableEntity))
	want := map[string]string{"HoTenTre": api.FieldRequired, "CanNang": api.FieldInvalidFormat}
	if broken {
		want["HoTenTre"] = api.FieldInvalidFormat
	}
	expect(t, maps.Equal(got, want), "field errors %v, want %v", got, want)
}

func checkChallengeMissing(t *testing.T, e *env, broken bool) {
	ctx := context.Background()
	_, err := e.anon().Form(ctx, "DV09")
	ae := apiErr(t, err, http.StatusUnauthorized)
	expect(t, (ae.Authenticate == "") == broken && ae.Reason == api.ReasonMissingToken, "401 of the DV09 form: %+v (challenge missing wanted: %v)", ae, broken)
	// A route that names no service is challenged either way.
	_, err = e.anon().Dossiers(ctx)
	ae = apiErr(t, err, http.StatusUnauthorized)
	expect(t, ae.Authenticate == `Bearer realm="dvcqa-portal"`, "401 of the dossier list: %+v", ae)
}

func checkChainStepStuck(t *testing.T, e *env, broken bool) {
	ctx := context.Background()
	c := e.as(an)
	d, _, err := c.Submit(ctx, "k", api.SubmitRequest{ServiceID: "DV15", Fields: map[string]string{"HoTenTre": "Nguyễn Minh Khôi"}})
	if err != nil {
		t.Fatal(err)
	}
	d = e.waitFor(c, d.ID, "delivered", delivered)
	expect(t, len(d.Chain) == 2, "chain %+v", d.Chain)
	for _, l := range d.Chain {
		var child *api.Dossier
		all, _ := c.Dossiers(ctx)
		for i := range all {
			if all[i].Code == l.Code {
				child = &all[i]
			}
		}
		if child == nil {
			t.Fatalf("follow-on %s not listed", l.Code)
		}
		if broken {
			expect(t, child.Status == api.StatusSubmitted && len(child.History) == 1, "follow-on %s: %s %+v, want it stuck in submitted", l.Code, child.Status, child.History)
			continue
		}
		e.waitFor(c, child.ID, "delivered", delivered)
	}
}

// TestWebErrorHidden: with web-error-hidden the message next to the missing
// field is in the page but hidden; the summary still names it. Scoped to
// another service, nothing changes.
func TestWebErrorHidden(t *testing.T) {
	for _, sw := range []defects.Switch{{Name: defectWebErrorHidden, Service: "DV09"}, {Name: defectWebErrorHidden, Service: "DV12"}} {
		e := newWebEnv(t, defects.NewSet(sw))
		b := e.loggedIn(an)
		_, shown := b.openForm("DV09")
		vals := birthForm(shown)
		vals.Del("HoTenTre")
		r := b.postMultipart("/ho-so/moi/DV09", vals, birthFiles)
		msg := mustID(t, r, "loi-HoTenTre")
		_, hidden := attrOK(msg, "hidden")
		if r.status != http.StatusUnprocessableEntity || hidden != (sw.Service == "DV09") || !strings.Contains(text(msg), "bắt buộc") {
			t.Fatalf("%s: %d, error %q hidden = %v", sw, r.status, text(msg), hidden)
		}
		// The summary still names the field.
		if !strings.Contains(text(mustID(t, r, "tom-tat-loi")), "bắt buộc") {
			t.Errorf("%s: summary %q", sw, text(mustID(t, r, "tom-tat-loi")))
		}
	}
}
