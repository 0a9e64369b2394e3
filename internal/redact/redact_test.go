package redact

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	m := NewMasker("S3cret-pass")
	in := `citizen 001085012345 and 079300123456, cmnd 123456789; token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln pw=S3cret-pass time=1234567890123 at 2026-11-22T17:57:38.919123439+00:00`
	out := m.Text(in)
	for _, leak := range []string{"001085012345", "079300123456", "123456789;", "S3cret-pass", "eyJhbGci"} {
		if strings.Contains(out, leak) {
			t.Errorf("masked text still contains %q: %s", leak, out)
		}
	}
	for _, keep := range []string{"001*******45", "079*******56", "[token]", "[secret]", "1234567890123", "17:57:38.919123439+00:00"} {
		if !strings.Contains(out, keep) {
			t.Errorf("masked text lacks %q: %s", keep, out)
		}
	}
}

func TestID(t *testing.T) {
	if got := ID("001085012345"); got != "001*******45" {
		t.Fatalf("ID = %q", got)
	}
	if got := ID("123"); got != "***" {
		t.Fatalf("short ID = %q", got)
	}
}

func TestNames(t *testing.T) {
	m := NewMasker("S3cret-pass").WithNames("Nguyễn Thị Bích Ngọc", "An")
	out := m.Text("applicant Nguyễn Thị Bích Ngọc, An Giang, pw S3cret-pass")
	if strings.Contains(out, "Bích Ngọc") || strings.Contains(out, "S3cret") || !strings.Contains(out, "An Giang") {
		t.Errorf("names: %s", out)
	}
}
