package gateway

import (
	"errors"
	"net/url"
	"testing"
)

func TestMaskID(t *testing.T) {
	for in, want := range map[string]string{
		"001099000145": "001*******45",
		"51A-12345":    "51A****45",
		"123456":       "123*56",
		"12345":        "*****",
		"":             "",
		"Hà Nội 12":    "Hà ****12",
	} {
		if got := MaskID(in); got != want {
			t.Errorf("MaskID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidPersonalID(t *testing.T) {
	for in, want := range map[string]bool{
		"001099000145":  true,
		"00109900014":   false,
		"0010990001450": false,
		"00109900014a":  false,
		"００1099000145":  false, // full-width digits are not ASCII digits
		"":              false,
	} {
		if got := ValidPersonalID(in); got != want {
			t.Errorf("ValidPersonalID(%q) = %v", in, got)
		}
	}
}

func TestParseLookupQuery(t *testing.T) {
	keys := []string{"SoDinhDanh", "BienSo"}
	key, value, err := ParseLookupQuery(keys, url.Values{"BienSo": {"51A-12345"}})
	if err != nil || key != "BienSo" || value != "51A-12345" {
		t.Fatalf("good query: %q %q %v", key, value, err)
	}
	for raw, field := range map[string]string{
		"":                                "",
		"SoDinhDanh=1":                    "SoDinhDanh",
		"SoDinhDanh=":                     "SoDinhDanh",
		"HoVaTen=An":                      "HoVaTen",
		"BienSo=1&BienSo=2":               "BienSo",
		"SoDinhDanh=001099000145&BienSo=": "BienSo,SoDinhDanh",
	} {
		q, _ := url.ParseQuery(raw)
		_, _, err := ParseLookupQuery(keys, q)
		qe, ok := errors.AsType[*QueryError](err)
		if !ok || qe.Field != field || qe.Message == "" || qe.MessageVI == "" {
			t.Errorf("%q: got %#v, want field %q", raw, err, field)
		}
	}
}
