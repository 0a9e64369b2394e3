package services

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/suites/framework"
	"github.com/dvcqa/dvcqa/suites/framework/refs"
	"github.com/dvcqa/dvcqa/vocab"
)

// The judges hold an answer whole: the right answer passes, and one wrong
// field of any kind fails naming that field.

var testService = fixtures.Service{
	ID: "DV07", ProcedureCode: "1.000001.000.00.00.H01", NameVI: "Đăng ký xe", NameEN: "Vehicle registration",
	Agency: "bca", FieldCode: "G12", Databases: []string{"population"}, FeeVND: 150000, ProcessingDays: 2,
	Workflow: []string{"submitted", "payment_required", "accepted", "processing", "finished", "delivered"},
	Form: []fixtures.Field{
		{Name: "HoVaTen", LabelVI: "Họ và tên", LabelEN: "Full name", Type: "text", Required: true, PrefillFrom: "population.HoVaTen"},
		{Name: "LyDo", LabelVI: "Lý do", LabelEN: "Reason", Type: "text", Required: true, Example: "Mua xe"},
	},
	Attachments: []fixtures.Attachment{{Type: "giay_to", NameVI: "Giấy tờ", NameEN: "Paper", Required: true, MimeTypes: []string{"application/pdf"}, MaxSizeKB: 500}},
	Result:      fixtures.ResultDoc{Type: "dang_ky_xe", NameVI: "Giấy đăng ký xe", NameEN: "Registration"},
}

func failsNaming(t *testing.T, what string, d *framework.Diffs, field string) {
	t.Helper()
	err := d.Err(what)
	if err == nil {
		t.Fatalf("%s: a wrong %s passed", what, field)
	}
	if !strings.Contains(err.Error(), field) {
		t.Errorf("%s: failure does not name %s:\n%s", what, field, err)
	}
}

func TestCatalogEntryWhole(t *testing.T) {
	want := expectedEntry(testService)
	var d framework.Diffs
	d.Compare(ansService, want, expectedEntry(testService), equateEmpty)
	if err := d.Err("entry"); err != nil {
		t.Fatal(err)
	}
	for field, spoil := range map[string]func(*portal.Service){
		"procedure_code":                   func(e *portal.Service) { e.ProcedureCode = "2.000488" },
		"name_en":                          func(e *portal.Service) { e.NameEN = "Registration" },
		"attachments[giay_to].max_size_kb": func(e *portal.Service) { e.Attachments[0].MaxSizeKB = 250 },
		"form[LyDo].label_vi":              func(e *portal.Service) { e.Form[1].LabelVI = "Lí do" },
	} {
		got := expectedEntry(testService)
		got.Attachments = append([]portal.AttachmentType(nil), got.Attachments...)
		got.Form = append([]portal.Field(nil), got.Form...)
		spoil(&got)
		var d framework.Diffs
		d.Compare(ansService, want, got, equateEmpty)
		failsNaming(t, "entry", &d, "GET /api/v1/services/{id} "+field)
	}
}

func TestFormWhole(t *testing.T) {
	recs := map[string]map[string]string{"population": {"HoVaTen": "Lê Văn An"}}
	want := expectedForm(testService, recs)
	if f := want.Fields[0]; f.Value != "Lê Văn An" || !f.Prefilled || !f.ReadOnly || f.Source != "population.HoVaTen" {
		t.Fatalf("prefilled field = %+v", f)
	}
	got := expectedForm(testService, recs)
	got.Fields[1].ReadOnly = true
	var d framework.Diffs
	d.Compare(ansForm, want, got, equateEmpty)
	failsNaming(t, "form", &d, "fields[LyDo].read_only")
}

func TestReceiptHeldToTheBytes(t *testing.T) {
	data := []byte("%PDF-1.4 test")
	sum := sha256.Sum256(data)
	u := framework.Upload{Type: "giay_to", Filename: "a.pdf", ContentType: "application/pdf", Data: data}
	good := portal.Attachment{ID: "tl-1", Type: "giay_to", Filename: "a.pdf", ContentType: "application/pdf", Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
	var d framework.Diffs
	receiptDiffs(&d, u, good)
	if err := d.Err("receipt"); err != nil {
		t.Fatal(err)
	}
	bad := good
	bad.SHA256 = strings.Repeat("0", 64)
	d = framework.Diffs{}
	receiptDiffs(&d, u, bad)
	failsNaming(t, "receipt", &d, "sha256")
}

// delivered is a dossier of testService as the contract makes it.
func delivered(t *testing.T) (dossierRefs, *portal.Dossier) {
	t.Helper()
	cal, err := refs.NewWorkingCalendar(nil)
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 12, 1, 9, 0, 0, 0, vocab.Vietnam) // a Tuesday
	r := dossierRefs{Service: testService, Province: "01", AgencyID: "000.00.00.H01",
		Applicant: portal.Applicant{SoDinhDanh: "001090012345", HoVaTen: "Lê Văn An"},
		Request:   portal.SubmitRequest{ServiceID: "DV07", Fields: map[string]string{"HoVaTen": "Lê Văn An", "LyDo": "Mua xe"}, Attachments: []portal.AttachmentRef{{Type: "giay_to", ID: "tl-1"}}},
		Receipts:  []portal.Attachment{{ID: "tl-1", Type: "giay_to", Filename: "a.pdf", ContentType: "application/pdf", Size: 3, SHA256: "ab"}},
		Calendar:  cal, From: from, To: from.Add(time.Second),
		Paid: &payment.QueryResponse{MaGiaoDich: "GD1"},
	}
	at := from.Add(time.Second / 2)
	var hist []portal.HistoryEntry
	for i, st := range testService.Workflow {
		code, _ := portal.StatusCode(st)
		hist = append(hist, portal.HistoryEntry{Status: st, StatusCode: code, At: at.Add(time.Duration(i) * time.Hour),
			Officer: "Nguyễn Văn Bình", Title: "Công chức", Unit: "Bộ phận Một cửa"})
	}
	d := &portal.Dossier{ID: "hs-1", Code: "000.00.00.H01-261201-0001", ServiceID: "DV07", ProcedureCode: testService.ProcedureCode,
		Province: "01", Status: "delivered", StatusCode: 10, Applicant: r.Applicant, Fields: map[string]string{"HoVaTen": "Lê Văn An", "LyDo": "Mua xe"},
		Attachments: r.Receipts, SubmittedAt: at, AcceptedAt: hist[2].At, AppointmentAt: cal.Appointment(hist[2].At, 2), DeliveredAt: hist[5].At,
		Fee: portal.Fee{AmountVND: 150000, Paid: true, PaidAmountVND: 150000, TransactionID: "GD1"}, History: hist, ResultAvailable: true,
		Note: "dvcqa test run unnamed"} // the run marker outside `dvcqa run` (framework.RunMarker)
	return r, d
}

