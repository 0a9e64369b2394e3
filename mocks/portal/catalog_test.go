package portal

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"

	api "github.com/dvcqa/dvcqa/api/portal"
)

func TestCatalogIsSnakeCaseJSON(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.srv.URL + "/api/v1/services/DV09")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	body, _ := io.ReadAll(resp.Body)
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "procedure_code", "name_vi", "name_en", "agency", "fee_vnd", "processing_days", "form", "attachments", "result", "chain", "workflow"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("service JSON lacks %q: %s", k, body)
		}
	}
	field := raw["form"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "label_vi", "label_en", "type", "required", "prefill_from"} {
		if _, ok := field[k]; !ok {
			t.Errorf("form field JSON lacks %q: %v", k, field)
		}
	}
	att := raw["attachments"].([]any)[0].(map[string]any)
	for _, k := range []string{"type", "name_vi", "mime_types", "max_size_kb", "required"} {
		if _, ok := att[k]; !ok {
			t.Errorf("attachment JSON lacks %q: %v", k, att)
		}
	}
}

func TestCatalogListAndLookup(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	svcs, err := e.anon().Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range svcs {
		ids = append(ids, s.ID)
	}
	if !slices.Equal(ids, []string{"DV09", "DV12", "DV15"}) {
		t.Fatalf("services %v", ids)
	}
	s, err := e.anon().Service(ctx, "DV12")
	if err != nil {
		t.Fatal(err)
	}
	if s.FeeVND != 200000 || s.ProcessingDays != 8 || s.Attachments[0].MaxSizeKB != 2 || s.Result.Type != "ho_chieu" {
		t.Fatalf("DV12 = %+v", s)
	}
	s, err = e.anon().Service(ctx, "DV15")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Chain) != 2 || s.Chain[0].Service != "DV09" || s.Chain[1].Step != "the_bhyt" {
		t.Fatalf("DV15 chain = %+v", s.Chain)
	}
	_, err = e.anon().Service(ctx, "DV99")
	if ae := apiErr(t, err, http.StatusNotFound); ae.Code != api.CodeNotFound {
		t.Fatalf("unknown service: %v", ae)
	}
}

func TestUnknownEndpointIsJSON404(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.srv.URL + "/api/v1/nothing")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var eb api.ErrorBody
	if err := json.NewDecoder(resp.Body).Decode(&eb); err != nil || resp.StatusCode != 404 || eb.Error.Code != api.CodeNotFound {
		t.Fatalf("got %d %+v (%v)", resp.StatusCode, eb, err)
	}
}

func TestFormIsPrefilledFromNationalData(t *testing.T) {
	e := newEnv(t)
	f, err := e.as(an).Form(context.Background(), "DV09")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]api.FormField{}
	for _, ff := range f.Fields {
		byName[ff.Name] = ff
	}
	want := map[string]string{"HoVaTenNguoiYeuCau": an.Name, "NgaySinhNguoiYeuCau": an.Born, "TinhTrangHonNhan": "Đã kết hôn"}
	for name, v := range want {
		ff := byName[name]
		if ff.Value != v || !ff.Prefilled || !ff.ReadOnly {
			t.Errorf("%s = %+v, want prefilled read-only %q", name, ff, v)
		}
	}
	if byName["HoVaTenNguoiYeuCau"].Source != "population.HoVaTen" {
		t.Errorf("source = %q", byName["HoVaTenNguoiYeuCau"].Source)
	}
	if ff := byName["HoTenTre"]; ff.Value != "" || ff.Prefilled || ff.ReadOnly || !ff.Required || ff.LabelVI != "Họ tên trẻ" {
		t.Errorf("HoTenTre = %+v, want an empty editable required field", ff)
	}
	if ff := byName["GioiTinhTre"]; !slices.Equal(ff.Options, []string{"Nam", "Nữ"}) {
		t.Errorf("select options = %v", ff.Options)
	}
	// Two fields come from population: still one lookup per database.
	calls := e.data.callLog()
	wantCalls := []string{"population SoDinhDanh=" + an.ID + " prefill DV09", "civil_status SoDinhDanh=" + an.ID + " prefill DV09"}
	if !slices.Equal(calls, wantCalls) {
		t.Fatalf("lookups %q, want %q", calls, wantCalls)
	}
}

func TestFormFieldsMissingInNationalDataAreEditable(t *testing.T) {
	e := newEnv(t)
	f, err := e.as(binh).Form(context.Background(), "DV09") // Bình has no civil_status record
	if err != nil {
		t.Fatal(err)
	}
	for _, ff := range f.Fields {
		if ff.Name == "TinhTrangHonNhan" && (ff.Prefilled || ff.ReadOnly || ff.Value != "") {
			t.Fatalf("field without national data = %+v", ff)
		}
		if ff.Name == "HoVaTenNguoiYeuCau" && ff.Value != binh.Name {
			t.Fatalf("name = %q", ff.Value)
		}
	}
}

func TestFormWhenNationalDataIsDown(t *testing.T) {
	e := newEnv(t)
	e.data.mu.Lock()
	e.data.fail = true
	e.data.mu.Unlock()
	_, err := e.as(an).Form(context.Background(), "DV09")
	if ae := apiErr(t, err, http.StatusBadGateway); ae.Code != api.CodeUpstream {
		t.Fatalf("got %v", ae)
	}
}
