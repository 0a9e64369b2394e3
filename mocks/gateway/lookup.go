package gateway

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
	"github.com/dvcqa/dvcqa/vocab"
)

// reply is a lookup's answer, kept apart from writing so the audit entry
// can record its outcome.
type reply struct {
	status int
	code   string // error code; "" on success
	body   any
}

func fail(status int, code, msg, msgVI, field string) reply {
	return reply{status: status, code: code, body: errorBody(code, msg, msgVI, field)}
}

// handleLookup serves GET /api/v1/{db}/records?{Key}={value}. Every call
// reaching it, refused or not, is audited.
func (s *Server) handleLookup(w http.ResponseWriter, r *http.Request) {
	if !allow(w, r, http.MethodGet) {
		return
	}
	e := s.auditEntry(w, r, r.PathValue("db"), r.Header.Get(gwapi.HeaderRequestID))
	e.Key, e.Value = auditQuery(r.URL.RawQuery)
	rep := s.audited(w, r, e, func(tok token, requestID string) reply { return s.lookup(r, tok, e.Database, requestID) })
	if rep.status == StatusClientGone {
		return // nobody is listening
	}
	httpx.JSON(w, rep.status, rep.body)
}

// auditEntry starts the audit entry of a lookup in db with the caller's
// request id (a fresh one when there is none), echoed in the answer.
func (s *Server) auditEntry(w http.ResponseWriter, r *http.Request, db, requestID string) gwapi.AuditEntry {
	e := gwapi.AuditEntry{
		At:        s.now().In(vocab.Vietnam),
		Database:  db,
		Purpose:   r.Header.Get(gwapi.HeaderPurpose),
		RequestID: requestID,
	}
	if e.RequestID == "" || s.defect(defectAuditRequestIDLost) { // seeded defect: the caller's id is lost
		e.RequestID = "gw-" + rand.Text() // so every audit entry can be correlated
	}
	w.Header().Set(gwapi.HeaderRequestID, e.RequestID)
	return e
}

// audited authenticates the caller, runs do as that client and writes the
// audit entry of the outcome.
func (s *Server) audited(w http.ResponseWriter, r *http.Request, e gwapi.AuditEntry, do func(tok token, requestID string) reply) reply {
	var rep reply
	tok, authErr := s.authenticate(r)
	if authErr != nil && s.defect(defectAuthBypass) {
		// Seeded defect: a lookup without a valid token is served anyway,
		// as an anonymous client allowed to read every database.
		tok, authErr = token{clientID: anonymousClient, scopes: s.dbOrder}, nil
	}
	if authErr != nil {
		w.Header().Set("WWW-Authenticate", bearerChallenge)
		rep = fail(http.StatusUnauthorized, "unauthenticated", authErr.msg, authErr.msgVI, "")
	} else {
		e.ClientID = tok.clientID
		rep = do(tok, e.RequestID)
	}

	e.Status, e.Code = rep.status, rep.code
	if !s.defect(defectAuditMissing) { // seeded defect: the lookup leaves no audit trace
		s.mu.Lock()
		s.audit.Add(e)
		s.mu.Unlock()
	}
	return rep
}

// lookup validates an authenticated request and forwards it.
func (s *Server) lookup(r *http.Request, tok token, dbID, requestID string) reply {
	db, ok := s.dbs[dbID]
	if !ok {
		return fail(http.StatusNotFound, "unknown_database",
			fmt.Sprintf("unknown database %q", dbID), fmt.Sprintf("Không có cơ sở dữ liệu %q", dbID), "")
	}
	if !slices.Contains(tok.scopes, dbID) {
		return fail(http.StatusForbidden, "forbidden",
			fmt.Sprintf("client %s may not read %s", tok.clientID, dbID),
			fmt.Sprintf("Ứng dụng %s không được phép khai thác %s", tok.clientID, dbID), "")
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return fail(http.StatusBadRequest, "invalid_request", "malformed query string", "Chuỗi truy vấn không hợp lệ", "")
	}
	key, value, err := gwapi.ParseLookupQuery(db.Keys, q)
	if qe, ok := errors.AsType[*gwapi.QueryError](err); ok {
		if s.defect(defectMalformed500) { // seeded defect: bad input is a crash
			return fail(http.StatusInternalServerError, "internal_error", "internal error", "Lỗi hệ thống", "")
		}
		return fail(http.StatusBadRequest, "invalid_request", qe.Message, qe.MessageVI, qe.Field)
	}
	if s.ndxp() && dbID == ndxpDatabase && key == personalIDKey {
		// The ndxp gateway asks the population database by ID, name and
		// date of birth together (POST .../query), never by the ID alone.
		return fail(http.StatusNotFound, "no_such_endpoint",
			"population is queried by POST /api/v1/population/query with SoDinhDanh, HoVaTen and NgayThangNamSinh or Nam (ndxp)",
			"Tra cứu dân cư qua POST /api/v1/population/query với SoDinhDanh, HoVaTen và NgayThangNamSinh hoặc Nam", "")
	}
	return s.forward(r, dbID, key, value, requestID)
}

// auditQuery names what was asked for, even when the query is malformed:
// the single parameter, or the parameter names when there are several.
func auditQuery(raw string) (key, value string) {
	q, _ := url.ParseQuery(raw) // keeps what parsed
	if len(q) == 1 {
		for k, v := range q {
			return k, strings.Join(v, ",")
		}
	}
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ","), ""
}
