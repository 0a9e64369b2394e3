package dvcqg

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func TestCodeUnmarshalsNumberOrString(t *testing.T) {
	for in, want := range map[string]Code{`0`: 0, `"0"`: 0, `-1`: -1, `" 3 "`: 3, `"-3"`: -3} {
		var c Code
		if err := json.Unmarshal([]byte(in), &c); err != nil {
			t.Fatalf("unmarshal %s: %v", in, err)
		}
		if c != want {
			t.Errorf("unmarshal %s = %d, want %d", in, c, want)
		}
	}
	for _, in := range []string{`"ok"`, `1.5`, `true`} {
		var c Code
		if err := json.Unmarshal([]byte(in), &c); err == nil {
			t.Errorf("unmarshal %s: want an error, got %d", in, c)
		}
	}
	if !Code(0).OK() || Code(-1).OK() {
		t.Error("OK() wrong")
	}
}

func TestErrorClassification(t *testing.T) {
	nf := &Error{Service: ServiceLookup, Code: -1, Message: MessageNotFound}
	if got, want := nf.Error(), "dvcqg TraCuuHoSo: error_code -1: Không tìm thấy hồ sơ"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	wrapped := fmt.Errorf("step: %w", nf)
	if !IsNotFound(wrapped) || IsDuplicate(wrapped) {
		t.Error("not-found error misclassified")
	}
	for _, e := range []*Error{{Code: 3}, {Code: -3}, {Code: -1, Message: "Hồ sơ 1 đã tồn tại"}} {
		if !IsDuplicate(e) || IsNotFound(e) {
			t.Errorf("%v: want duplicate only", e)
		}
	}
	if IsNotFound(fmt.Errorf("plain")) || IsDuplicate(nil) {
		t.Error("non-portal errors classified")
	}
}

func TestTimeRoundTripInVietnamTime(t *testing.T) {
	utc := time.Date(2026, 3, 1, 17, 30, 5, 0, time.UTC)
	s := FormatTime(utc)
	if s != "20260302003005" {
		t.Fatalf("FormatTime = %s, want 20260302003005 (UTC+7)", s)
	}
	back, err := ParseTime(s)
	if err != nil || !back.Equal(utc) {
		t.Fatalf("ParseTime(%s) = %v, %v; want %v", s, back, err, utc)
	}
	for _, bad := range []string{"", "2026-03-01", "202603010000", "20261301000000", "2026030100000x", "202603010000000"} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q): want an error", bad)
		}
	}
}

func TestValidDossierCode(t *testing.T) {
	cases := map[string]bool{
		"000.00.00.H01-260301-0001":   true,
		"H22-251231-9999":             true,
		"000.00.00.H01-260230-0001":   false, // 30 February
		"000.00.00.H01-260301-001":    false,
		"000.00.00.H01-20260301-0001": false,
		"-260301-0001":                false,
		"000.00.00.H01_260301_0001":   false,
		"000 00-260301-0001":          false,
	}
	for code, want := range cases {
		if got := ValidDossierCode(code); got != want {
			t.Errorf("ValidDossierCode(%q) = %v, want %v", code, got, want)
		}
	}
	if a, ok := DossierAgency("000.00.00.H01-260301-0001"); !ok || a != "000.00.00.H01" {
		t.Errorf("DossierAgency = %q, %v", a, ok)
	}
	if _, ok := DossierAgency("nope"); ok {
		t.Error("DossierAgency accepted a bad code")
	}
}
