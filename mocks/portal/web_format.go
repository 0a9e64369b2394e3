package portal

import (
	"embed"
	"html/template"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dvcqa/dvcqa/vocab"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages are the web's templates, each parsed with the shared layout.
var pages = func() map[string]*template.Template {
	funcs := template.FuncMap{
		"money": formatMoney, "fee": formatFee, "datetime": formatDateTime, "dateVI": formatDate,
		"statusVI": statusText,
	}
	out := map[string]*template.Template{}
	for _, name := range []string{"home", "service", "form", "review", "dossier", "dossiers", "result", "payment_return", "error"} {
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return out
}()

// formatMoney writes VND the Vietnamese way: "135.000 ₫".
func formatMoney(vnd int64) string {
	neg := vnd < 0
	if neg {
		vnd = -vnd
	}
	digits := strconv.FormatInt(vnd, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	return b.String() + " ₫"
}

// formatFee is a fee, "Miễn phí" (free) when zero.
func formatFee(vnd int64) string {
	if vnd == 0 {
		return "Miễn phí"
	}
	return formatMoney(vnd)
}

// formatDateTime is dd/MM/yyyy HH:mm in Vietnam time; "" for the zero time.
func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vocab.Vietnam).Format("02/01/2006 15:04")
}

// formatDate shows a form's YYYY-MM-DD value as dd/MM/yyyy; other values
// as they are.
func formatDate(v string) string {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t.Format("02/01/2006")
	}
	return v
}

// statusVI are the Vietnamese names of the workflow states (nationalStatus in rules.go).
var statusVI = map[string]string{
	"submitted":            "Mới tiếp nhận",
	"accepted":             "Đã tiếp nhận",
	"rejected":             "Từ chối tiếp nhận",
	"processing":           "Đang xử lý",
	"supplement_requested": "Yêu cầu bổ sung",
	"payment_required":     "Chờ thanh toán",
	"withdrawn":            "Công dân đã rút hồ sơ",
	"stopped":              "Dừng xử lý",
	"finished":             "Đã xử lý xong",
	"delivered":            "Đã trả kết quả",
}

func statusText(status string) string {
	if t, ok := statusVI[status]; ok {
		return t
	}
	return status
}

// vietnameseBase maps each precomposed Vietnamese letter to its base
// letter, so that "dang ky khai sinh" finds "Đăng ký khai sinh".
var vietnameseBase = func() map[rune]rune {
	m := map[rune]rune{'đ': 'd'}
	for base, letters := range map[rune]string{
		'a': "àáạảãâầấậẩẫăằắặẳẵ", 'e': "èéẹẻẽêềếệểễ", 'i': "ìíịỉĩ",
		'o': "òóọỏõôồốộổỗơờớợởỡ", 'u': "ùúụủũưừứựửữ", 'y': "ỳýỵỷỹ",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// fold lowers case and drops Vietnamese diacritics, precomposed or
// combining (U+0300..U+036F, as typed on some systems), and collapses
// spaces: the key search compares.
func fold(s string) string {
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 0x300 && r <= 0x36f:
			continue
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		if base, ok := vietnameseBase[r]; ok {
			r = base
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimSpace(b.String())
}

// matches reports whether every word of the query occurs in the texts,
// case- and diacritic-insensitively; an empty query matches everything.
func matches(query string, texts ...string) bool {
	words := strings.Fields(fold(query))
	hay := fold(strings.Join(texts, " \n "))
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}
