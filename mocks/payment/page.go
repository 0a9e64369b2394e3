package payment

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

var pageTmpl = template.Must(template.New("pay").Parse(`<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} - Nền tảng thanh toán (mô phỏng)</title>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
{{with .Tx}}
<dl>
<dt>Đơn vị thụ hưởng</dt><dd id="partner">{{.Partner}}</dd>
<dt>Mã tham chiếu</dt><dd id="reference">{{.Ref}}</dd>
<dt>Mã hồ sơ</dt><dd id="dossier">{{.Dossier}}</dd>
<dt>Người nộp</dt><dd id="payer">{{.Payer}}</dd>
<dt>Số tiền</dt><dd id="amount">{{.Amount}}</dd>
</dl>
{{if .Lines}}<table id="lines">
<thead><tr><th>Nội dung</th><th>Số tiền</th></tr></thead>
<tbody>{{range .Lines}}<tr><td>{{.NoiDung}}</td><td>{{.SoTien}}</td></tr>{{end}}</tbody>
</table>{{end}}
{{if .Pending}}<form method="post" action="{{.Action}}">
<button type="submit" name="action" value="confirm">Thanh toán</button>
<button type="submit" name="action" value="cancel">Hủy</button>
</form>{{else}}<p id="status">{{.Status}}</p>{{end}}
{{else}}<p id="error">{{.Message}}</p>{{end}}
</main>
</body>
</html>
`))

type pageData struct {
	Title   string
	Message string // error pages
	Tx      *txView
}

type txView struct {
	Partner, Ref, Dossier, Payer, Amount string
	Lines                                []lineView
	Pending                              bool
	Status                               string
	Action                               string
}

type lineView struct{ NoiDung, SoTien string }

// handlePage is GET /pay/{id}: what the citizen sees.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	t, found := s.byID[id]
	var c Transaction
	if found {
		c = t.copy()
	}
	s.mu.Unlock()
	if !found {
		notFound(w, id)
		return
	}
	req := c.Request
	v := &txView{
		Partner: s.partners[req.MaDoiTac].Name, Ref: req.MaThamChieu, Dossier: req.ThongTinBienLai.MaHoSo,
		Payer: req.ThongTinBienLai.HoTenNguoiNop, Amount: formatVND(req.SoTien),
		Pending: c.TrangThaiGD == StatusPending, Status: statusText(c.TrangThaiGD), Action: s.payURL(id),
	}
	for _, l := range req.ThongTinBienLai.ChiTiet {
		v.Lines = append(v.Lines, lineView{l.NoiDung, formatVND(l.SoTien)})
	}
	writePage(w, http.StatusOK, pageData{Title: "Thanh toán phí, lệ phí", Tx: v})
}

func writePage(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, d) // the citizen is gone if this fails
}

func notFound(w http.ResponseWriter, id string) {
	writePage(w, http.StatusNotFound, pageData{Title: "Không tìm thấy giao dịch", Message: "Mã giao dịch " + id + " không tồn tại."})
}

func statusText(state string) string {
	switch state {
	case StatusSuccess:
		return "Giao dịch đã được thanh toán thành công."
	case StatusFailed:
		return "Giao dịch đã bị hủy."
	}
	return "Giao dịch đang chờ thanh toán."
}

// formatVND writes 150000 as "150.000 ₫", the Vietnamese convention.
func formatVND(n int64) string {
	digits := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	return sign + b.String() + " ₫"
}
