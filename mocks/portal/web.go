package portal

import (
	"bytes"
	"crypto/rand"
	"errors"
	"log"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/dvcqa/dvcqa/mocks/internal/retain"
	api "github.com/dvcqa/dvcqa/mocks/portal/internal/wire"
)

// The web front (docs/web.md): server-rendered Vietnamese pages for
// citizens, beside the JSON API on the same mux. Pages call the same
// functions as the API (form, check, submitOnce, startPayment, resultOf),
// so business rules and seeded defects have a single home.

// webFront is the web's own state: sessions and the SSO's endpoints.
type webFront struct {
	base     string // path of BaseURL ("" at the root): prefix of every link, redirect and cookie path
	clientID string // SSO client of the web login
	secure   bool   // BaseURL is https: cookies get Secure
	key      []byte // signs the short-lived login-state cookie

	mu       sync.Mutex
	sessions map[string]*webSession
	order    retain.Order[string] // session ids, oldest first
	maxSess  int
	sessBusy time.Duration  // a session used this recently is not evicted for the bound
	provider *oidc.Provider // discovered on the first login: the SSO may start after the portal
}

func newWebFront(opts Options) (*webFront, error) {
	u, err := url.Parse(opts.BaseURL)
	if err != nil {
		return nil, errors.New("portal: BaseURL is not a URL: " + err.Error())
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &webFront{
		base: strings.TrimSuffix(u.Path, "/"), clientID: opts.WebClientID, secure: u.Scheme == "https",
		key: key, sessions: map[string]*webSession{}, maxSess: opts.Retention.withDefaults().MaxSessions,
		sessBusy: time.Minute,
	}, nil
}

// cookiePath scopes cookies to this portal: provinces share one host in
// the world, and each has its own sessions.
func (f *webFront) cookiePath() string {
	if f.base == "" {
		return "/"
	}
	return f.base
}

// webRoutes adds the pages to the portal's mux.
func (s *Server) webRoutes(m *http.ServeMux) {
	handle := func(pattern string, h http.HandlerFunc) { m.Handle(pattern, s.recoverPages(h)) }
	handle("GET /{$}", s.pageHome)
	handle("GET /dich-vu/{id}", s.pageService)
	handle("GET /dang-nhap", s.pageLogin)
	handle("GET /auth/callback", s.pageCallback)
	handle("POST /dang-xuat", s.pageLogout)
	handle("GET /ho-so", s.loggedIn(s.pageDossiers))
	handle("GET /ho-so/{id}", s.loggedIn(s.pageDossier))
	// /ho-so/moi/{service} and /ho-so/{dossier}/ket-qua overlap as
	// patterns (ServeMux would refuse both), so one route dispatches.
	handle("GET /ho-so/{a}/{b}", s.loggedIn(s.dossierSubpage))
	handle("POST /ho-so/{a}/{b}", s.loggedIn(s.dossierSubpage))
	handle("GET /payment/return", s.pagePaymentReturn)
}

// dossierSubpage dispatches /ho-so/{a}/{b}, setting the path value "id".
func (s *Server) dossierSubpage(w http.ResponseWriter, r *http.Request, c citizen) {
	a, b := r.PathValue("a"), r.PathValue("b")
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	id := b
	if a != "moi" {
		id = a
	}
	r.SetPathValue("id", id)
	switch {
	case a == "moi" && get:
		s.pageForm(w, r, c)
	case a == "moi":
		s.postForm(w, r, c)
	case b == "ket-qua" && get:
		s.pageResult(w, r, c)
	case b == "ket-qua.pdf" && get:
		s.downloadResult(w, r, c)
	case b == "thanh-toan" && !get:
		s.postPay(w, r, c)
	default:
		s.notFound(w, r)
	}
}

// notFoundAny answers paths nobody serves: JSON under /api/, a page elsewhere.
func (s *Server) notFoundAny(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeError(w, http.StatusNotFound, api.CodeNotFound, "no such endpoint", "Không tìm thấy địa chỉ yêu cầu")
		return
	}
	s.notFound(w, r)
}

// page is what the layout needs; Data is the page's own content.
type page struct {
	Title    string
	Portal   string
	Base     string
	User     *citizen
	LoginURL string
	Refresh  bool
	Data     any
}

// render writes a page, buffered so that a template failure becomes a
// clean 500 page instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	p := page{Title: title, Portal: "Cổng dịch vụ công " + s.opts.Province.NameVI, Base: s.web.base, Data: data}
	if c, ok := s.currentCitizen(r); ok {
		p.User = &c
	}
	// The login link comes back to this page, unless this page is part of
	// a login (coming back there would replay a used code) or a POST.
	next := "/"
	if r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/auth/") && r.URL.Path != "/dang-nhap" {
		next = r.URL.RequestURI()
	}
	p.LoginURL = s.web.base + "/dang-nhap?next=" + url.QueryEscape(next)
	if rd, ok := data.(interface{ refresh() bool }); ok {
		p.Refresh = rd.refresh()
	}
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		log.Printf("portal %s: render %s: %v", s.opts.Province.Code, name, err)
		if name != "error" {
			s.render(w, r, http.StatusInternalServerError, "error", "Lỗi hệ thống", errorPage{Message: msgInternal})
			return
		}
		http.Error(w, "Lỗi hệ thống", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // pages show personal data
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

const msgInternal = "Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút."

// errorPage is the content of the error page.
type errorPage struct {
	Message  string
	LinkURL  string // "" = back to the home page
	LinkText string
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, title string, e errorPage) {
	s.render(w, r, status, "error", title, e)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "Không tìm thấy trang", errorPage{
		Message: "Trang hoặc hồ sơ bạn tìm không tồn tại, hoặc bạn không có quyền xem."})
}

// renderAPIError shows a refusal of the shared logic as a page; the
// internal-error case never shows details.
func (s *Server) renderAPIError(w http.ResponseWriter, r *http.Request, e *api.APIError) {
	switch {
	case e.Status == http.StatusNotFound:
		s.renderError(w, r, http.StatusNotFound, "Không tìm thấy", errorPage{Message: e.MessageVI})
	case e.Status >= 500 && e.Status != http.StatusBadGateway:
		s.renderError(w, r, http.StatusInternalServerError, "Lỗi hệ thống", errorPage{Message: msgInternal})
	case e.Status == http.StatusBadGateway:
		s.renderError(w, r, e.Status, "Hệ thống liên quan đang gián đoạn", errorPage{Message: e.MessageVI})
	default:
		s.renderError(w, r, e.Status, "Không thực hiện được yêu cầu", errorPage{Message: e.MessageVI})
	}
}

// recoverPages turns a panic in a page handler into the 500 page, without
// the stack: citizens never see internals.
func (s *Server) recoverPages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Printf("portal %s: panic serving %s: %v", s.opts.Province.Code, r.URL.Path, v)
				s.renderError(w, r, http.StatusInternalServerError, "Lỗi hệ thống", errorPage{Message: msgInternal})
			}
		}()
		next.ServeHTTP(w, r)
	})
}
