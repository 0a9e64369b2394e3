package dvcqg

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// problems collects validation messages, each naming the dossier and field,
// so one answer lists every fault of a batch.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p problems) reply() reply { return fail(codeFailed, "%s", strings.Join(p, "; ")) }

// code checks a dossier code's format and that a may write it.
func (p *problems) code(a Account, who, code string) {
	switch {
	case !validDossierCode(code):
		p.add("%s: MaHoSo %q không đúng định dạng {madonvi}-{yyMMdd}-{NNNN}", who, code)
	case !mayAccess(a, code):
		agency, _ := splitDossierCode(code)
		p.add("%s: MaHoSo %s thuộc đơn vị %s, không phải đơn vị của tài khoản (%s)", who, code, agency, a.AgencyID)
	}
}

// status checks a TrangThaiHoSo/TrangThai value, "1".."10" without padding.
func (p *problems) status(who, field, v string) {
	if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 10 || strconv.Itoa(n) != v {
		p.add("%s: %s phải từ 1 đến 10 (nhận %q)", who, field, v)
	}
}

// date checks an optional yyyyMMddHHmmss field.
func (p *problems) date(who, field, v string) {
	if v == "" {
		return
	}
	if _, err := parseWallClock(v); err != nil {
		p.add("%s: %s %q không đúng định dạng yyyyMMddHHmmss", who, field, v)
	}
}

// maxRunes checks a length limit in characters, not bytes: Vietnamese
// letters take two or three bytes each.
func (p *problems) maxRunes(who, field, v string, limit int) {
	if n := utf8.RuneCountInString(v); n > limit {
		p.add("%s: %s dài %d ký tự, tối đa %d", who, field, n, limit)
	}
}
