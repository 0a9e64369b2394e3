package portal

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	api "github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/mocks/defects"
)

// defectCase drives the portal with one seeded defect: check asserts the
// wrong behaviour when broken, the correct one otherwise.
type defectCase struct {
	sw    defects.Switch // scoped to the service the check drives
	other string         // a service the check does not drive
	check func(t *testing.T, e *env, broken bool)
}

// TestSeededDefects switches each defect on for the service the check
// drives (the defect must show), then scoped to another service and to
// another province (nothing may change).
func TestSeededDefects(t *testing.T) {
	cases := []defectCase{
		{defects.Switch{Name: defectPrefillWrongCitizen, Service: "DV09"}, "DV12", checkPrefillWrongCitizen},
		{defects.Switch{Name: defectPrefillMissingField, Param: "NgaySinhNguoiYeuCau", Service: "DV09"}, "DV12", checkPrefillMissingField},
		{defects.Switch{Name: defectTokenNotVerified, Service: "DV09"}, "DV12", checkTokenNotVerified},
		{defects.Switch{Name: defectExpiredAccepted, Service: "DV09"}, "DV12", checkExpiredAccepted},
		{defects.Switch{Name: defectFeeWrongAmount, Service: "DV12"}, "DV09", checkFeeWrongAmount},
		{defects.Switch{Name: defectCallbackUnsigned, Service: "DV12"}, "DV09", checkCallbackUnsigned},
		{defects.Switch{Name: defectPaymentNotRecorded, Service: "DV12"}, "DV09", checkPaymentNotRecorded},
		{defects.Switch{Name: defectStatusStuck, Param: "processing", Service: "DV09"}, "DV12", checkStuckProcessing},
		{defects.Switch{Name: defectStatusStuck, Param: "submitted", Service: "DV12"}, "DV09", checkStuckSubmitted},
		{defects.Switch{Name: defectDeadlineMissed, Service: "DV09"}, "DV12", checkDeadlineMissed},
		{defects.Switch{Name: defectAppointmentDateWrong, Service: "DV12"}, "DV09", checkAppointmentDateWrong},
		{defects.Switch{Name: defectResultUnsigned, Service: "DV09"}, "DV12", checkResultUnsigned},
		{defects.Switch{Name: defectResultWrongApplicant, Service: "DV09"}, "DV12", checkResultWrongApplicant},
		{defects.Switch{Name: defectResultPDFTampered, Service: "DV09"}, "DV12", checkResultPDFTampered},
		{defects.Switch{Name: defectResultSignerUntrusted, Service: "DV09"}, "DV12", checkResultSignerUntrusted},
		{defects.Switch{Name: defectResultSignerExpired, Service: "DV09"}, "DV12", checkResultSignerExpired},
		{defects.Switch{Name: defectSyncMissing, Service: "DV09"}, "DV12", checkSyncMissing},
		{defects.Switch{Name: defectStatusLag, Service: "DV09"}, "DV12", checkStatusLag},
		{defects.Switch{Name: defectHistoryGap, Service: "DV09"}, "DV12", checkHistoryGap},
		{defects.Switch{Name: defectDuplicateOnRetry, Service: "DV09"}, "DV12", checkDuplicateOnRetry},
		{defects.Switch{Name: defectValidation500, Service: "DV09"}, "DV12", checkValidation500},
		{defects.Switch{Name: defectErrorLeaksStack, Service: "DV09"}, "DV12", checkErrorLeaksStack},
		{defects.Switch{Name: defectChainBroken, Service: "DV15"}, "DV09", checkChainBroken},
	}
	runDefectCases(t, cases)
}

