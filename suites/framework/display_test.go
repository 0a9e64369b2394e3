package framework

import (
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
)

func TestDisplayFee(t *testing.T) {
	for vnd, want := range map[int64]string{
		0: "Miễn phí", 5: "5 ₫", 999: "999 ₫", 1000: "1.000 ₫", 20000: "20.000 ₫", 150000: "150.000 ₫",
		1000000: "1.000.000 ₫", 1234567: "1.234.567 ₫", -50000: "-50.000 ₫",
	} {
		if got := DisplayFee(vnd); got != want {
			t.Errorf("DisplayFee(%d) = %q, want %q", vnd, got, want)
		}
	}
}

func TestDisplayProcessingTimeAndAttachments(t *testing.T) {
	if got := DisplayProcessingTime(5); got != "5 ngày làm việc" {
		t.Errorf("DisplayProcessingTime(5) = %q", got)
	}
	svc := fixtures.Service{Attachments: []fixtures.Attachment{{NameVI: "Tờ khai", Required: true}, {NameVI: "Ảnh chân dung"}}}
	got := DisplayAttachments(svc)
	if len(got) != 2 || got[0] != "Tờ khai (bắt buộc)" || got[1] != "Ảnh chân dung (nếu có)" {
		t.Errorf("DisplayAttachments = %q", got)
	}
}

func TestDisplayStatusAndDate(t *testing.T) {
	if l, ok := DisplayStatus("delivered"); !ok || l != "Đã trả kết quả" {
		t.Errorf("DisplayStatus(delivered) = %q, %v", l, ok)
	}
	if _, ok := DisplayStatus("nonsense"); ok {
		t.Error("an unknown status has a label")
	}
	// 17:30 UTC is already the next day in Vietnam (UTC+7).
	if got := DisplayDate(time.Date(2026, 12, 1, 17, 30, 0, 0, time.UTC)); got != "02/12/2026" {
		t.Errorf("DisplayDate = %q", got)
	}
	if got := DisplayDate(time.Time{}); got != "" {
		t.Errorf("DisplayDate(zero) = %q", got)
	}
}
