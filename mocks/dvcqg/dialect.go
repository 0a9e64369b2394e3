package dvcqg

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	"github.com/dvcqa/dvcqa/vocab"
)

// The mock speaks one dialect, chosen in Options.Dialect (vocab.Dialects;
// docs/dialects-dvcqg.md). The services' rules are the same in each; a
// dialect is the URLs, the request shapes and the answer shapes:
//
//   - envelope: POST /api/session, POST /api/service {session, madonvi,
//     service, …}; replies {error_code (number), message, session, result}.
//   - opencps, as VietOpenCPS/opencps-v2's DVCQGIntegrationActionImpl calls
//     it: POST /adapter/auth, writes to /adapter/integration, reads to
//     /adapter/share (OpenCPS's auth_endpoint, integration_endpoint and
//     share_endpoint, paths unverified); error_code a string ("0"; a
//     duplicate "-3"); TraCuuHoSo, LayDanhSachTTHC and LayThuTuc answer
//     result as an array, an unknown dossier or procedure as "0" with [];
//     procedures with upper-case keys.
//   - rest: one URL per operation under /api/SynsTTHCC/ (unverified but
//     for DongBoHoSoMC?MaDinhDanhDV=…&isUpdating=…, seen in a Hà Giang
//     system), bare JSON arrays as bodies, the session in a "session"
//     header, madonvi as MaDinhDanhDV; reads answer a bare array, writes
//     and errors {error_code (number), message}.
const (
	opencpsAuth        = "/adapter/auth"
	opencpsIntegration = "/adapter/integration"
	opencpsShare       = "/adapter/share"
	restBase           = "/api/SynsTTHCC/"
)

var (
	opencpsWrites = []string{serviceSync, serviceProgress}
	opencpsReads  = []string{serviceLookup, serviceProcedures, serviceProcedure}
)

func (s *Server) routes() {
	switch s.dialect {
	case vocab.DialectDVCQGOpenCPS:
		s.mux.HandleFunc("POST "+opencpsAuth, func(w http.ResponseWriter, r *http.Request) {
			if raw, okJSON := readJSON(w, r); okJSON {
				httpx.JSON(w, http.StatusOK, opencpsAnswer(s.login(r, raw)))
			}
		})
		s.mux.HandleFunc("POST "+opencpsIntegration, s.handleOpenCPS(opencpsWrites))
		s.mux.HandleFunc("POST "+opencpsShare, s.handleOpenCPS(opencpsReads))
	case vocab.DialectDVCQGRest:
		s.mux.HandleFunc("POST "+restBase+"Login", func(w http.ResponseWriter, r *http.Request) {
			if raw, okJSON := readJSON(w, r); okJSON {
				httpx.JSON(w, http.StatusOK, s.login(r, raw))
			}
		})
		s.mux.HandleFunc("POST "+restBase+"{service}", s.handleRestWrite)
		s.mux.HandleFunc("GET "+restBase+"{service}", s.handleRestRead)
	default:
		s.mux.HandleFunc("POST /api/session", s.handleSession)
		s.mux.HandleFunc("POST /api/service", s.handleService)
	}
}

// envelopeThuTuc is a procedure as the envelope dialect lists it.
type envelopeThuTuc struct{ MaTTHC, TenTTHC string }

// envelopeAnswer is r as the envelope dialect writes it.
func envelopeAnswer(r reply) reply {
	if list, isList := r.Result.([]ThuTuc); isList {
		out := make([]envelopeThuTuc, 0, len(list))
		for _, p := range list {
			out = append(out, envelopeThuTuc{p.MaTTHC, p.TenTTHC})
		}
		r.Result = out
	}
	return r
}

// opencpsReply is the envelope with error_code as a string.
type opencpsReply struct {
	ErrorCode string `json:"error_code"`
	Message   string `json:"message"`
	Session   string `json:"session,omitempty"`
	Result    any    `json:"result,omitempty"`
}

// opencpsThuTuc is a procedure with OpenCPS's upper-case keys.
type opencpsThuTuc struct {
	MaTTHC  string           `json:"MATTHC"`
	TenTTHC string           `json:"TENTTHC"`
	LinhVuc []opencpsLinhVuc `json:"LINHVUCTHUCHIEN,omitempty"`
}

type opencpsLinhVuc struct {
	MaLinhVuc  string `json:"MALINHVUC"`
	TenLinhVuc string `json:"TENLINHVUC"`
}

