package dvcqg

import "strconv"

// Status is a dossier status of the national portal (TrangThaiHoSo, and
// TrangThai of a progress entry), "1".."10" on the wire. The table is the
// harness's own reference, written from the published meanings (OpenCPS's
// DVCQG integration and a 2025 Thanh Hóa one-stop system, see
// /work/shared/domain.md and protocols-public.md), not from fixtures or a
// mock.
type Status int

// The national portal's status table.
const (
	StatusNew                 Status = 1  // mới tiếp nhận / newly submitted
	StatusAccepted            Status = 2  // đã tiếp nhận / accepted
	StatusRejected            Status = 3  // từ chối tiếp nhận / rejected at intake
	StatusProcessing          Status = 4  // đang xử lý / processing
	StatusSupplementRequested Status = 5  // yêu cầu bổ sung / documents requested
	StatusPaymentRequired     Status = 6  // chờ thanh toán / payment required
	StatusWithdrawn           Status = 7  // công dân rút hồ sơ / withdrawn by the applicant
	StatusStopped             Status = 8  // dừng xử lý / processing stopped
	StatusFinished            Status = 9  // đã xử lý xong / processing finished
	StatusDelivered           Status = 10 // đã trả kết quả / result delivered
)

// statusMeanings are the published meanings, English first.
var statusMeanings = [...]struct{ en, vi string }{
	StatusNew:                 {"newly submitted", "mới tiếp nhận"},
	StatusAccepted:            {"accepted", "đã tiếp nhận"},
	StatusRejected:            {"rejected at intake", "từ chối tiếp nhận"},
	StatusProcessing:          {"processing", "đang xử lý"},
	StatusSupplementRequested: {"documents requested", "yêu cầu bổ sung"},
	StatusPaymentRequired:     {"payment required", "chờ thanh toán"},
	StatusWithdrawn:           {"withdrawn by the applicant", "công dân rút hồ sơ"},
	StatusStopped:             {"processing stopped", "dừng xử lý"},
	StatusFinished:            {"processing finished", "đã xử lý xong"},
	StatusDelivered:           {"result delivered", "đã trả kết quả"},
}

// Valid reports whether s is in the table (1..10).
func (s Status) Valid() bool { return s >= StatusNew && s <= StatusDelivered }

// Meaning is the published English meaning, "" outside the table.
func (s Status) Meaning() string {
	if !s.Valid() {
		return ""
	}
	return statusMeanings[s].en
}

// MeaningVI is the published Vietnamese meaning, "" outside the table.
func (s Status) MeaningVI() string {
	if !s.Valid() {
		return ""
	}
	return statusMeanings[s].vi
}

// Wire is the status as the portal writes it, e.g. "10".
func (s Status) Wire() string { return strconv.Itoa(int(s)) }

// ParseStatus reads a wire status: a decimal in the table, no sign, no
// padding ("04" and "+4" are not statuses).
func ParseStatus(s string) (Status, bool) {
	if s == "" || s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || !Status(n).Valid() {
		return 0, false
	}
	return Status(n), true
}
