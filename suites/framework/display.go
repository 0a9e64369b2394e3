package framework

import (
	"fmt"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/vocab"
)

// What a portal shows a citizen, in Vietnamese, formed from the catalog by
// the harness itself (docs/web.md), apart from the mock's templates: the
// expected side of the browser specs' "what is visible" checks.

// DisplayFee is a catalog fee as a Vietnamese portal prints it: "Miễn phí"
// (free) for 0, else the amount with a dot every three digits and the đồng
// sign after a space, "150.000 ₫".
func DisplayFee(vnd int64) string {
	if vnd == 0 {
		return "Miễn phí"
	}
	sign := ""
	if vnd < 0 {
		sign, vnd = "-", -vnd
	}
	var groups []string
	for vnd >= 1000 {
		groups = append([]string{fmt.Sprintf("%03d", vnd%1000)}, groups...)
		vnd /= 1000
	}
	groups = append([]string{fmt.Sprint(vnd)}, groups...)
	return sign + strings.Join(groups, ".") + " ₫"
}

// DisplayProcessingTime is the statutory processing time: "5 ngày làm việc"
// (working days).
func DisplayProcessingTime(days int) string {
	return fmt.Sprintf("%d ngày làm việc", days)
}

// DisplayAttachment is a required-documents list item: the document's
// Vietnamese name and whether it is mandatory, "Tờ khai (bắt buộc)" or
// "Ảnh (nếu có)" (if any).
func DisplayAttachment(a fixtures.Attachment) string {
	if a.Required {
		return a.NameVI + " (bắt buộc)"
	}
	return a.NameVI + " (nếu có)"
}

// DisplayAttachments are the items of a service's required-documents list,
// in catalog order.
func DisplayAttachments(svc fixtures.Service) []string {
	out := make([]string, 0, len(svc.Attachments))
	for _, a := range svc.Attachments {
		out = append(out, DisplayAttachment(a))
	}
	return out
}

// statusLabels are the Vietnamese labels of the dossier states, as
// docs/web.md gives them (the national portal's wording).
var statusLabels = map[string]string{
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

// DisplayStatus is the label a portal shows for a dossier status key, and
// whether the key is known.
func DisplayStatus(status string) (string, bool) {
	l, ok := statusLabels[status]
	return l, ok
}

// DisplayDate is a date as a Vietnamese page shows it, dd/MM/yyyy in
// Vietnam time; "" for the zero time.
func DisplayDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vocab.Vietnam).Format("02/01/2006")
}
