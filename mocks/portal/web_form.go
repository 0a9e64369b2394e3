package portal

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/dvcqa/dvcqa/fixtures"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// The form: GET shows it prefilled (form), POST action=review checks it
// (check) and stores the files (storeAttachment), action=submit creates
// the dossier (submitOnce) under the idempotency key the form was given
// when first shown, action=edit goes back to the form with the values.

// Idempotency keys travel in the form, so a double click or a resubmitted
// page sends the same key and gets the same dossier.
const keyField = "idempotency_key"

// inputTypes are the <input type> of each catalog field type; select and
// textarea have their own elements.
var inputTypes = map[string]string{
	"text": "text", "date": "date", "number": "number", "id_number": "text", "phone": "tel", "email": "email",
}

type fieldView struct {
	Name, Label, Type, Input, Value string
	Required, Prefilled             bool
	Options                         []string
	Error                           string
	ErrorHidden                     bool   // seeded defect web-error-hidden
	DescribedBy                     string // ids of the error and the note
}

type attachmentView struct {
	fixtures.Attachment
	Accept      string          // the accept attribute: the service's content types
	Formats     string          // the same, as people name them
	Kept        *api.Attachment // uploaded earlier while filling this form
	Error       string
	DescribedBy string
}

type summaryItem struct{ Target, Text string }

type formPage struct {
	ServiceID, ServiceName, Action, Key string
	Fields                              []fieldView
	Attachments                         []attachmentView
	Summary                             []summaryItem
	Stack                               string // seeded defect error-leaks-stack
}

type reviewItem struct{ Label, Value string }

type hiddenInput struct{ Name, Value string }

type reviewPage struct {
	ServiceID, ServiceName, Action, Key string
	Items, Files                        []reviewItem
	Hidden                              []hiddenInput
	SubmitDisabled                      bool
}

// submitDisabled reports whether the review page's final submit button is
// disabled.
//
// Seeded defect submit-disabled: the button is rendered disabled, so a
// citizen cannot submit online; a POST forced past it is still honoured,
// the defect is in the page.
func (s *Server) submitDisabled(service string) bool {
	_, on := s.defect(defectSubmitDisabled, service)
	return on
}

// formState is what a POST of the form or review page carries.
type formState struct {
	action, key string
	values      map[string]string                // the service's fields, as posted
	kept        map[string]string                // attachment type → id uploaded before
	files       map[string]*multipart.FileHeader // attachment type → new file
}

func (s *Server) pageForm(w http.ResponseWriter, r *http.Request, c citizen) {
	svc, ok := s.opts.Catalog.Service(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	s.renderForm(w, r, http.StatusOK, svc, c, formState{key: newKey()}, nil)
}

func newKey() string { return "web-" + randomID() + randomID() }

func (s *Server) postForm(w http.ResponseWriter, r *http.Request, c citizen) {
	svc, ok := s.opts.Catalog.Service(r.PathValue("id"))
	if !ok {
		s.notFound(w, r)
		return
	}
	st, err := s.readForm(w, r, svc)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err != nil {
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			s.renderError(w, r, http.StatusRequestEntityTooLarge, "Tệp quá lớn", errorPage{
				Message: "Tệp đính kèm vượt quá 10 MB.", LinkURL: s.web.base + "/ho-so/moi/" + svc.ID, LinkText: "Quay lại biểu mẫu"})
			return
		}
		s.renderError(w, r, http.StatusBadRequest, "Yêu cầu không hợp lệ", errorPage{Message: "Dữ liệu gửi lên không đúng định dạng."})
		return
	}
	switch st.action {
	case "submit":
		s.submitForm(w, r, svc, c, st)
	case "edit":
		s.renderForm(w, r, http.StatusOK, svc, c, st, nil)
	default: // "review", or Enter pressed in a field
		s.reviewForm(w, r, svc, c, st)
	}
}

// readForm parses a multipart (form page) or urlencoded (review page) POST.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request, svc *fixtures.Service) (formState, error) {
	r.Body = http.MaxBytesReader(w, r.Body, int64(len(svc.Attachments)+1)*maxUpload+1<<20)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return formState{}, err
	}
	st := formState{action: r.PostForm.Get("action"), key: r.PostForm.Get(keyField),
		values: map[string]string{}, kept: map[string]string{}, files: map[string]*multipart.FileHeader{}}
	for _, f := range svc.Form {
		if vs, ok := r.PostForm[f.Name]; ok && len(vs) > 0 {
			st.values[f.Name] = vs[0]
		}
	}
	for _, a := range svc.Attachments {
		if id := r.PostForm.Get("tep-id-" + a.Type); id != "" {
			st.kept[a.Type] = id
		}
		if r.MultipartForm != nil {
			if fhs := r.MultipartForm.File["tep-"+a.Type]; len(fhs) > 0 && fhs[0].Filename != "" {
				st.files[a.Type] = fhs[0]
			}
		}
	}
	return st, nil
}

