package portal

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dvcqa/dvcqa/fixtures"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

func bad(field, code, msg, msgVI string) api.FieldError {
	return api.FieldError{Field: field, Code: code, Message: msg, MessageVI: msgVI}
}

// validateFields checks every submitted value against the service's form
// and national data, and returns the values to store (prefilled ones the
// citizen left out are taken from national data). Every bad field is
// reported, in form order, then unknown fields.
//
// checkIDFormat false is the seeded defect id-format-unchecked: a personal
// ID in a prefilled field is only compared with national data, so a
// malformed one is refused as a mismatch, exactly like a well-formed ID of
// somebody else, and the citizen is not told it is malformed.
func validateFields(svc *fixtures.Service, values, national map[string]string, checkIDFormat bool, lax leniency) (map[string]string, []api.FieldError) {
	out := map[string]string{}
	var errs []api.FieldError
	for _, f := range svc.Form {
		v, given := values[f.Name]
		v = strings.TrimSpace(v)
		if nv, ok := national[f.Name]; ok {
			// Read-only: national data is authoritative, so the only checks
			// are that a value sent is well-formed and that the citizen did
			// not change it. The format comes first: a malformed value is a
			// different mistake from somebody else's valid one (a blank one
			// is a change, the value is there for the taking).
			if given && v != nv {
				if fe, malformed := valueError(&f, v, lax); v != "" && malformed && (checkIDFormat || f.Type != "id_number") {
					errs = append(errs, fe)
				} else {
					errs = append(errs, mismatch(f.Name))
				}
			}
			out[f.Name] = nv
			continue
		}
		if v == "" && !f.Required {
			continue
		}
		if fe, malformed := valueError(&f, v, lax); malformed {
			errs = append(errs, fe)
			continue
		}
		out[f.Name] = v
	}
	var unknown []string
	for name := range values {
		if _, known := svc.Field(name); !known {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		errs = append(errs, bad(name, api.FieldUnknown, "is not a field of service "+svc.ID, "Trường không thuộc biểu mẫu của dịch vụ "+svc.ID))
	}
	return out, errs
}

// valueError checks v against the portal's field rules (rules.go): an
// empty required value is "required", anything else refused
// "invalid_format".
func valueError(f *fixtures.Field, v string, lax leniency) (api.FieldError, bool) {
	if v == "" {
		if !f.Required {
			return api.FieldError{}, false
		}
		return bad(f.Name, api.FieldRequired, f.LabelEN+" is required", f.LabelVI+" là trường bắt buộc"), true
	}
	en, vi := fieldProblem(f, v, lax)
	if en == "" {
		return api.FieldError{}, false
	}
	return bad(f.Name, api.FieldInvalidFormat, f.LabelEN+" "+en, f.LabelVI+" "+vi), true
}

func mismatch(field string) api.FieldError {
	return bad(field, api.FieldNationalMismatch, "does not match national data", "Giá trị không khớp dữ liệu quốc gia")
}

// missingRequired reports whether a required field the citizen must type
// was left out or blank (prefilled ones come from national data).
func missingRequired(svc *fixtures.Service, values, national map[string]string) bool {
	return slices.ContainsFunc(svc.Form, func(f fixtures.Field) bool {
		_, prefilled := national[f.Name]
		return f.Required && !prefilled && strings.TrimSpace(values[f.Name]) == ""
	})
}

// validateAttachments resolves the submitted references to the caller's
// uploads and checks them against the service's list: type known, owner,
// accepted content type, size, and every required type present. Errors are
// named by attachment type. The caller holds s.mu.
func (s *Server) validateAttachments(svc *fixtures.Service, refs []api.AttachmentRef, owner string) ([]api.Attachment, []api.FieldError) {
	var out []api.Attachment
	var errs []api.FieldError
	present := map[string]bool{}
	for i, ref := range refs {
		if ref.Type == "" || ref.ID == "" {
			errs = append(errs, bad(fmt.Sprintf("attachments[%d]", i), api.FieldInvalidAttachment, "type and id are required", "Thiếu loại giấy tờ hoặc mã tệp"))
			continue
		}
		spec := attachmentSpec(svc, ref.Type)
		if spec == nil {
			errs = append(errs, bad(ref.Type, api.FieldInvalidAttachment, "is not a document of service "+svc.ID, "Giấy tờ không thuộc thành phần hồ sơ của dịch vụ "+svc.ID))
			continue
		}
		a := s.attachments[ref.ID]
		switch {
		case a == nil || a.owner != owner: // another citizen's upload is as good as unknown
			errs = append(errs, bad(ref.Type, api.FieldInvalidAttachment, "no such attachment "+ref.ID, "Không tìm thấy tệp đính kèm "+ref.ID))
		case a.Type != ref.Type:
			errs = append(errs, bad(ref.Type, api.FieldInvalidAttachment, "attachment "+ref.ID+" was uploaded as "+a.Type, "Tệp "+ref.ID+" được tải lên cho loại giấy tờ khác"))
		case !slices.Contains(spec.MimeTypes, a.ContentType):
			errs = append(errs, bad(ref.Type, api.FieldInvalidAttachment, fmt.Sprintf("content type %s is not accepted (accepted: %s)", a.ContentType, strings.Join(spec.MimeTypes, ", ")),
				"Định dạng tệp không được chấp nhận cho giấy tờ này"))
		case spec.MaxSizeKB > 0 && a.Size > int64(spec.MaxSizeKB)*1024:
			errs = append(errs, bad(ref.Type, api.FieldInvalidAttachment, fmt.Sprintf("file is larger than %d KB", spec.MaxSizeKB), fmt.Sprintf("Tệp vượt quá dung lượng cho phép %d KB", spec.MaxSizeKB)))
		default:
			present[ref.Type] = true
			out = append(out, a.Attachment)
		}
	}
	for _, spec := range svc.Attachments {
		if spec.Required && !present[spec.Type] && !slices.ContainsFunc(errs, func(e api.FieldError) bool { return e.Field == spec.Type }) {
			errs = append(errs, bad(spec.Type, api.FieldRequired, spec.NameEN+" is required", spec.NameVI+": bắt buộc phải nộp"))
		}
	}
	return out, errs
}

func attachmentSpec(svc *fixtures.Service, typ string) *fixtures.Attachment {
	for i := range svc.Attachments {
		if svc.Attachments[i].Type == typ {
			return &svc.Attachments[i]
		}
	}
	return nil
}
