package framework

import (
	"fmt"
	"strings"

	"github.com/dvcqa/dvcqa/fixtures"
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
