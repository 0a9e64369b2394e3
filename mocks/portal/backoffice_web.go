package portal

import (
	"bytes"
	"html/template"
	"log"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// The officers' pages (docs/officers.md, "Web pages"): server-rendered
// Vietnamese pages in the citizens' layout (its "brand" and "nav" blocks
// replaced), over the same functions as the back office's API (login,
// officerList, actOnce), so both drive the same rules.

// officerCookie holds the officer's session id, scoped to the back office.
const officerCookie = "phien-can-bo"

// backofficePages are the back office's templates, each parsed with the
// shared layout and the back office's header.
var backofficePages = func() map[string]*template.Template {
	funcs := template.FuncMap{"money": formatMoney, "datetime": formatDateTime, "statusVI": statusText,
		"iso": func(t time.Time) string { return t.Format(time.RFC3339) }} // machine-readable, for <time datetime>
	out := map[string]*template.Template{}
	for _, name := range []string{"login", "list", "dossier", "error"} {
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/backoffice_layout.html", "templates/backoffice_"+name+".html"))
	}
	return out
}()

// boCommon is what every back-office page has: the officer logged in (nil
// on the login page) and the back office's path.
type boCommon struct {
	Officer *officerInfo
	Home    string
}

type boLoginPage struct {
	boCommon
	Error, Next, Username string
}

type boOption struct {
	Value, Label string
	Selected     bool
}

type boRow struct {
	officerDossier
	NameVI string
}

type boListPage struct {
	boCommon
	Filter string
	States []boOption
	Rows   []boRow
}

type boButton struct {
	Action, Label string
	Secondary     bool // request_documents and refuse: not the main way on
}

type boDossierPage struct {
	boCommon
	Item         officerDossier
	NameVI       string
	Fee          int64
	Paid         bool
	Done, Failed string // after an action: what was done, or why not
	Key          string // the form's idempotency key: a double submission acts once
	Buttons      []boButton
	Chain        []api.ChainLink
}

type boErrorPage struct {
	boCommon
	Message string
}

// listStates are the states the list can be filtered by.
var listStates = []string{api.StatusSubmitted, api.StatusPaymentRequired, api.StatusAccepted, api.StatusProcessing,
	statusSupplementRequested, api.StatusFinished, api.StatusDelivered, statusRejected, api.StatusWithdrawn}

func (s *Server) backofficeWebRoutes(m *http.ServeMux) {
	handle := func(pattern string, h http.HandlerFunc) { m.Handle(pattern, s.recoverPages(h)) }
	handle("GET /backoffice/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, s.back.base+"/ho-so", http.StatusSeeOther)
	})
	handle("GET /backoffice/dang-nhap", s.pageOfficerLogin)
	handle("POST /backoffice/dang-nhap", s.postOfficerLogin)
	handle("GET /backoffice/dang-xuat", s.pageOfficerLogout)
	handle("POST /backoffice/dang-xuat", s.pageOfficerLogout)
	handle("GET /backoffice/ho-so", s.officerPage(s.pageOfficerList))
	handle("GET /backoffice/ho-so/{code}", s.officerPage(s.pageOfficerDossier))
	handle("POST /backoffice/ho-so/{code}", s.officerPage(s.postOfficerAction))
}

func (s *Server) boCommon(loggedIn bool) boCommon {
	c := boCommon{Home: s.back.base}
	if loggedIn {
		info := s.officerInfo()
		c.Officer = &info
	}
	return c
}