// runDefectCases switches each defect on for its service, then scoped to
// another service and to another province, where it must change nothing.
func runDefectCases(t *testing.T, cases []defectCase) {
	for _, tc := range cases {
		t.Run(tc.sw.String(), func(t *testing.T) {
			otherService, otherProvince := tc.sw, tc.sw
			otherService.Service = tc.other
			otherProvince.Province = "02" // the tests' portal is province 01
			for _, v := range []struct {
				name   string
				sw     defects.Switch
				broken bool
			}{{"on", tc.sw, true}, {"other service", otherService, false}, {"other province", otherProvince, false}} {
				t.Run(v.name, func(t *testing.T) {
					tc.check(t, newEnvWith(t, worldDay, defects.NewSet(v.sw)), v.broken)
				})
			}
		})
	}
}

// TestDefectNamesAreInTheRegistry: every switch the portal reads is a
// portal defect of the registry, with a parameter exactly where it takes one.
func TestDefectNamesAreInTheRegistry(t *testing.T) {
	withParam := map[string]bool{defectPrefillMissingField: true, defectStatusStuck: true}
	for _, name := range []string{defectPrefillWrongCitizen, defectPrefillMissingField, defectTokenNotVerified, defectExpiredAccepted,
		defectFeeWrongAmount, defectCallbackUnsigned, defectPaymentNotRecorded, defectStatusStuck, defectDeadlineMissed,
		defectAppointmentDateWrong, defectResultUnsigned, defectResultWrongApplicant, defectResultPDFTampered,
		defectResultSignerUntrusted, defectResultSignerExpired, defectSyncMissing, defectStatusLag,
		defectHistoryGap, defectDuplicateOnRetry, defectValidation500, defectErrorLeaksStack, defectChainBroken, defectSubmitDisabled} {
		d, ok := defects.Lookup(name)
		if !ok || d.System != "portal" || (d.Param != "") != withParam[name] {
			t.Errorf("defect %q: registry entry %+v (found %v)", name, d, ok)
		}
	}
	// A nil set is a correct portal.
	var none *defects.Set
	e := newEnvWith(t, worldDay, none)
	if _, on := e.portal.defect(defectChainBroken, "DV15"); on {
		t.Error("a nil *defects.Set switched a defect on")
	}
}

// --- helpers -----------------------------------------------------------

// formValues is the form of a service as the citizen sees it, by field name.
func formValues(t *testing.T, c *api.Client, service string) map[string]api.FormField {
	t.Helper()
	f, err := c.Form(context.Background(), service)
	if err != nil {
		t.Fatalf("form of %s: %v", service, err)
	}
	out := map[string]api.FormField{}
	for _, ff := range f.Fields {
		out[ff.Name] = ff
	}
	return out
}

// submitBirth submits a valid DV09 dossier for An.
func (e *env) submitBirth(c *api.Client) *api.Dossier {
	e.t.Helper()
	d, _, err := c.Submit(context.Background(), "k-"+randomID(), e.birthRequest(c))
	if err != nil {
		e.t.Fatalf("submit DV09: %v", err)
	}
	return d
}

// deliveredBirth submits a DV09 dossier for An and waits for its result.
func (e *env) deliveredBirth(c *api.Client) *api.Dossier {
	e.t.Helper()
	return e.waitFor(c, e.submitBirth(c).ID, "delivered", delivered)
}

// pay posts the platform's valid success callback for the dossier's fee.
func (e *env) pay(d *api.Dossier) {
	e.t.Helper()
	cb := fakeCallback{MaThamChieu: d.Code, MaGiaoDich: "GD-" + d.Code, SoTien: d.Fee.AmountVND, TrangThaiGD: PaymentSucceeded}
	cb.MaXacThuc = cb.sign()
	if st, code := e.callback(cb); st != http.StatusOK || code != "00" {
		e.t.Fatalf("valid callback for %s: %d %s", d.Code, st, code)
	}
}

// pushes lists what reached the national portal for a dossier, once every
// queued push has been tried.
func (e *env) pushes(code string) []string {
	e.t.Helper()
	e.portal.Close()
	var out []string
	for _, c := range e.national.callsFor(code) {
		out = append(out, fmt.Sprint(c.Kind, ":", c.Status))
	}
	return out
}