func TestDossierWhole(t *testing.T) {
	r, good := delivered(t)
	var d framework.Diffs
	dossierDiffs(&d, ansDossier, r, good)
	if err := d.Err("dossier"); err != nil {
		t.Fatal(err)
	}
	for field, spoil := range map[string]func(*portal.Dossier){
		"fields[LyDo]":                func(x *portal.Dossier) { delete(x.Fields, "LyDo") },
		"note":                        func(x *portal.Dossier) { x.Note = "" }, // the run marker lost
		"fee.transaction_id":          func(x *portal.Dossier) { x.Fee.TransactionID = x.Code },
		"delivered_at":                func(x *portal.Dossier) { x.DeliveredAt = x.DeliveredAt.Add(time.Hour) },
		"history[processing].officer": func(x *portal.Dossier) { x.History[3].Officer = "" },
		"appointment_at":              func(x *portal.Dossier) { x.AppointmentAt = x.AppointmentAt.AddDate(0, 0, 1) },
		"attachments[giay_to].sha256": func(x *portal.Dossier) {
			x.Attachments = []portal.Attachment{{ID: "tl-1", Type: "giay_to", Filename: "a.pdf", ContentType: "application/pdf", Size: 3, SHA256: "cd"}}
		},
		"province":                      func(x *portal.Dossier) { x.Province = "79" },
		"code":                          func(x *portal.Dossier) { x.Code = "000.00.00.H01-261202-0001" },
		"history[accepted].status_code": func(x *portal.Dossier) { x.History[2].StatusCode = 4 },
	} {
		_, got := delivered(t)
		spoil(got)
		var d framework.Diffs
		dossierDiffs(&d, ansDossier, r, got)
		failsNaming(t, "dossier", &d, field)
	}
}

func TestPaymentRecordsWhole(t *testing.T) {
	q := payment.QueryResponse{MaLoi: "00", MoTaLoi: "Thành công", MaGiaoDich: "GD1", MaThamChieu: "C-1", SoTien: 150000, TrangThaiGD: "1"}
	var d framework.Diffs
	queryDiffs(&d, 150000, "C-1", q)
	from := time.Date(2026, 12, 1, 9, 0, 0, 0, vocab.Vietnam)
	bill := payment.BillResponse{QueryResponse: q, ThoiGianGD: "20261201090001",
		ThongTinBienLai: payment.Receipt{MaHoSo: "C-1", MaTTHC: "P", MaDonVi: "A", HoTenNguoiNop: "Lê Văn An", ChiTiet: []payment.ReceiptLine{{NoiDung: "Lệ phí", SoTien: 150000}}}}
	billDiffs(&d, q, "C-1", "P", "A", "Lê Văn An", 150000, from, from.Add(time.Minute), bill)
	if err := d.Err("payment"); err != nil {
		t.Fatal(err)
	}
	bill.ThongTinBienLai.HoTenNguoiNop = "LÊ VĂN AN"
	d = framework.Diffs{}
	billDiffs(&d, q, "C-1", "P", "A", "Lê Văn An", 150000, from, from.Add(time.Minute), bill)
	failsNaming(t, "bill", &d, "GET_BILL ThongTinBienLai.HoTenNguoiNop")
	q.SoTien = 15000
	d = framework.Diffs{}
	queryDiffs(&d, 150000, "C-1", q)
	failsNaming(t, "query", &d, "QUERY SoTien")
}

func TestResultWhole(t *testing.T) {
	_, dossier := delivered(t)
	good := portal.ResultDocument{DocumentNo: "KQ-" + dossier.Code, Type: "dang_ky_xe", NameVI: "Giấy đăng ký xe", DossierCode: dossier.Code,
		ServiceID: "DV07", ServiceName: testService.NameVI, Applicant: dossier.Applicant, IssuedAt: dossier.History[4].At, Issuer: "Ủy ban nhân dân Hà Nội"}
	var d framework.Diffs
	resultDiffs(&d, ansResult, testService, dossier, "Hà Nội", good)
	if err := d.Err("result"); err != nil {
		t.Fatal(err)
	}
	bad := good
	bad.DocumentNo = dossier.Code
	d = framework.Diffs{}
	resultDiffs(&d, ansResult, testService, dossier, "Hà Nội", bad)
	failsNaming(t, "result", &d, "document_no")
}

func TestPersonName(t *testing.T) {
	for s, want := range map[string]bool{"Nguyễn Văn Bình": true, "Lý Thu": true, "": false, "system": false, "can-bo-01": false, "Nguyễn": false, "nguyễn văn bình": false} {
		if personName(s) != want {
			t.Errorf("personName(%q) = %v", s, !want)
		}
	}
}