// request is the submission the form state stands for: typed values
// (blank ones left out) and attachments in the catalog's order.
func (st formState) request(svc *fixtures.Service) api.SubmitRequest {
	req := api.SubmitRequest{ServiceID: svc.ID, Fields: map[string]string{}, Attachments: []api.AttachmentRef{}}
	for name, v := range st.values {
		if v = strings.TrimSpace(v); v != "" {
			req.Fields[name] = v
		}
	}
	for _, a := range svc.Attachments {
		if id := st.kept[a.Type]; id != "" {
			req.Attachments = append(req.Attachments, api.AttachmentRef{Type: a.Type, ID: id})
		}
	}
	return req
}

// reviewForm stores new files, checks everything like the API, and shows
// either the form again (422) or the review page.
func (s *Server) reviewForm(w http.ResponseWriter, r *http.Request, svc *fixtures.Service, c citizen, st formState) {
	if st.key == "" {
		st.key = newKey()
	}
	uploadErrs := map[string]string{}
	for _, a := range svc.Attachments {
		fh := st.files[a.Type]
		if fh == nil {
			continue
		}
		att, e := s.storeUpload(c, a.Type, fh)
		if e != "" {
			uploadErrs[a.Type] = e
			delete(st.kept, a.Type)
			continue
		}
		st.kept[a.Type] = att.ID
	}
	req := st.request(svc)
	_, fields, atts, e := s.check(r.Context(), c, &req)
	switch {
	case e == errCrashed:
		s.renderAPIError(w, r, e)
		return
	case e != nil && e.Status != http.StatusUnprocessableEntity:
		s.renderAPIError(w, r, e)
		return
	case e != nil || len(uploadErrs) > 0:
		// A refused upload says more than "required", so it comes first.
		var fieldErrs []api.FieldError
		for typ, msg := range uploadErrs {
			fieldErrs = append(fieldErrs, api.FieldError{Field: typ, Code: api.FieldInvalidAttachment, MessageVI: msg})
		}
		if e != nil {
			fieldErrs = append(fieldErrs, e.Fields...)
		}
		s.renderForm(w, r, http.StatusUnprocessableEntity, svc, c, st, fieldErrs)
		return
	}
	data := reviewPage{ServiceID: svc.ID, ServiceName: svc.NameVI, Action: s.web.base + "/ho-so/moi/" + svc.ID, Key: st.key,
		SubmitDisabled: s.submitDisabled(svc.ID)}
	for _, f := range svc.Form {
		v := fields[f.Name]
		shown := v
		switch {
		case v == "":
			shown = "(không khai)"
		case f.Type == "date":
			shown = formatDate(v)
		}
		data.Items = append(data.Items, reviewItem{Label: f.LabelVI, Value: shown})
		if v != "" {
			data.Hidden = append(data.Hidden, hiddenInput{Name: f.Name, Value: v})
		}
	}
	for _, a := range atts {
		name := a.Type
		if spec := attachmentSpec(svc, a.Type); spec != nil {
			name = spec.NameVI
		}
		data.Files = append(data.Files, reviewItem{Label: name, Value: fmt.Sprintf("%s (%s KB)", a.Filename, formatKB(a.Size))})
		data.Hidden = append(data.Hidden, hiddenInput{Name: "tep-id-" + a.Type, Value: a.ID})
	}
	s.render(w, r, http.StatusOK, "review", "Xem lại hồ sơ: "+svc.NameVI, data)
}

func formatKB(size int64) string {
	return strings.TrimSuffix(formatMoney((size+1023)/1024), " ₫")
}

