// Package wire holds the provincial portal mock's own JSON shapes, written
// from the portal contract (docs/contracts.md "Provincial portal",
// fixtures/openapi/portal.yaml). The harness's client (api/portal) declares
// its own: the two are kept byte-compatible by the contract and by the
// suites' OpenAPI validation, never by sharing code.
//
// Only shapes and the contract's words live here; the rules (workflow states
// and codes, validation, signatures) are the portal's, in mocks/portal.
package wire

import "time"

// Status values of Dossier.Status; the numeric codes are mocks/portal status table.
const (
	StatusSubmitted       = "submitted"
	StatusAccepted        = "accepted"
	StatusProcessing      = "processing"
	StatusPaymentRequired = "payment_required"
	StatusFinished        = "finished"
	StatusDelivered       = "delivered"
	StatusWithdrawn       = "withdrawn" // by the citizen, before processing finished
)

// Header names of the submit call.
const (
	HeaderIdempotencyKey = "Idempotency-Key"
	HeaderReplayed       = "Idempotency-Replayed"
)

// Health is the answer of GET /healthz.
type Health struct {
	Status   string `json:"status"`
	System   string `json:"system"`
	Province string `json:"province"`
	Version  string `json:"version"`
}

// Service is a catalog entry (an essential online public service).
type Service struct {
	ID             string           `json:"id"`
	ProcedureCode  string           `json:"procedure_code"` // mã TTHC, "" where unknown
	NameVI         string           `json:"name_vi"`
	NameEN         string           `json:"name_en"`
	Agency         string           `json:"agency"`
	FieldCode      string           `json:"field_code"`
	Databases      []string         `json:"databases"`
	FeeVND         int64            `json:"fee_vnd"`
	ProcessingDays int              `json:"processing_days"`
	Workflow       []string         `json:"workflow"`
	Form           []Field          `json:"form"`
	Attachments    []AttachmentType `json:"attachments"`
	Result         ResultInfo       `json:"result"`
	Chain          []ChainStep      `json:"chain"`
}

// Field is one field of a service's form, as the catalog defines it.
type Field struct {
	Name        string   `json:"name"`
	LabelVI     string   `json:"label_vi"`
	LabelEN     string   `json:"label_en"`
	Type        string   `json:"type"` // text|textarea|date|number|select|id_number|phone|email
	Required    bool     `json:"required"`
	Pattern     string   `json:"pattern,omitempty"`
	MaxLen      int      `json:"max_len,omitempty"`
	Options     []string `json:"options,omitempty"`
	PrefillFrom string   `json:"prefill_from,omitempty"` // "<database>.<field>"
}

// AttachmentType is a document a service asks for.
type AttachmentType struct {
	Type      string   `json:"type"`
	NameVI    string   `json:"name_vi"`
	NameEN    string   `json:"name_en"`
	Required  bool     `json:"required"`
	MimeTypes []string `json:"mime_types"`
	MaxSizeKB int      `json:"max_size_kb"`
}

// ResultInfo names the document a service issues.
type ResultInfo struct {
	Type   string `json:"type"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
}

// ChainStep is a follow-on procedure of an inter-linked (liên thông) service.
type ChainStep struct {
	Step    string `json:"step"`
	NameVI  string `json:"name_vi"`
	NameEN  string `json:"name_en"`
	Agency  string `json:"agency"`
	Service string `json:"service,omitempty"` // DVxx when the step is itself a catalog service
}

// Services is the answer of GET /api/v1/services.
type Services struct {
	Services []Service `json:"services"`
}

// Form is a service's form for one citizen, prefilled from national data.
type Form struct {
	ServiceID string      `json:"service_id"`
	Fields    []FormField `json:"fields"`
}

// FormField is one field of a Form.
type FormField struct {
	Name      string   `json:"name"`
	LabelVI   string   `json:"label_vi"`
	LabelEN   string   `json:"label_en"`
	Type      string   `json:"type"`
	Required  bool     `json:"required"`
	Options   []string `json:"options,omitempty"` // choices of a select
	Value     string   `json:"value"`
	Prefilled bool     `json:"prefilled"`
	Source    string   `json:"source,omitempty"` // "population.HoVaTen" for fields national data can fill
	ReadOnly  bool     `json:"read_only"`
}

// Attachment is an uploaded file (its bytes stay on the portal).
type Attachment struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"` // hex
}

