package portal

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	api "github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/mocks/defects"
)

func TestManualOfficersKeepTheDossierSubmitted(t *testing.T) {
	e := newManualEnv(t, nil)
	c := e.as(an)
	d := e.submitBirth(c)
	if d = e.stillAfter(c, d.ID); d.Status != api.StatusSubmitted || len(d.History) != 1 {
		t.Fatalf("dossier moved without an officer: %s %v", d.Status, statuses(d.History))
	}
	it := e.officer().dossier(d.Code)
	if it.Status != api.StatusSubmitted || !slices.Equal(it.Actions, []string{"receive", "refuse"}) || it.AppointmentAt != nil {
		t.Fatalf("back office item %+v", it)
	}
}

func TestOfficerActionChainReachesDelivered(t *testing.T) {
	e := newManualEnv(t, nil)
	c := e.as(an)
	ctx := context.Background()
	d := e.submitBirth(c)
	o := e.officer()
	var me struct {
		Officer struct {
			Username string `json:"username"`
			FullName string `json:"full_name"`
			Title    string `json:"title"`
			Unit     string `json:"unit"`
		} `json:"officer"`
	}
	if st, _, _ := o.call("POST", "/session", map[string]string{"username": "canbo.01", "password": testOfficerPassword}, nil, &me); st != http.StatusOK ||
		me.Officer.Username != "canbo.01" || me.Officer.FullName == "" || me.Officer.Title == "" || me.Officer.Unit == "" {
		t.Fatalf("session officer %d %+v", st, me.Officer)
	}

	var list struct{ Dossiers []boItem }
	if st, _, _ := o.call("GET", "/dossiers?status=submitted", nil, nil, &list); st != http.StatusOK || len(list.Dossiers) != 1 || list.Dossiers[0].Code != d.Code ||
		list.Dossiers[0].Applicant.SoDinhDanh != an.ID || list.Dossiers[0].ServiceID != "DV09" {
		t.Fatalf("submitted list %d %+v", st, list.Dossiers)
	}
	if _, _, _ = o.call("GET", "/dossiers?status=accepted", nil, nil, &list); len(list.Dossiers) != 0 {
		t.Fatalf("accepted list %+v, want none", list.Dossiers)
	}

	it := o.act(d.Code, "receive", "Hồ sơ đầy đủ")
	if it.Status != api.StatusAccepted || it.AppointmentAt == nil || !slices.Equal(it.Actions, []string{"assign", "request_documents", "refuse"}) {
		t.Fatalf("after receive %+v", it)
	}
	accepted := it.History[1].At
	if want := (weekdays{}).AddWorkingDays(accepted, 3); !it.AppointmentAt.Equal(want) {
		t.Errorf("appointment %v, want 3 working days from the reception %v = %v", it.AppointmentAt, accepted, want)
	}
	if it = o.act(d.Code, "assign", ""); it.Status != api.StatusProcessing || it.Approved || !slices.Contains(it.Actions, "approve") || slices.Contains(it.Actions, "sign") {
		t.Fatalf("after assign %+v", it)
	}
	o.refused(d.Code, "sign", http.StatusConflict, "action_not_allowed") // not approved yet
	if it = o.act(d.Code, "approve", ""); it.Status != api.StatusProcessing || !it.Approved || len(it.History) != 3 || !slices.Contains(it.Actions, "sign") {
		t.Fatalf("after approve %+v (no history entry wanted)", it)
	}
	if it = o.act(d.Code, "sign", ""); it.Status != api.StatusFinished || !slices.Equal(it.Actions, []string{"return"}) {
		t.Fatalf("after sign %+v", it)
	}
	if _, err := c.Result(ctx, d.ID); !api.IsNotFound(err) {
		t.Fatalf("result before return: %v, want 404", err)
	}
	if it = o.act(d.Code, "return", ""); it.Status != api.StatusDelivered || len(it.Actions) != 0 {
		t.Fatalf("after return %+v", it)
	}

	d, err := c.Dossier(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := statuses(d.History), []string{"submitted", "accepted", "processing", "finished", "delivered"}; !slices.Equal(got, want) {
		t.Fatalf("history %v, want %v", got, want)
	}
	for i, h := range d.History[1:] {
		if h.Officer != me.Officer.FullName || h.Title != me.Officer.Title || h.Unit != me.Officer.Unit || h.Note == "" {
			t.Errorf("history entry %d %+v, want by %+v with a note", i+1, h, me.Officer)
		}
		if !h.At.After(d.History[i].At) {
			t.Errorf("history entry %d at %v not after %v", i+1, h.At, d.History[i].At)
		}
	}
	if d.History[1].Note != "Hồ sơ đầy đủ" {
		t.Errorf("reception note %q, want the officer's", d.History[1].Note)
	}
	if !d.ResultAvailable || !d.DeliveredAt.Equal(d.History[4].At) || !d.AcceptedAt.Equal(accepted) {
		t.Errorf("delivered dossier: result %v delivered %v accepted %v", d.ResultAvailable, d.DeliveredAt, d.AcceptedAt)
	}
	res, err := c.Result(ctx, d.ID)
	if err != nil || res.DocumentNo != "KQ-"+d.Code || len(res.PDF) == 0 {
		t.Fatalf("result after return: %v", err)
	}
	want := []string{"sync:1", "progress:1", "sync:2", "progress:2", "sync:4", "progress:4", "sync:9", "progress:9", "sync:10", "progress:10"}
	if got := e.pushes(d.Code); !slices.Equal(got, want) {
		t.Errorf("national pushes %v, want %v (as with automatic officers)", got, want)
	}
}

func TestOfficerAPIRefusals(t *testing.T) {
	e := newManualEnv(t, nil)
	d := e.submitBirth(e.as(an))
	anon := &officerAPI{t: t, base: e.base}
	if st, h, be := anon.call("GET", "/dossiers", nil, nil, nil); st != http.StatusUnauthorized || be.Error.Code != "unauthorized" || h.Get("WWW-Authenticate") == "" {
		t.Errorf("no token: %d %+v", st, be)
	}
	if st, _, be := anon.call("POST", "/session", map[string]string{"username": "canbo.01", "password": "sai"}, nil, nil); st != http.StatusUnauthorized || be.Error.Code != "unauthorized" {
		t.Errorf("wrong password: %d %+v", st, be)
	}
	if st, _, be := anon.call("POST", "/session", map[string]string{"username": "canbo.02", "password": testOfficerPassword}, nil, nil); st != http.StatusUnauthorized {
		t.Errorf("another province's account: %d %+v", st, be)
	}
	bogus := &officerAPI{t: t, base: e.base, token: "khong-hop-le"}
	if st, _, _ := bogus.call("GET", "/dossiers", nil, nil, nil); st != http.StatusUnauthorized {
		t.Errorf("bogus token: %d", st)
	}
	o := e.officer()
	if st, _, be := o.call("GET", "/dossiers/H01.22-000000-9999", nil, nil, nil); st != http.StatusNotFound || be.Error.Code != "not_found" {
		t.Errorf("unknown code: %d %+v", st, be)
	}
	o.refused("H01.22-000000-9999", "receive", http.StatusNotFound, "not_found")
	o.refused(d.Code, "dance", http.StatusBadRequest, "bad_request")
	if st, _, be := o.call("POST", "/dossiers/"+d.Code+"/actions", map[string]string{"action": "receive", "note": strings.Repeat("ư", 501)}, nil, nil); st != http.StatusBadRequest {
		t.Errorf("501-character note: %d %+v, want 400", st, be)
	}
	be := o.refused(d.Code, "assign", http.StatusConflict, "action_not_allowed")
	if !strings.Contains(be.Error.Message, "allowed: receive, refuse") || be.Error.MessageVI == "" {
		t.Errorf("409 message %+v", be.Error)
	}
	if it := o.dossier(d.Code); it.Status != api.StatusSubmitted || len(it.History) != 1 {
		t.Errorf("refused actions changed the dossier: %+v", it)
	}
}

func TestOfficerActionIdempotentRetry(t *testing.T) {
	e := newManualEnv(t, nil)
	d := e.submitBirth(e.as(an))
	o := e.officer()
	key := http.Header{"Idempotency-Key": {"thao-tac-1"}}
	body := map[string]string{"action": "receive"}
	var first, again boItem
	if st, _, be := o.call("POST", "/dossiers/"+d.Code+"/actions", body, key, &first); st != http.StatusOK {
		t.Fatalf("receive: %d %+v", st, be)
	}
	st, h, be := o.call("POST", "/dossiers/"+d.Code+"/actions", body, key, &again)
	if st != http.StatusOK || h.Get("Idempotency-Replayed") != "true" || again.Status != api.StatusAccepted || len(again.History) != len(first.History) {
		t.Fatalf("retry: %d %+v %+v", st, be, again)
	}
	if it := o.dossier(d.Code); len(it.History) != 2 {
		t.Fatalf("retry acted twice: %v", it.History)
	}
	if st, _, be = o.call("POST", "/dossiers/"+d.Code+"/actions", map[string]string{"action": "assign"}, key, nil); st != http.StatusConflict || be.Error.Code != "idempotency_key_reused" {
		t.Errorf("key reused for another action: %d %+v", st, be)
	}
	// Without a key the same action again is a new one, refused in the new state.
	o.refused(d.Code, "receive", http.StatusConflict, "action_not_allowed")
}

func TestOfficerRequestsDocumentsAndRefuses(t *testing.T) {
	e := newManualEnv(t, nil)
	c := e.as(an)
	o := e.officer()
	d1, d2 := e.submitBirth(c), e.submitBirth(c)
	o.act(d1.Code, "receive", "")
	it := o.act(d1.Code, "request_documents", "Bổ sung bản sao giấy chứng sinh")
	if it.Status != "supplement_requested" || len(it.Actions) != 0 {
		t.Fatalf("after request_documents %+v", it)
	}
	if h := it.History[len(it.History)-1]; h.Note != "Bổ sung bản sao giấy chứng sinh" || h.StatusCode != 5 {
		t.Errorf("request_documents entry %+v", h)
	}
	if it = o.act(d2.Code, "refuse", ""); it.Status != "rejected" || len(it.Actions) != 0 {
		t.Fatalf("after refuse %+v", it)
	}
	if h := it.History[len(it.History)-1]; h.Note == "" || h.StatusCode != 3 {
		t.Errorf("refuse entry %+v", h)
	}
	o.refused(d2.Code, "receive", http.StatusConflict, "action_not_allowed")
	if got := e.pushes(d2.Code); !slices.Equal(got, []string{"sync:1", "progress:1", "sync:3", "progress:3"}) {
		t.Errorf("refusal pushes %v", got)
	}
}

func TestOfficerCannotReceiveUnpaidDossier(t *testing.T) {
	e := newManualEnv(t, nil)
	c := e.as(an)
	o := e.officer()
	d := e.passportDossier(c)
	if it := o.dossier(d.Code); it.Status != api.StatusPaymentRequired || !slices.Equal(it.Actions, []string{"refuse"}) {
		t.Fatalf("unpaid item %+v", it)
	}
	o.refused(d.Code, "receive", http.StatusConflict, "action_not_allowed")
	e.pay(d)
	if d = e.stillAfter(c, d.ID); d.Status != api.StatusPaymentRequired || !d.Fee.Paid {
		t.Fatalf("paid dossier moved without an officer or is unpaid: %s %+v", d.Status, d.Fee)
	}
	if it := o.act(d.Code, "receive", ""); it.Status != api.StatusAccepted {
		t.Fatalf("receive after payment %+v", it)
	}
}

func TestManualChainChildrenWaitForOfficers(t *testing.T) {
	e := newManualEnv(t, nil)
	c := e.as(an)
	ctx := context.Background()
	d, _, err := c.Submit(ctx, "k", api.SubmitRequest{ServiceID: "DV15", Fields: map[string]string{"HoTenTre": "Nguyễn Minh Khôi"}})
	if err != nil {
		t.Fatal(err)
	}
	o := e.officer()
	for _, a := range []string{"receive", "assign", "approve"} {
		o.act(d.Code, a, "")
	}
	var list struct{ Dossiers []boItem }
	if o.call("GET", "/dossiers", nil, nil, &list); len(list.Dossiers) != 1 {
		t.Fatalf("before sign: %d dossiers, want 1", len(list.Dossiers))
	}
	o.act(d.Code, "sign", "")
	o.call("GET", "/dossiers?status=submitted", nil, nil, &list)
	if len(list.Dossiers) != 2 {
		t.Fatalf("after sign: %d submitted follow-on dossiers, want 2: %+v", len(list.Dossiers), list.Dossiers)
	}
	child := list.Dossiers[0]
	if d = e.stillAfter(c, d.ID); len(d.Chain) != 2 || d.Chain[0].Status != api.StatusSubmitted || d.Chain[1].Status != api.StatusSubmitted {
		t.Fatalf("follow-on dossiers moved without an officer: %+v", d.Chain)
	}
	for _, a := range []string{"receive", "assign", "approve", "sign", "return"} {
		o.act(child.Code, a, "")
	}
	if it := o.dossier(child.Code); it.Status != api.StatusDelivered {
		t.Fatalf("follow-on after the officer's chain: %+v", it)
	}
}

func TestManualOfficersUnderSeededDefects(t *testing.T) {
	t.Run("status-stuck", func(t *testing.T) {
		e := newManualEnv(t, defects.NewSet(defects.Switch{Name: defectStatusStuck, Service: "DV09", Param: "accepted"}))
		d := e.submitBirth(e.as(an))
		o := e.officer()
		o.act(d.Code, "receive", "")
		if it := o.act(d.Code, "assign", ""); it.Status != api.StatusAccepted || len(it.History) != 2 {
			t.Fatalf("stuck dossier moved: %+v", it)
		}
	})
	t.Run("deadline-missed", func(t *testing.T) {
		e := newManualEnv(t, defects.NewSet(defects.Switch{Name: defectDeadlineMissed, Service: "DV09"}))
		d := e.submitBirth(e.as(an))
		o := e.officer()
		var it boItem
		for _, a := range []string{"receive", "assign", "approve", "sign", "return"} {
			it = o.act(d.Code, a, "")
		}
		if last := it.History[len(it.History)-1]; !last.At.After(*it.AppointmentAt) {
			t.Fatalf("delivered %v, not after the appointment %v", last.At, *it.AppointmentAt)
		}
	})
	t.Run("officer-action-unchecked", func(t *testing.T) {
		e := newManualEnv(t, defects.NewSet(defects.Switch{Name: defectOfficerUnchecked, Service: "DV09"}))
		d := e.submitBirth(e.as(an))
		// assign before receive is carried out instead of refused
		if it := e.officer().act(d.Code, "assign", ""); it.Status != api.StatusProcessing {
			t.Fatalf("assign on a submitted dossier under the defect: %+v", it)
		}
	})
}

func TestAutomaticOfficersRefuseManualActions(t *testing.T) {
	e := newEnvFrom(t, envConfig{day: worldDay, tweak: func(o *Options) { o.OfficerPassword = testOfficerPassword }})
	d := e.submitBirth(e.as(an))
	o := e.officer()
	be := o.refused(d.Code, "refuse", http.StatusConflict, "action_not_allowed")
	if !strings.Contains(be.Error.Message, "automatic") {
		t.Errorf("409 message %q does not say why", be.Error.Message)
	}
}

func TestOfficerSessionExpiresAfterAnHour(t *testing.T) {
	e := newManualEnv(t, nil)
	o := e.officer()
	if st, _, _ := o.call("GET", "/dossiers", nil, nil, nil); st != http.StatusOK {
		t.Fatalf("fresh token: %d", st)
	}
	later := time.Now().Add(time.Hour + time.Second)
	e.portal.back.now = func() time.Time { return later } // one hour of real time later
	if st, _, be := o.call("GET", "/dossiers", nil, nil, nil); st != http.StatusUnauthorized || be.Error.Code != "unauthorized" {
		t.Fatalf("token after an hour: %d %+v, want 401 unauthorized", st, be)
	}
}