// opencpsAnswer is r as OpenCPS reads it.
func opencpsAnswer(r reply) opencpsReply {
	code := strconv.Itoa(int(r.ErrorCode))
	if r.ErrorCode == codeDuplicate {
		code = "-3" // OpenCPS treats 3 and -3 alike; this dialect answers -3
	}
	out := opencpsReply{ErrorCode: code, Message: r.Message, Session: r.Session}
	switch v := r.Result.(type) {
	case HoSo:
		out.Result = []HoSo{v}
	case []ThuTuc:
		list := make([]opencpsThuTuc, 0, len(v))
		for _, p := range v {
			list = append(list, opencpsThuTuc{MaTTHC: p.MaTTHC, TenTTHC: p.TenTTHC})
		}
		out.Result = list
	case ThuTuc:
		out.Result = []opencpsThuTuc{{MaTTHC: v.MaTTHC, TenTTHC: v.TenTTHC,
			LinhVuc: []opencpsLinhVuc{{MaLinhVuc: v.MaLinhVuc, TenLinhVuc: v.TenLinhVuc}}}}
	case nil:
	default:
		out.Result = v
	}
	if r.notFound {
		// Found ⇔ a non-empty array: unknown is success with []. A wrong
		// code (seeded defect) stays a failure, still with [].
		out.Result = []struct{}{}
		if r.ErrorCode == codeFailed {
			out.ErrorCode = "0"
		}
	}
	return out
}

// handleOpenCPS runs an enveloped body at one of OpenCPS's endpoints.
func (s *Server) handleOpenCPS(served []string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		raw, okJSON := readJSON(w, r)
		if !okJSON {
			return
		}
		if rep, wrong := s.opencpsDstCode(r, raw); wrong {
			httpx.JSON(w, http.StatusOK, opencpsAnswer(rep))
			return
		}
		httpx.JSON(w, http.StatusOK, opencpsAnswer(s.dispatch(raw, served)))
	}
}

// opencpsDstCode refuses a call of a live session whose dstcode header is
// not its account's: OpenCPS sends the header on every call, not only at
// login. An unknown session is left to dispatch (invalid session).
func (s *Server) opencpsDstCode(r *http.Request, raw []byte) (reply, bool) {
	var env struct {
		Session string `json:"session"`
	}
	if json.Unmarshal(raw, &env) != nil {
		return reply{}, false
	}
	a, live := s.account(env.Session)
	if dst := r.Header.Get("dstcode"); live && dst != a.DstCode {
		return fail(codeFailed, "Mã hệ thống (dstcode) %q không khớp với tài khoản %s", dst, a.Username), true
	}
	return reply{}, false
}

// restWrites and restReads are the services at POST and GET /api/SynsTTHCC/{service}.
var (
	restWrites = []string{serviceSync, serviceProgress}
	restReads  = []string{serviceLookup, serviceProcedures, serviceProcedure}
)

// handleRestWrite is POST /api/SynsTTHCC/{service}?MaDinhDanhDV=…[&isUpdating=…]
// with a bare JSON array.
func (s *Server) handleRestWrite(w http.ResponseWriter, r *http.Request) {
	service := r.PathValue("service")
	raw, okJSON := readJSON(w, r)
	if !okJSON {
		return
	}
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '[' {
		httpx.JSON(w, http.StatusOK, fail(codeFailed, "Nội dung yêu cầu phải là một mảng JSON"))
		return
	}
	q := r.URL.Query()
	fields := map[string]any{"data": json.RawMessage(raw)}
	if service == serviceSync {
		fields["isUpdating"] = q.Get("isUpdating")
	}
	body, err := json.Marshal(fields)
	if err != nil {
		httpx.JSON(w, http.StatusInternalServerError, fail(codeFailed, "%v", err))
		return
	}
	httpx.JSON(w, http.StatusOK, s.serve(r.Header.Get("session"), q.Get("MaDinhDanhDV"), service, body, restWrites))
}

// handleRestRead is GET /api/SynsTTHCC/{service}?MaDinhDanhDV=…&MaHoSo=… (or
// MaTTHC=…); a success is a bare array.
func (s *Server) handleRestRead(w http.ResponseWriter, r *http.Request) {
	service := r.PathValue("service")
	q := r.URL.Query()
	body, err := json.Marshal(map[string]string{"MaHoSo": q.Get("MaHoSo"), "maTTHC": q.Get("MaTTHC")})
	if err != nil {
		httpx.JSON(w, http.StatusInternalServerError, fail(codeFailed, "%v", err))
		return
	}
	rep := s.serve(r.Header.Get("session"), q.Get("MaDinhDanhDV"), service, body, restReads)
	switch {
	case rep.notFound && rep.ErrorCode == codeFailed:
		httpx.JSON(w, http.StatusOK, []struct{}{})
	case rep.ErrorCode != codeOK:
		httpx.JSON(w, http.StatusOK, reply{ErrorCode: rep.ErrorCode, Message: rep.Message})
	default:
		switch v := rep.Result.(type) {
		case HoSo:
			httpx.JSON(w, http.StatusOK, []HoSo{v})
		case ThuTuc:
			httpx.JSON(w, http.StatusOK, []ThuTuc{v})
		default:
			httpx.JSON(w, http.StatusOK, v)
		}
	}
}
