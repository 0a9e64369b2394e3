package ndxp

import (
	"errors"
	"net/url"
	"testing"
)

func TestValidPersonalID(t *testing.T) {
	// docs/contracts.md: "Personal ID numbers (SoDinhDanh) are 12 digits."
	for id, want := range map[string]bool{"001090000001": true, "00109000000": false, "0010900000012": false,
		"00109000000a": false, "": false, "٠٠١٠٩٠٠٠٠٠٠١": false, " 01090000001": false} {
		if got := ValidPersonalID(id); got != want {
			t.Errorf("%q: %v, want %v", id, got, want)
		}
	}
}

func TestMaskID(t *testing.T) {
	for in, want := range map[string]string{"001090000045": "001*******45", "12345": "*****", "123456": "123*56", "": ""} {
		if got := MaskID(in); got != want {
			t.Errorf("MaskID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseLookupQuery(t *testing.T) {
	keys := []string{"SoDinhDanh", "MaSoThue"}
	for _, c := range []struct {
		q          string
		key, field string
	}{
		{"SoDinhDanh=001090000001", "SoDinhDanh", ""},
		{"MaSoThue=8000000001", "MaSoThue", ""},
		{"", "", ""},
		{"SoDinhDanh=001090000001&MaSoThue=1", "", "MaSoThue,SoDinhDanh"},
		{"HoVaTen=An", "", "HoVaTen"},
		{"SoDinhDanh=1&SoDinhDanh=2", "", "SoDinhDanh"},
		{"MaSoThue=", "", "MaSoThue"},
		{"SoDinhDanh=12345678", "", "SoDinhDanh"},
	} {
		q, _ := url.ParseQuery(c.q)
		key, _, err := ParseLookupQuery(keys, q)
		var qe *QueryError
		switch {
		case c.key != "" && (err != nil || key != c.key):
			t.Errorf("%q: %q %v", c.q, key, err)
		case c.key == "" && (!errors.As(err, &qe) || qe.Field != c.field || qe.MessageVI == ""):
			t.Errorf("%q: %v, want a QueryError naming %q", c.q, err, c.field)
		}
	}
}
