package dvcqg

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Code is an error_code. Deployments send it as a JSON number or a string
// ("0"), so it unmarshals from both; it marshals as a number.
type Code int

// Codes and messages both sides of the protocol rely on.
const (
	CodeOK        Code = 0
	CodeFailed    Code = -1
	CodeDuplicate Code = 3

	MessageOK             = "Thành công"
	MessageInvalidSession = "Phiên làm việc không hợp lệ" // the client logs in again on this
	MessageNotFound       = "Không tìm thấy hồ sơ"
	MessageDuplicate      = "Hồ sơ đã tồn tại"
	MessageReadOnly       = "Tài khoản chỉ có quyền tra cứu"
)

// OK reports success.
func (c Code) OK() bool { return c == CodeOK }

// UnmarshalJSON accepts 3, -1, "0" and " 3 ".
func (c *Code) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("error_code: %w", err)
		}
		s = strings.TrimSpace(s)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("error_code %s is not an integer", b)
	}
	*c = Code(n)
	return nil
}

// Error is a reply whose error_code is not 0.
type Error struct {
	Service string // e.g. "TraCuuHoSo"; "session" for the login
	Code    Code
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("dvcqg %s: error_code %d: %s", e.Service, e.Code, e.Message)
}

// IsNotFound reports whether err is the portal's "dossier not found" answer.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && strings.Contains(strings.ToLower(e.Message), strings.ToLower(MessageNotFound))
}

// IsDuplicate reports whether err says the dossier already exists: code 3
// (some deployments -3), or "đã tồn tại" in the message.
func IsDuplicate(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code == CodeDuplicate || e.Code == -CodeDuplicate || strings.Contains(strings.ToLower(e.Message), "đã tồn tại")
}

func isInvalidSession(err error) bool {
	var e *Error
	return errors.As(err, &e) && !e.Code.OK() && strings.Contains(strings.ToLower(e.Message), strings.ToLower(MessageInvalidSession))
}