// stillAfter rereads the dossier once ten more world days have passed.
func (e *env) stillAfter(c *api.Client, id string) *api.Dossier {
	e.t.Helper()
	time.Sleep(10 * worldDay)
	d, err := c.Dossier(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func expect(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Errorf(format, args...)
	}
}

// --- checks, one per defect --------------------------------------------

func checkPrefillWrongCitizen(t *testing.T, e *env, broken bool) {
	e.data.set("population", an.ID, "SoDinhDanhChuHo", binh.ID) // Bình heads An's household
	c := e.as(an)
	form := formValues(t, c, "DV09")
	want, wantBorn := an.Name, an.Born
	if broken {
		want, wantBorn = binh.Name, binh.Born
	}
	expect(t, form["HoVaTenNguoiYeuCau"].Value == want && form["HoVaTenNguoiYeuCau"].ReadOnly, "HoVaTenNguoiYeuCau = %+v, want read-only %q", form["HoVaTenNguoiYeuCau"], want)
	expect(t, form["NgaySinhNguoiYeuCau"].Value == wantBorn, "NgaySinhNguoiYeuCau = %q, want %q", form["NgaySinhNguoiYeuCau"].Value, wantBorn)
	// Every database is read for the other citizen: Bình has no civil-status record.
	expect(t, form["TinhTrangHonNhan"].Prefilled != broken, "TinhTrangHonNhan = %+v", form["TinhTrangHonNhan"])
	if broken {
		calls := e.data.callLog()
		expect(t, slices.Contains(calls, "civil_status SoDinhDanh="+binh.ID+" prefill DV09"), "lookups %q do not read Bình's civil status", calls)
	}

	// Submit agrees with the form it served.
	req := e.birthRequest(c)
	for name, ff := range form {
		if ff.ReadOnly {
			req.Fields[name] = ff.Value
		}
	}
	d, _, err := c.Submit(context.Background(), "k", req)
	if err != nil {
		t.Fatalf("submit with the form's prefilled values: %v", err)
	}
	expect(t, d.Fields["HoVaTenNguoiYeuCau"] == want && d.Applicant.SoDinhDanh == an.ID, "dossier fields %v applicant %+v", d.Fields, d.Applicant)
}

func checkPrefillMissingField(t *testing.T, e *env, broken bool) {
	c := e.as(an)
	form := formValues(t, c, "DV09")
	ff := form["NgaySinhNguoiYeuCau"]
	if broken {
		expect(t, ff.Value == "" && !ff.Prefilled && !ff.ReadOnly, "NgaySinhNguoiYeuCau = %+v, want empty and editable", ff)
	} else {
		expect(t, ff.Value == an.Born && ff.Prefilled && ff.ReadOnly, "NgaySinhNguoiYeuCau = %+v, want prefilled %q", ff, an.Born)
	}
	expect(t, form["HoVaTenNguoiYeuCau"].Value == an.Name && form["HoVaTenNguoiYeuCau"].Prefilled, "other fields are still prefilled: %+v", form["HoVaTenNguoiYeuCau"])
	// Submit still takes the omitted read-only value from national data.
	d := e.submitBirth(c)
	expect(t, d.Fields["NgaySinhNguoiYeuCau"] == an.Born, "submitted NgaySinhNguoiYeuCau = %q, want %q", d.Fields["NgaySinhNguoiYeuCau"], an.Born)
}

func checkTokenNotVerified(t *testing.T, e *env, broken bool) {
	ctx := context.Background()
	forged := &api.Client{BaseURL: e.srv.URL, Token: token(otherKey, an, nil)}
	_, err := forged.Form(ctx, "DV09")
	if broken {
		if err != nil {
			t.Fatalf("forged token refused: %v", err)
		}
	} else if ae := apiErr(t, err, http.StatusUnauthorized); ae.Reason != api.ReasonBadSignature {
		t.Fatalf("forged token: %v", ae)
	}
	// The claims are still checked, and a string that is no JWT is refused.
	for _, tc := range []struct{ name, token, reason string }{
		{"expired", token(otherKey, an, func(m map[string]any) { m["exp"] = time.Now().Add(-time.Hour).Unix() }), api.ReasonTokenExpired},
		{"wrong aud", token(otherKey, an, func(m map[string]any) { m["aud"] = "another-client" }), api.ReasonWrongAudience},
		{"wrong iss", token(otherKey, an, func(m map[string]any) { m["iss"] = "http://evil.test" }), api.ReasonWrongIssuer},
		{"three garbage parts", "a.b.c", api.ReasonInvalid},
	} {
		want := tc.reason
		if !broken {
			want = api.ReasonBadSignature
		}
		_, err := (&api.Client{BaseURL: e.srv.URL, Token: tc.token}).Form(ctx, "DV09")
		if ae := apiErr(t, err, http.StatusUnauthorized); ae.Reason != want {
			t.Errorf("%s token refused with reason %q, want %q", tc.name, ae.Reason, want)
		}
	}
	_, err = (&api.Client{BaseURL: e.srv.URL, Token: "not-a-jwt"}).Form(ctx, "DV09")
	apiErr(t, err, http.StatusUnauthorized)
}

func checkExpiredAccepted(t *testing.T, e *env, broken bool) {
	ctx := context.Background()
	expired := func(key *rsa.PrivateKey) string {
		return token(key, an, func(m map[string]any) {
			m["iat"], m["exp"] = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
		})
	}
	_, err := (&api.Client{BaseURL: e.srv.URL, Token: expired(ssoKey)}).Form(ctx, "DV09")
	if broken {
		if err != nil {
			t.Fatalf("expired token refused: %v", err)
		}
	} else if ae := apiErr(t, err, http.StatusUnauthorized); ae.Reason != api.ReasonTokenExpired {
		t.Fatalf("expired token: %v", ae)
	}
	// The signature is still checked.
	_, err = (&api.Client{BaseURL: e.srv.URL, Token: expired(otherKey)}).Form(ctx, "DV09")
	if ae := apiErr(t, err, http.StatusUnauthorized); ae.Reason != api.ReasonBadSignature {
		t.Fatalf("expired forged token: %v", ae)
	}
}

func checkFeeWrongAmount(t *testing.T, e *env, broken bool) {
	ctx := context.Background()
	c := e.as(an)
	want := int64(200000)
	if broken {
		want = 220000
	}
	svc, err := c.Service(ctx, "DV12")
	if err != nil || svc.FeeVND != 200000 {
		t.Fatalf("catalog entry of DV12: fee %v (%v), want 200000", svc, err)
	}
	d := e.passportDossier(c)
	if d.Fee.AmountVND != want || d.Status != api.StatusPaymentRequired {
		t.Fatalf("dossier fee %+v status %s, want %d", d.Fee, d.Status, want)
	}
	start, err := c.StartPayment(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.payments.mu.Lock()
	init := e.payments.inits[0]
	e.payments.mu.Unlock()
	expect(t, start.AmountVND == want && init.Amount == want && init.Lines[0].Amount == want, "payment start %+v INIT %+v, want %d", start, init, want)
	if broken { // the catalog's amount no longer pays the dossier
		cb := fakeCallback{MaThamChieu: d.Code, MaGiaoDich: "GD-" + d.Code, SoTien: 200000, TrangThaiGD: PaymentSucceeded}
		cb.MaXacThuc = cb.sign()
		if st, code := e.callback(cb); st != http.StatusBadRequest || code != "09" {
			t.Fatalf("callback for the catalog fee: %d %s, want 400 09", st, code)
		}
	}
	e.pay(d)
	d = e.waitFor(c, d.ID, "delivered", delivered)
	expect(t, d.Fee.Paid && d.Fee.PaidAmountVND == want, "fee after payment %+v", d.Fee)
}

func checkCallbackUnsigned(t *testing.T, e *env, broken bool) {
	ctx := context.Background()
	c := e.as(an)
	d := e.passportDossier(c)
	forged := fakeCallback{MaThamChieu: d.Code, MaGiaoDich: "GD-" + d.Code, SoTien: 200000, TrangThaiGD: PaymentSucceeded, MaXacThuc: "00"}
	// Amount and status are still checked.
	short := forged
	short.SoTien = 20000
	if st, code := e.callback(short); st != http.StatusBadRequest || (broken && code != "09") || (!broken && code != "07") {
		t.Fatalf("forged callback for a wrong amount: %d %s", st, code)
	}
	unknown := forged
	unknown.MaThamChieu = "000.00.00.H01-260101-9999"
	if st, code := e.callback(unknown); st != http.StatusBadRequest || code != "07" {
		t.Fatalf("forged callback for an unknown dossier: %d %s, want 400 07", st, code)
	}
	st, code := e.callback(forged)
	cur, err := c.Dossier(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if broken {
		expect(t, st == http.StatusOK && code == "00" && cur.Fee.Paid && cur.Fee.TransactionID == "GD-"+d.Code, "forged callback: %d %s, fee %+v; want it recorded", st, code, cur.Fee)
	} else {
		expect(t, st == http.StatusBadRequest && code == "07" && !cur.Fee.Paid && cur.Status == api.StatusPaymentRequired,
			"forged callback: %d %s, fee %+v status %s; want it refused", st, code, cur.Fee, cur.Status)
	}
}

func checkPaymentNotRecorded(t *testing.T, e *env, broken bool) {
	c := e.as(an)
	d := e.passportDossier(c)
	e.pay(d) // answered 200 "00" either way
	if broken {
		cur := e.stillAfter(c, d.ID)
		expect(t, !cur.Fee.Paid && cur.Fee.PaidAmountVND == 0 && cur.Status == api.StatusPaymentRequired, "fee %+v status %s, want unpaid payment_required", cur.Fee, cur.Status)
		return
	}
	cur := e.waitFor(c, d.ID, "accepted", func(d *api.Dossier) bool { return d.Status != api.StatusPaymentRequired })
	expect(t, cur.Fee.Paid && cur.Fee.PaidAmountVND == 200000, "fee %+v", cur.Fee)
}

func checkStuckProcessing(t *testing.T, e *env, broken bool) {
	c := e.as(an)
	d := e.submitBirth(c)
	if !broken {
		e.waitFor(c, d.ID, "delivered", delivered)
		return
	}
	e.waitFor(c, d.ID, "processing", func(d *api.Dossier) bool { return d.Status == api.StatusProcessing })
	cur := e.stillAfter(c, d.ID)
	want := []string{"submitted", "accepted", "processing"}
	expect(t, cur.Status == api.StatusProcessing && slices.Equal(statuses(cur.History), want) && !cur.ResultAvailable,
		"stuck dossier: %s %v", cur.Status, statuses(cur.History))
}

func checkStuckSubmitted(t *testing.T, e *env, broken bool) {
	c := e.as(an)
	d := e.passportDossier(c)
	if !broken {
		expect(t, d.Status == api.StatusPaymentRequired, "new paid dossier %s", d.Status)
		e.pay(d)
		e.waitFor(c, d.ID, "delivered", delivered)
		return
	}
	expect(t, d.Status == api.StatusSubmitted && len(d.History) == 1, "new dossier %s %v, want stuck in submitted", d.Status, statuses(d.History))
	e.pay(d) // even paid, it does not move
	cur := e.stillAfter(c, d.ID)
	expect(t, cur.Status == api.StatusSubmitted && len(cur.History) == 1, "dossier %s %v, want stuck in submitted", cur.Status, statuses(cur.History))
}

func checkDeadlineMissed(t *testing.T, e *env, broken bool) {
	d := e.deliveredBirth(e.as(an))
	expect(t, d.AppointmentAt.Equal((weekdays{}).AddWorkingDays(d.AcceptedAt, 3)), "appointment %v", d.AppointmentAt)
	finished := d.History[3]
	if broken {
		late := (weekdays{}).AddWorkingDays(d.AppointmentAt, 2)
		expect(t, d.DeliveredAt.Equal(late) && finished.At.After(d.AppointmentAt),
			"finished %v, delivered %v; want both after the appointment %v, delivered %v", finished.At, d.DeliveredAt, d.AppointmentAt, late)
	} else {
		expect(t, !d.DeliveredAt.After(d.AppointmentAt), "delivered %v after the appointment %v", d.DeliveredAt, d.AppointmentAt)
	}
}

func checkAppointmentDateWrong(t *testing.T, e *env, broken bool) {
	c := e.as(an)
	d := e.passportDossier(c)
	e.pay(d)
	d = e.waitFor(c, d.ID, "delivered", delivered)
	a := d.AcceptedAt.In(d.AppointmentAt.Location())
	calendar := time.Date(a.Year(), a.Month(), a.Day()+8, 17, 0, 0, 0, a.Location())
	working := (weekdays{}).AddWorkingDays(d.AcceptedAt, 8)
	want := working
	if broken {
		want = calendar
	}
	expect(t, !calendar.Equal(working), "test needs a weekend within 8 days")
	expect(t, d.AppointmentAt.Equal(want), "appointment %v, want %v (accepted %v)", d.AppointmentAt, want, d.AcceptedAt)
	// Everything else agrees with it.
	expect(t, !d.DeliveredAt.After(d.AppointmentAt), "delivered %v after the appointment %v", d.DeliveredAt, d.AppointmentAt)
	expect(t, strings.Contains(d.History[2].Note, d.AppointmentAt.Format("02/01/2006")), "acceptance note %q", d.History[2].Note)
	e.portal.Close() // waits for queued pushes
	calls := e.national.callsFor(d.Code)
	last := calls[len(calls)-2].Dossier
	expect(t, last.NgayHenTra.Equal(d.AppointmentAt), "national NgayHenTra %v, want %v", last.NgayHenTra, d.AppointmentAt)
}

// allPushes is what a delivered DV09 dossier sends to the national portal.
var allPushes = []string{"sync:1", "progress:1", "sync:2", "progress:2", "sync:4", "progress:4", "sync:9", "progress:9", "sync:10", "progress:10"}

func checkSyncMissing(t *testing.T, e *env, broken bool) {
	d := e.deliveredBirth(e.as(an))
	got := e.pushes(d.Code)
	if broken {
		expect(t, len(got) == 0, "pushes %v, want none", got)
	} else {
		expect(t, slices.Equal(got, allPushes), "pushes %v", got)
	}
}

func checkStatusLag(t *testing.T, e *env, broken bool) {
	d := e.deliveredBirth(e.as(an))
	got := e.pushes(d.Code)
	want := allPushes
	if broken {
		want = []string{"sync:1", "progress:1", "progress:2", "progress:4", "progress:9", "progress:10"}
	}
	expect(t, slices.Equal(got, want), "pushes %v, want %v", got, want)
	expect(t, len(e.portal.SyncErrors()) == 0, "sync errors %v", e.portal.SyncErrors())
}

func checkHistoryGap(t *testing.T, e *env, broken bool) {
	d := e.deliveredBirth(e.as(an))
	got := e.pushes(d.Code)
	want := allPushes
	if broken {
		want = []string{"sync:1", "progress:1", "sync:2", "progress:2", "sync:4", "sync:9", "progress:9", "sync:10", "progress:10"}
	}
	expect(t, slices.Equal(got, want), "pushes %v, want %v", got, want)
}

func checkDuplicateOnRetry(t *testing.T, e *env, broken bool) {
	ctx := context.Background()
	c := e.as(an)
	req := e.birthRequest(c)
	first, replayed1, err := c.Submit(ctx, "retry-key", req)
	if err != nil {
		t.Fatal(err)
	}
	again, replayed2, err := c.Submit(ctx, "retry-key", req)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := c.Dossiers(ctx)
	if broken {
		expect(t, !replayed1 && !replayed2 && again.ID != first.ID && again.Code != first.Code && len(all) == 2,
			"retry: replayed %v, ids %s %s, %d dossiers; want a second dossier", replayed2, first.ID, again.ID, len(all))
		return
	}
	expect(t, replayed2 && again.ID == first.ID && len(all) == 1, "retry: replayed %v, ids %s %s, %d dossiers", replayed2, first.ID, again.ID, len(all))
	// The key header is still required.
	_, _, err = c.Submit(ctx, "", req)
	apiErr(t, err, http.StatusBadRequest)
}

func checkValidation500(t *testing.T, e *env, broken bool) {
	ctx := context.Background()
	c := e.as(an)
	req := e.birthRequest(c)
	delete(req.Fields, "HoTenTre")
	_, _, err := c.Submit(ctx, "k", req)
	if broken {
		ae, ok := errors.AsType[*api.APIError](err)
		if !ok || ae.Status != http.StatusInternalServerError || ae.Message != "Internal Server Error" {
			t.Fatalf("missing field: %v, want a plain 500", err)
		}
		// On the wire: text/plain, nothing else.
		body := strings.NewReader(`{"service_id":"DV09","fields":{}}`)
		hr, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/dossiers", body)
		hr.Header.Set("Authorization", "Bearer "+c.Token)
		hr.Header.Set(api.HeaderIdempotencyKey, "raw")
		resp, err := http.DefaultClient.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		expect(t, resp.StatusCode == 500 && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") && string(raw) == "Internal Server Error",
			"raw answer %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	} else if ae := apiErr(t, err, http.StatusUnprocessableEntity); ae.Field("HoTenTre") == nil {
		t.Fatalf("missing field: %v", ae)
	}
	// Nothing was created; other validation errors are still 422.
	all, _ := c.Dossiers(ctx)
	expect(t, len(all) == 0, "%d dossiers created", len(all))
	req = e.birthRequest(c)
	req.Fields["CanNang"] = "nặng"
	_, _, err = c.Submit(ctx, "k2", req)
	apiErr(t, err, http.StatusUnprocessableEntity)
}

func checkErrorLeaksStack(t *testing.T, e *env, broken bool) {
	c := e.as(an)
	req := e.birthRequest(c)
	delete(req.Fields, "HoTenTre")
	req.Fields["HoVaTenNguoiYeuCau"] = "Người Khác" // ≠ national data
	_, _, err := c.Submit(context.Background(), "k", req)
	ae := apiErr(t, err, http.StatusUnprocessableEntity)
	leaks := func(s string) bool {
		return strings.Contains(s, "goroutine 17 [running]:") && strings.Contains(s, "dossiers.go:212")
	}
	expect(t, leaks(ae.Message) == broken, "message %q (leak wanted: %v)", ae.Message, broken)
	expect(t, len(ae.Fields) == 2, "fields %+v", ae.Fields)
	for _, fe := range ae.Fields {
		expect(t, leaks(fe.Message) == broken && !leaks(fe.MessageVI), "field %s message %q (leak wanted: %v)", fe.Field, fe.Message, broken)
	}
}

func checkChainBroken(t *testing.T, e *env, broken bool) {
	ctx := context.Background()
	c := e.as(an)
	d, _, err := c.Submit(ctx, "k", api.SubmitRequest{ServiceID: "DV15", Fields: map[string]string{"HoTenTre": "Nguyễn Minh Khôi"}})
	if err != nil {
		t.Fatal(err)
	}
	d = e.waitFor(c, d.ID, "delivered", delivered)
	all, _ := c.Dossiers(ctx)
	if broken {
		expect(t, len(d.Chain) == 0 && len(all) == 1, "chain %+v, %d dossiers; want no follow-on", d.Chain, len(all))
	} else {
		expect(t, len(d.Chain) == 2 && len(all) == 3, "chain %+v, %d dossiers", d.Chain, len(all))
	}
}

// --- beyond the table --------------------------------------------------

// An unscoped token defect applies everywhere; one scoped to a service only
// where the request names it (in its path).
func TestTokenDefectScopedToTheRequestsService(t *testing.T) {
	ctx := context.Background()
	e := newEnvWith(t, worldDay, defects.NewSet(defects.Switch{Name: defectTokenNotVerified, Service: "DV09"}))
	d := e.submitBirth(e.as(an)) // a DV09 dossier
	forged := &api.Client{BaseURL: e.srv.URL, Token: token(otherKey, an, nil)}
	if _, err := forged.Form(ctx, "DV09"); err != nil {
		t.Errorf("DV09 form: %v", err)
	}
	if _, err := forged.Dossier(ctx, d.ID); err != nil {
		t.Errorf("DV09 dossier: %v", err)
	}
	_, err := forged.Form(ctx, "DV12")
	apiErr(t, err, http.StatusUnauthorized)
	_, err = forged.Dossiers(ctx) // names no service
	apiErr(t, err, http.StatusUnauthorized)

	e = newEnvWith(t, worldDay, defects.NewSet(defects.Switch{Name: defectTokenNotVerified}))
	forged.BaseURL = e.srv.URL
	if _, err := forged.Dossiers(ctx); err != nil {
		t.Errorf("unscoped: dossiers: %v", err)
	}
}

// prefill-wrong-citizen without a head of household: the spouse, else the
// last other citizen prefilled for, else nobody else.
func TestPrefillWrongCitizenFallbacks(t *testing.T) {
	on := func() *defects.Set { return defects.NewSet(defects.Switch{Name: defectPrefillWrongCitizen}) }
	name := func(t *testing.T, e *env, p person) string {
		return formValues(t, e.as(p), "DV09")["HoVaTenNguoiYeuCau"].Value
	}

	t.Run("spouse", func(t *testing.T) {
		e := newEnvWith(t, worldDay, on())
		e.data.set("population", an.ID, "SoDinhDanhChuHo", an.ID) // An heads the household
		e.data.set("population", an.ID, "SoDinhDanhVoChong", binh.ID)
		if got := name(t, e, an); got != binh.Name {
			t.Fatalf("prefilled %q, want the spouse %q", got, binh.Name)
		}
	})
	t.Run("last other citizen", func(t *testing.T) {
		e := newEnvWith(t, worldDay, on())
		if got := name(t, e, an); got != an.Name {
			t.Fatalf("nobody else yet: prefilled %q, want An's own %q", got, an.Name)
		}
		if got := name(t, e, binh); got != an.Name {
			t.Fatalf("Bình's form prefilled %q, want An's %q", got, an.Name)
		}
		// An twice in a row: the last other one is still Bình.
		for range 2 {
			if got := name(t, e, an); got != binh.Name {
				t.Fatalf("An's form prefilled %q, want Bình's %q", got, binh.Name)
			}
		}
		// Someone else in between: An keeps being given Bình, the newcomer An.
		chi := person{ID: "001095000003", Name: "Lê Văn Chí"}
		if got := name(t, e, chi); got != an.Name {
			t.Fatalf("Chí's form prefilled %q, want An's %q", got, an.Name)
		}
		// And submit reads the same record as the form.
		c := e.as(an)
		req := e.birthRequest(c)
		req.Fields["HoVaTenNguoiYeuCau"] = binh.Name
		if d, _, err := c.Submit(context.Background(), "k", req); err != nil || d.Fields["NgaySinhNguoiYeuCau"] != binh.Born {
			t.Fatalf("submit: %v", err)
		}
	})
}