// renderOffice writes a back-office page, buffered like the citizens'.
func (s *Server) renderOffice(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	p := page{Title: title, Portal: "Một cửa điện tử " + s.opts.Province.NameVI, Base: s.web.base, Data: data}
	var buf bytes.Buffer
	if err := backofficePages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		log.Printf("portal %s: render backoffice %s: %v", s.opts.Province.Code, name, err)
		http.Error(w, "Lỗi hệ thống", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

func (s *Server) officerSessionID(r *http.Request) string {
	if ck, err := r.Cookie(officerCookie); err == nil {
		return ck.Value
	}
	return ""
}

// officerPage wraps a page that needs an officer: without a session, 303
// to the login page, which comes back here (a POST comes back to the list).
func (s *Server) officerPage(h func(http.ResponseWriter, *http.Request, officer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.back.session(s.officerSessionID(r)) {
			next := s.back.base + "/ho-so"
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				next = s.web.base + r.URL.RequestURI()
			}
			http.Redirect(w, r, s.back.base+"/dang-nhap?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		h(w, r, s.back.account.officer)
	}
}

// officerNext is where a login goes on: a back-office page, nothing else (no
// open redirect).
func (s *Server) officerNext(next string) string {
	if strings.HasPrefix(next, s.back.base+"/") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return s.back.base + "/ho-so"
}

func (s *Server) pageOfficerLogin(w http.ResponseWriter, r *http.Request) {
	s.renderOffice(w, r, http.StatusOK, "login", "Đăng nhập cán bộ",
		boLoginPage{boCommon: s.boCommon(false), Next: s.officerNext(r.URL.Query().Get("next"))})
}

func (s *Server) postOfficerLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.renderOffice(w, r, http.StatusBadRequest, "login", "Đăng nhập cán bộ",
			boLoginPage{boCommon: s.boCommon(false), Error: "Dữ liệu gửi lên không hợp lệ."})
		return
	}
	user, next := r.PostForm.Get("username"), s.officerNext(r.PostForm.Get("next"))
	id, exp, err := s.back.login(user, r.PostForm.Get("password"))
	if err != nil {
		s.renderOffice(w, r, http.StatusUnauthorized, "login", "Đăng nhập cán bộ", boLoginPage{boCommon: s.boCommon(false),
			Error: "Sai tên đăng nhập hoặc mật khẩu.", Next: next, Username: user})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: officerCookie, Value: id, Path: s.back.base, Expires: exp,
		HttpOnly: true, Secure: s.back.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) pageOfficerLogout(w http.ResponseWriter, r *http.Request) {
	s.back.logout(s.officerSessionID(r))
	http.SetCookie(w, &http.Cookie{Name: officerCookie, Value: "", Path: s.back.base, MaxAge: -1,
		HttpOnly: true, Secure: s.back.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, s.back.base+"/dang-nhap", http.StatusSeeOther)
}

func (s *Server) pageOfficerList(w http.ResponseWriter, r *http.Request, _ officer) {
	filter := r.URL.Query().Get("trang-thai")
	if !slices.Contains(listStates, filter) {
		filter = ""
	}
	data := boListPage{boCommon: s.boCommon(true), Filter: filter}
	for _, st := range listStates {
		data.States = append(data.States, boOption{Value: st, Label: statusText(st), Selected: st == filter})
	}
	s.mu.Lock()
	for _, it := range s.officerList(filter) {
		row := boRow{officerDossier: it}
		if d := s.byCode[it.Code]; d != nil {
			row.NameVI = d.nameVI
		}
		data.Rows = append(data.Rows, row)
	}
	s.mu.Unlock()
	title := "Danh sách hồ sơ"
	if filter != "" {
		title += ": " + statusText(filter)
	}
	s.renderOffice(w, r, http.StatusOK, "list", title, data)
}

func (s *Server) pageOfficerDossier(w http.ResponseWriter, r *http.Request, _ officer) {
	code := r.PathValue("code")
	s.mu.Lock()
	d := s.byCode[code]
	var data boDossierPage
	if d != nil {
		s.touch(d)
		data = boDossierPage{boCommon: s.boCommon(true), Item: s.officerItem(d, true), NameVI: d.nameVI, Fee: d.fee, Paid: d.paid,
			Key: randomID() + randomID()}
		for _, c := range d.children {
			data.Chain = append(data.Chain, api.ChainLink{Step: c.step, NameVI: c.nameVI, ServiceID: c.serviceID, Code: c.code, Status: c.status})
		}
	}
	s.mu.Unlock()
	if d == nil {
		s.renderOffice(w, r, http.StatusNotFound, "error", "Không tìm thấy hồ sơ",
			boErrorPage{boCommon: s.boCommon(true), Message: "Không có hồ sơ mã " + code + " trong hệ thống."})
		return
	}
	q := r.URL.Query()
	if a := q.Get("da-lam"); actionDone[a] != "" {
		data.Done = actionDone[a] + "."
	}
	if a := q.Get("khong-duoc"); actionLabels[a] != "" {
		data.Failed = "Không thực hiện được thao tác “" + actionLabels[a] + "” với hồ sơ ở trạng thái hiện tại."
	}
	for _, a := range data.Item.Actions {
		data.Buttons = append(data.Buttons, boButton{Action: a, Label: actionLabels[a],
			Secondary: a == actRequestDocuments || a == actRefuse})
	}
	s.renderOffice(w, r, http.StatusOK, "dossier", "Hồ sơ "+code, data)
}

// postOfficerAction takes the form's action and redirects to the dossier's
// page (POST-redirect-GET), which says what was done or why not.
func (s *Server) postOfficerAction(w http.ResponseWriter, r *http.Request, by officer) {
	code := r.PathValue("code")
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.renderOffice(w, r, http.StatusBadRequest, "error", "Không thực hiện được thao tác",
			boErrorPage{boCommon: s.boCommon(true), Message: "Dữ liệu gửi lên không hợp lệ."})
		return
	}
	action := r.PostForm.Get("thao-tac")
	key := ""
	if k := r.PostForm.Get("khoa"); k != "" && len(k) <= 64 {
		key = "web:" + k
	}
	page := s.back.base + "/ho-so/" + url.PathEscape(code)
	_, _, e := s.actOnce(code, key, officerActionRequest{Action: action, Note: r.PostForm.Get("ghi-chu")}, by)
	switch {
	case e == nil:
		http.Redirect(w, r, page+"?da-lam="+url.QueryEscape(action), http.StatusSeeOther)
	case e.Status == http.StatusNotFound:
		s.renderOffice(w, r, http.StatusNotFound, "error", "Không tìm thấy hồ sơ",
			boErrorPage{boCommon: s.boCommon(true), Message: "Không có hồ sơ mã " + code + " trong hệ thống."})
	default: // not allowed now, or an unknown action: say so on the page
		http.Redirect(w, r, page+"?khong-duoc="+url.QueryEscape(action), http.StatusSeeOther)
	}
}