// AttachmentRef points a submission at an uploaded attachment.
type AttachmentRef struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// SubmitRequest is the body of POST /api/v1/dossiers. The contract lets
// fields and attachments be left out but never be null, so empty ones are
// omitted.
type SubmitRequest struct {
	ServiceID   string            `json:"service_id"`
	Fields      map[string]string `json:"fields,omitempty"`
	Attachments []AttachmentRef   `json:"attachments,omitempty"`
	Note        string            `json:"note,omitempty"` // kept with the dossier, answered back as is
}

// Dossier is an application (hồ sơ). Times are world-clock times in Vietnam
// time; the zero ones are not known yet and absent from the JSON.
type Dossier struct {
	ID              string            `json:"id"`
	Code            string            `json:"code"` // MaHoSo {agency_id}-{yyMMdd}-{NNNN}
	ServiceID       string            `json:"service_id"`
	ProcedureCode   string            `json:"procedure_code"`
	Province        string            `json:"province"`
	Status          string            `json:"status"`
	StatusCode      int               `json:"status_code"`
	Applicant       Applicant         `json:"applicant"`
	Fields          map[string]string `json:"fields"`
	Attachments     []Attachment      `json:"attachments"`
	SubmittedAt     time.Time         `json:"submitted_at,omitzero"`
	AcceptedAt      time.Time         `json:"accepted_at,omitzero"`
	AppointmentAt   time.Time         `json:"appointment_at,omitzero"`
	DeliveredAt     time.Time         `json:"delivered_at,omitzero"`
	Fee             Fee               `json:"fee"`
	History         []HistoryEntry    `json:"history"`
	ResultAvailable bool              `json:"result_available"`
	Chain           []ChainLink       `json:"chain"`
	Note            string            `json:"note,omitempty"`
}

// Applicant is the citizen who submitted a dossier.
type Applicant struct {
	SoDinhDanh string `json:"SoDinhDanh"` // 12-digit personal ID
	HoVaTen    string `json:"HoVaTen"`    // full name
}

// Fee is what a dossier costs and whether it was paid.
type Fee struct {
	AmountVND     int64  `json:"amount_vnd"`
	Paid          bool   `json:"paid"`
	PaidAmountVND int64  `json:"paid_amount_vnd"`
	TransactionID string `json:"transaction_id"`
}

// HistoryEntry is one state change, with the officer who made it.
type HistoryEntry struct {
	Status     string    `json:"status"`
	StatusCode int       `json:"status_code"`
	At         time.Time `json:"at"`
	Officer    string    `json:"officer"`
	Title      string    `json:"title"`
	Unit       string    `json:"unit"`
	Note       string    `json:"note"`
}

// ChainLink is a follow-on dossier created when an inter-linked dossier finishes.
type ChainLink struct {
	Step      string `json:"step"`
	NameVI    string `json:"name_vi"`
	ServiceID string `json:"service_id"`
	Code      string `json:"code"`
	Status    string `json:"status"`
}

// Dossiers is the answer of GET /api/v1/dossiers.
type Dossiers struct {
	Dossiers []Dossier `json:"dossiers"`
}

// PaymentStart is the answer of POST /api/v1/dossiers/{id}/payment.
type PaymentStart struct {
	PayURL    string `json:"pay_url"`
	Reference string `json:"reference"` // MaThamChieu = the dossier code
	AmountVND int64  `json:"amount_vnd"`
}

// Result is the answer of GET /api/v1/dossiers/{id}/result: the signed
// result PDF (base64 on the wire), exactly as issued.
type Result struct {
	DocumentNo string `json:"document_no"`
	MediaType  string `json:"media_type"` // application/pdf
	PDF        []byte `json:"pdf"`
}

// ResultDocument is what a result PDF states (its labelled lines).
type ResultDocument struct {
	DocumentNo  string    `json:"document_no"` // "KQ-" + dossier code
	Type        string    `json:"type"`
	NameVI      string    `json:"name_vi"`
	DossierCode string    `json:"dossier_code"`
	ServiceID   string    `json:"service_id"`
	ServiceName string    `json:"service_name"` // the procedure's name
	Applicant   Applicant `json:"applicant"`
	IssuedAt    time.Time `json:"issued_at"`
	Issuer      string    `json:"issuer"` // e.g. "Ủy ban nhân dân Hà Nội"
}

// Time is the answer of GET /api/v1/time: the world clock.
type Time struct {
	Now time.Time `json:"now"`
}
