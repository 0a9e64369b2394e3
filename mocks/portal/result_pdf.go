package portal

import (
	"bytes"
	_ "embed"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"

	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// resultFont is Liberation Sans (SIL OFL 1.1, assets/OFL.txt): a Unicode
// TrueType font, because Vietnamese needs glyphs no PDF base font has. fpdf
// embeds a subset with a ToUnicode map, so the text can be extracted.
//
//go:embed assets/LiberationSans-Regular.ttf
var resultFont []byte

// vietnamTime is the zone results are dated in (UTC+7, no daylight saving).
var vietnamTime = time.FixedZone("ICT", 7*3600)

// The labels of the result PDF's lines, one "label: value" line each
// (docs/contracts.md, "Result PDF").
const (
	labelDocumentNo = "Số"
	labelDocument   = "Loại văn bản" // name (type)
	labelDossier    = "Mã hồ sơ"
	labelProcedure  = "Thủ tục" // service id - name
	labelName       = "Họ và tên"
	labelID         = "Số định danh"
	labelIssuedAt   = "Ngày cấp"
	labelIssuer     = "Cơ quan cấp"
)

// issuedAtLayout writes the issue time to the second, with its offset.
const issuedAtLayout = "02/01/2006 15:04:05 -07:00"

// renderResultPDF lays the result document out on one A4 page. keywords
// go into the document information (plain ASCII: the seeded defect
// result-pdf-tampered edits them after signing).
func renderResultPDF(doc api.ResultDocument, serviceName, keywords string) ([]byte, error) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCreationDate(doc.IssuedAt)
	p.SetModificationDate(doc.IssuedAt)
	p.SetProducer("dvcqa mock portal", false)
	p.SetTitle(doc.NameVI, true)
	p.SetAuthor(doc.Issuer, true)
	p.SetKeywords(keywords, false)
	p.AddUTF8FontFromBytes("LiberationSans", "", resultFont)
	p.AddPage()

	line := func(size float64, align, text string) {
		// A long procedure name is set smaller rather than wrapped: each
		// labelled value stays on one line.
		p.SetFont("LiberationSans", "", size)
		for width, _ := p.GetPageSize(); size > 6 && p.GetStringWidth(text) > width-25; {
			size -= 0.5
			p.SetFont("LiberationSans", "", size)
		}
		p.CellFormat(0, size*0.6, text, "", 1, align, false, 0, "")
	}
	line(12, "C", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
	line(12, "C", "Độc lập - Tự do - Hạnh phúc")
	p.Ln(4)
	line(12, "C", doc.Issuer)
	p.Ln(4)
	line(16, "C", doc.NameVI)
	p.Ln(6)
	for _, l := range [][2]string{
		{labelDocumentNo, doc.DocumentNo},
		{labelDocument, doc.NameVI + " (" + doc.Type + ")"},
		{labelDossier, doc.DossierCode},
		{labelProcedure, doc.ServiceID + " - " + serviceName},
		{labelName, doc.Applicant.HoVaTen},
		{labelID, doc.Applicant.SoDinhDanh},
		{labelIssuedAt, doc.IssuedAt.In(vietnamTime).Format(issuedAtLayout)},
		{labelIssuer, doc.Issuer},
	} {
		line(11, "L", l[0]+": "+l[1])
	}
	p.Ln(10)
	line(9, "L", "Văn bản điện tử được ký số (dvcqa mô phỏng, không có giá trị pháp lý).")

	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("render result %s: %w", doc.DocumentNo, err)
	}
	return buf.Bytes(), nil
}
