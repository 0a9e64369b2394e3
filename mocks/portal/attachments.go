package portal

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// maxUpload is the hard limit of one file, before any service's own limit.
const maxUpload = 10 << 20

var attachmentTypeKey = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// attachment is an uploaded file; the bytes themselves are not kept.
type attachment struct {
	api.Attachment
	owner string    // SoDinhDanh of the uploader
	at    time.Time // when uploaded (real time), for the retention bound
}

// handleUpload reads a multipart form with a "type" field and a "file" part,
// streaming so a huge file is refused without holding it in memory.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request, c citizen) {
	// Room for the form's other parts and headers on top of the file.
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, "expected a multipart/form-data body", "Yêu cầu phải ở dạng multipart/form-data")
		return
	}
	var typ, filename, declared string
	var data []byte
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			writeUploadReadError(w, err)
			return
		}
		switch part.FormName() {
		case "type":
			b, err := io.ReadAll(io.LimitReader(part, 256))
			if err != nil {
				writeUploadReadError(w, err)
				return
			}
			typ = string(b)
		case "file":
			filename, declared = part.FileName(), part.Header.Get("Content-Type")
			data, err = io.ReadAll(io.LimitReader(part, maxUpload+1))
			if err != nil {
				writeUploadReadError(w, err)
				return
			}
			if len(data) > maxUpload {
				writeTooLarge(w)
				return
			}
		}
		part.Close()
	}
	if !attachmentTypeKey.MatchString(typ) {
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, `field "type" must be an attachment type key`, `Trường "type" phải là mã loại giấy tờ`)
		return
	}
	if data == nil || filename == "" {
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, `part "file" with a file name is required`, `Thiếu tệp đính kèm (trường "file")`)
		return
	}
	a, e := s.storeAttachment(c, typ, filename, declared, data)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	httpx.JSON(w, http.StatusCreated, a)
}

// storeAttachment checks one uploaded file and keeps it for the citizen;
// the API and the web form's review step both store files here. A refusal
// is a 422 naming the attachment type.
func (s *Server) storeAttachment(c citizen, typ, filename, declared string, data []byte) (api.Attachment, *api.APIError) {
	if len(data) == 0 {
		return api.Attachment{}, attachmentError(typ, "the file is empty", "Tệp đính kèm rỗng")
	}
	// The declared type must be one any service accepts (an upload does not
	// say which service it is for: each service's own list and size limit
	// are checked at submit) and agree with the bytes, so that a renamed
	// executable does not pass as a PDF.
	mt, _, _ := mime.ParseMediaType(declared)
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	if !slices.Contains(fixtures.MimeTypes, mt) || mt != sniffed {
		return api.Attachment{}, attachmentError(typ,
			fmt.Sprintf("content type %q (content looks like %q) is not accepted; use PDF, JPEG or PNG", declared, sniffed),
			"Định dạng tệp không được chấp nhận, chỉ nhận PDF, JPEG hoặc PNG")
	}
	sum := sha256.Sum256(data)
	a := &attachment{owner: c.ID, Attachment: api.Attachment{
		ID: "tl-" + randomID(), Type: typ, Filename: filename, ContentType: mt,
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
	}}
	s.mu.Lock()
	a.at = s.clock.Now()
	s.attachments[a.ID] = a
	s.attOrder.Add(a.ID)
	s.trimAttachments()
	s.mu.Unlock()
	return s.receiptAnswer(a.Attachment), nil
}

func writeUploadReadError(w http.ResponseWriter, err error) {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		writeTooLarge(w)
		return
	}
	writeError(w, http.StatusBadRequest, api.CodeBadRequest, "malformed multipart body: "+err.Error(), "Dữ liệu tải lên không đúng định dạng")
}

func writeTooLarge(w http.ResponseWriter) {
	writeError(w, http.StatusRequestEntityTooLarge, api.CodeTooLarge, "files are limited to 10 MiB", "Tệp đính kèm vượt quá 10 MB")
}

// attachmentError is a 422 naming the attachment type.
func attachmentError(typ, msg, msgVI string) *api.APIError {
	return &api.APIError{
		Status: http.StatusUnprocessableEntity, Code: api.CodeValidationFailed,
		Message: "attachment " + typ + ": " + msg, MessageVI: "Giấy tờ " + typ + ": " + msgVI,
		Fields: []api.FieldError{{Field: typ, Code: api.FieldInvalidAttachment, Message: msg, MessageVI: msgVI}},
	}
}

// randomID is 16 hex digits; ids are unguessable so that owners are the
// only ones who know them (access is still checked).
func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
