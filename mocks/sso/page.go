package sso

import (
	"bytes"
	"html/template"
	"net/http"
)

const pageTitle = "Đăng nhập - Tài khoản định danh điện tử VNeID (mô phỏng)"

// The pages are html/template: every value is escaped for its context.
var pages = template.Must(template.New("").Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: "Liberation Sans", Arial, sans-serif; background: #f3f4f6; margin: 0; }
main { max-width: 26rem; margin: 3rem auto; background: #fff; padding: 2rem; border-top: 4px solid #c8102e; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
label { display: block; margin-top: 1rem; font-weight: bold; }
input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }
button { margin-top: 1.5rem; width: 100%; padding: .6rem; font-size: 1rem; background: #c8102e; color: #fff; border: 0; }
.error { color: #b00020; background: #fdecea; padding: .5rem; }
.note { color: #555; font-size: .85rem; }
</style>
</head>
<body>
<main>
{{end}}

{{define "foot"}}<p class="note">Hệ thống mô phỏng phục vụ kiểm thử, không phải VNeID thật.</p>
</main>
</body>
</html>
{{end}}

{{define "login"}}{{template "head" .}}<h1>Đăng nhập</h1>
<p>Tài khoản định danh điện tử VNeID</p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>
{{end}}<form method="post" action="{{.Action}}">
{{range .Hidden}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<label for="username">Số định danh cá nhân</label>
<input type="text" id="username" name="username" value="{{.Username}}" inputmode="numeric" autocomplete="username" required>
<label for="password">Mật khẩu</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
{{if .Remember}}<label><input type="checkbox" id="chkRemember" name="chkRemember"> Ghi nhớ đăng nhập</label>
{{end}}<button type="submit">Đăng nhập</button>
</form>
{{template "foot" .}}{{end}}

{{define "message"}}{{template "head" .}}<h1>Đăng xuất</h1>
<p>{{.Error}}</p>
{{template "foot" .}}{{end}}

{{define "error"}}{{template "head" .}}<h1>Yêu cầu không hợp lệ</h1>
<p class="error" role="alert">{{.Error}}</p>
<p class="note" lang="en">Invalid request: {{.ErrorEN}}</p>
{{template "foot" .}}{{end}}
`))

type hiddenField struct{ Name, Value string }

type pageView struct {
	Title    string
	Action   string
	Hidden   []hiddenField
	Username string
	Error    string
	ErrorEN  string
	Remember bool // wso2: the "remember me" box (chkRemember) of WSO2's login page
}

// renderLogin shows the login form carrying the authorization request.
func (s *Server) renderLogin(w http.ResponseWriter, status int, req *authRequest, username, errMsg string) {
	v := pageView{Title: pageTitle, Action: s.base + "/login", Username: username, Error: errMsg}
	for _, k := range authParams {
		if req.params.Has(k) {
			v.Hidden = append(v.Hidden, hiddenField{k, req.params.Get(k)})
		}
	}
	s.render(w, status, "login", v)
}

func (s *Server) renderError(w http.ResponseWriter, status int, e *pageError) {
	s.render(w, status, "error", pageView{Title: "Lỗi - " + pageTitle, Error: e.vi, ErrorEN: e.en})
}

func (s *Server) render(w http.ResponseWriter, status int, name string, v pageView) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, v); err != nil {
		// Only a broken template gets here: a server bug, not bad input.
		http.Error(w, "template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
