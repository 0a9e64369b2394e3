package world

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/dvcqa/dvcqa/mocks/defects"
)

// defectsBody is the admin endpoint's JSON: the switches in force.
type defectsBody struct {
	Defects []string `json:"defects"`
}

// NewAdminToken makes a random admin token (128 bits, hex): the default
// when Options.AdminToken is empty, so no two worlds share one.
func NewAdminToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// mountAdmin serves GET/PUT /admin/defects, so QA can switch seeded defects
// of a running world on and off. A world left running for a team may be
// reachable by others, so every /admin/ path wants the world's admin token
// as a bearer token (RFC 6750), and says so with a challenge when it is
// missing or wrong.
func (w *World) mountAdmin(mux *http.ServeMux) {
	mux.Handle("GET /admin/defects", w.adminOnly(func(rw http.ResponseWriter, _ *http.Request) {
		writeJSON(rw, w.defectList())
	}))
	mux.Handle("PUT /admin/defects", w.adminOnly(func(rw http.ResponseWriter, r *http.Request) {
		var body defectsBody
		if err := json.NewDecoder(http.MaxBytesReader(rw, r.Body, 1<<16)).Decode(&body); err != nil {
			rw.WriteHeader(http.StatusBadRequest)
			writeJSON(rw, map[string]any{"error": map[string]string{"code": "invalid_request", "message": "want {\"defects\": [\"name[:param][@scope]\", ...]}"}})
			return
		}
		var list []defects.Switch
		for _, s := range body.Defects {
			sw, err := defects.Parse(s)
			if err != nil {
				rw.WriteHeader(http.StatusUnprocessableEntity)
				writeJSON(rw, map[string]any{"error": map[string]string{"code": "unknown_defect", "message": err.Error()}})
				return
			}
			list = append(list, sw)
		}
		w.Defects.Replace(list)
		writeJSON(rw, w.defectList())
	}))
	// Any other /admin/ path is refused the same way before it is told
	// apart from a missing one, so probing reveals nothing.
	mux.Handle("/admin/", w.adminOnly(http.NotFound))
}

// adminOnly answers 401 with a Bearer challenge unless the request carries
// the world's admin token.
func (w *World) adminOnly(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if !w.adminAuthorized(r) {
			challenge := `Bearer realm="dvcqa-mock-admin"`
			if r.Header.Get("Authorization") != "" {
				challenge += `, error="invalid_token"`
			}
			rw.Header().Set("WWW-Authenticate", challenge)
			rw.WriteHeader(http.StatusUnauthorized)
			writeJSON(rw, map[string]any{"error": map[string]string{"code": "unauthorized",
				"message":    "the admin endpoints want Authorization: Bearer <admin token> (printed by dvcqa mock serve)",
				"message_vi": "cần mã quản trị (Authorization: Bearer <mã>) do dvcqa mock serve in ra"}})
			return
		}
		h(rw, r)
	})
}

func (w *World) adminAuthorized(r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || w.adminToken == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(w.adminToken)) == 1
}

// AdminToken is the bearer token /admin/* wants. Print it to the person
// who started the world, never into a report.
func (w *World) AdminToken() string { return w.adminToken }

func (w *World) defectList() defectsBody {
	out := defectsBody{Defects: []string{}}
	for _, sw := range w.Defects.List() {
		out.Defects = append(out.Defects, sw.String())
	}
	return out
}

// DefectSet parses switches ("name[:param][@scope]", blanks ignored) into a
// set for Options.Defects.
func DefectSet(switches ...string) (*defects.Set, error) {
	var list []defects.Switch
	for _, s := range switches {
		parsed, err := defects.ParseList(s)
		if err != nil {
			return nil, err
		}
		list = append(list, parsed...)
	}
	return defects.NewSet(list...), nil
}
