package defects

import (
	"regexp"
	"testing"
)

func TestRegistry(t *testing.T) {
	all := All()
	if len(all) < 25 {
		t.Fatalf("%d defects, want at least 25", len(all))
	}
	seen := map[string]bool{}
	for _, d := range all {
		if seen[d.Name] {
			t.Errorf("duplicate defect %s", d.Name)
		}
		seen[d.Name] = true
		if d.Description == "" || d.System == "" || d.Filter == "" || d.Symptom == "" || len(d.ExpectedSpecs) == 0 {
			t.Errorf("%s: incomplete declaration %+v", d.Name, d)
		}
		if _, err := Parse(d.Example); err != nil {
			t.Errorf("%s: example %q: %v", d.Name, d.Example, err)
		}
		for _, p := range d.ExpectedSpecs {
			if _, err := regexp.Compile(p); err != nil {
				t.Errorf("%s: expected spec %q: %v", d.Name, p, err)
			}
		}
	}
}

func TestParseAndActive(t *testing.T) {
	sw, err := ParseList("status-stuck:processing@DV09, population-db-down,fee-wrong-amount@79")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSet(sw...)
	if p, on := s.Active("status-stuck", "DV09", "01"); !on || p != "processing" {
		t.Errorf("status-stuck on DV09: %q %v", p, on)
	}
	if _, on := s.Active("status-stuck", "DV10", "01"); on {
		t.Error("status-stuck leaked to DV10")
	}
	if _, on := s.Active("population-db-down", "", ""); !on {
		t.Error("population-db-down off")
	}
	if _, on := s.Active("fee-wrong-amount", "DV07", "01"); on {
		t.Error("fee-wrong-amount@79 active in province 01")
	}
	if _, on := (*Set)(nil).Active("x", "", ""); on {
		t.Error("nil set has a defect on")
	}
	for _, bad := range []string{"no-such-defect", "status-stuck", "population-db-down@DV01", "result-unsigned:x", "fee-wrong-amount@XYZ"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestParseServiceAndProvinceScope(t *testing.T) {
	sw, err := Parse("status-stuck:processing@DV09@79")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Switch{Name: "status-stuck", Param: "processing", Service: "DV09", Province: "79"}); sw != want {
		t.Fatalf("got %+v, want %+v", sw, want)
	}
	if sw.String() != "status-stuck:processing@DV09@79" {
		t.Errorf("String() = %q", sw.String())
	}
	s := NewSet(sw)
	for _, c := range []struct {
		service, province string
		on                bool
	}{{"DV09", "79", true}, {"DV09", "01", false}, {"DV01", "79", false}} {
		if _, on := s.Active("status-stuck", c.service, c.province); on != c.on {
			t.Errorf("Active(%s, %s) = %v, want %v", c.service, c.province, on, c.on)
		}
	}
	for _, bad := range []string{"status-stuck:processing@DV09@DV01", "status-stuck:processing@79@01", "status-stuck:processing@DV09@x"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q): no error", bad)
		}
	}
}