// storeUpload keeps one file of the form like the API's upload does; the
// answer is the Vietnamese reason of a refusal, "" when stored.
func (s *Server) storeUpload(c citizen, typ string, fh *multipart.FileHeader) (api.Attachment, string) {
	if fh.Size > maxUpload {
		return api.Attachment{}, "Tệp đính kèm vượt quá 10 MB"
	}
	f, err := fh.Open()
	if err != nil {
		return api.Attachment{}, "Không đọc được tệp đính kèm"
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil {
		return api.Attachment{}, "Không đọc được tệp đính kèm"
	}
	att, e := s.storeAttachment(c, typ, fh.Filename, fh.Header.Get("Content-Type"), data)
	if e != nil {
		return api.Attachment{}, e.Fields[0].MessageVI
	}
	return att, ""
}

// submitForm creates the dossier, or replays it for the same key, and
// sends the citizen to it.
func (s *Server) submitForm(w http.ResponseWriter, r *http.Request, svc *fixtures.Service, c citizen, st formState) {
	if st.key == "" {
		s.renderError(w, r, http.StatusBadRequest, "Yêu cầu không hợp lệ", errorPage{
			Message: "Thiếu mã nộp hồ sơ. Vui lòng mở lại biểu mẫu.", LinkURL: s.web.base + "/ho-so/moi/" + svc.ID, LinkText: "Mở lại biểu mẫu"})
		return
	}
	req := st.request(svc)
	view, _, e := s.submitOnce(r.Context(), c, st.key, &req)
	switch {
	case e == nil:
		http.Redirect(w, r, s.web.base+"/ho-so/"+view.ID, http.StatusSeeOther)
	case e.Status == http.StatusUnprocessableEntity:
		s.renderForm(w, r, http.StatusUnprocessableEntity, svc, c, st, e.Fields)
	case e.Status == http.StatusConflict:
		s.renderError(w, r, http.StatusConflict, "Hồ sơ đã được nộp", errorPage{
			Message: "Biểu mẫu này đã được dùng để nộp một hồ sơ khác. Vui lòng mở lại biểu mẫu để nộp hồ sơ mới.",
			LinkURL: s.web.base + "/ho-so/moi/" + svc.ID, LinkText: "Mở lại biểu mẫu"})
	default:
		s.renderAPIError(w, r, e)
	}
}

// renderForm shows the form: national data from form (readonly where
// prefilled), the citizen's values over the rest, and errors next to their
// field and in a summary.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, status int, svc *fixtures.Service, c citizen, st formState, errs []api.FieldError) {
	form, err := s.form(r.Context(), svc, c)
	if err != nil {
		s.renderError(w, r, http.StatusBadGateway, "Hệ thống liên quan đang gián đoạn", errorPage{
			Message: "Không lấy được dữ liệu từ cơ sở dữ liệu quốc gia, vui lòng thử lại sau"})
		return
	}
	byField := map[string]string{}
	for _, e := range errs {
		if _, dup := byField[e.Field]; !dup {
			byField[e.Field] = e.MessageVI
		}
	}
	data := formPage{ServiceID: svc.ID, ServiceName: svc.NameVI, Action: s.web.base + "/ho-so/moi/" + svc.ID, Key: st.key}
	// Seeded defect web-error-hidden: the message next to each bad field is
	// rendered with the hidden attribute (as if a script were to reveal it),
	// so the citizen sees no error by the field; the summary still shows.
	_, errorsHidden := s.defect(defectWebErrorHidden, svc.ID)
	for _, f := range form.Fields {
		v := f.Value
		if posted, ok := st.values[f.Name]; ok && !f.Prefilled {
			v = posted
		}
		fv := fieldView{Name: f.Name, Label: f.LabelVI, Type: f.Type, Input: inputTypes[f.Type], Value: v,
			Required: f.Required, Prefilled: f.Prefilled, Options: f.Options, Error: byField[f.Name]}
		fv.ErrorHidden = fv.Error != "" && errorsHidden
		fv.DescribedBy = describedBy(fv.Error != "", "loi-"+f.Name, fv.Prefilled, "nguon-"+f.Name)
		if fv.Error != "" {
			data.Summary = append(data.Summary, summaryItem{Target: "f-" + f.Name, Text: withLabel(f.LabelVI, fv.Error)})
			delete(byField, f.Name)
		}
		data.Fields = append(data.Fields, fv)
	}
	for _, a := range svc.Attachments {
		av := attachmentView{Attachment: a, Accept: strings.Join(a.MimeTypes, ","), Formats: formatNames(a.MimeTypes), Error: byField[a.Type]}
		if id := st.kept[a.Type]; id != "" {
			s.mu.Lock()
			if att := s.attachments[id]; att != nil && att.owner == c.ID && att.Type == a.Type {
				kept := att.Attachment
				av.Kept = &kept
			}
			s.mu.Unlock()
		}
		av.DescribedBy = describedBy(av.Error != "", "loi-tep-"+a.Type, av.Kept != nil, "da-tai-"+a.Type)
		if av.Error != "" {
			data.Summary = append(data.Summary, summaryItem{Target: "tep-" + a.Type, Text: withLabel(a.NameVI, av.Error)})
			delete(byField, a.Type)
		}
		data.Attachments = append(data.Attachments, av)
	}
	for _, e := range errs { // errors about nothing on the page, in their order
		if msg, left := byField[e.Field]; left {
			data.Summary = append(data.Summary, summaryItem{Text: msg})
			delete(byField, e.Field)
		}
	}
	if len(data.Summary) > 0 {
		data.Stack = s.leakedStack(svc.ID)
	}
	s.render(w, r, status, "form", "Nộp hồ sơ: "+svc.NameVI, data)
}

// formatNames names content types the way the form's notes do: "PDF, JPEG".
func formatNames(types []string) string {
	names := make([]string, len(types))
	for i, t := range types {
		_, sub, _ := strings.Cut(t, "/")
		names[i] = strings.ToUpper(sub)
	}
	return strings.Join(names, ", ")
}

func describedBy(err bool, errID string, note bool, noteID string) string {
	var ids []string
	if err {
		ids = append(ids, errID)
	}
	if note {
		ids = append(ids, noteID)
	}
	return strings.Join(ids, " ")
}

// withLabel names the field in a summary line unless the message does.
func withLabel(label, msg string) string {
	if strings.HasPrefix(msg, label) {
		return msg
	}
	return label + ": " + msg
}
