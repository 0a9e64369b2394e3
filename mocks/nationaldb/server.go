// Package nationaldb is a mock of one national database server (population,
// civil status, insurance, ...) as reached by the data-exchange gateway.
// One Server serves one fixtures.Database; the world starts one per database.
//
// Wire format (internal to gateway and databases, see docs/contracts.md):
// GET /records?{Key}={value} with X-Internal-Key → {"records":[...]};
// GET /healthz.
package nationaldb

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/mocks/internal/httplog"
	"github.com/dvcqa/dvcqa/mocks/internal/httpx"
	gwapi "github.com/dvcqa/dvcqa/mocks/internal/ndxp"
	"github.com/dvcqa/dvcqa/mocks/internal/retain"
)

// Options configure a Server.
type Options struct {
	DB          fixtures.Database
	Records     []map[string]string // flat records; copied by New
	InternalKey string              // expected X-Internal-Key, MockSecret(seed, "db-internal") in the world
	Defects     Defects             // seeded defects, read per request; nil = a correct database
	MaxLog      int                 // request log bound, newest kept; 0 = DefaultMaxLog
}

// DefaultMaxLog bounds the request log.
const DefaultMaxLog = 10000

// Server is an http.Handler serving one national database.
type Server struct {
	db          fixtures.Database
	internalKey string
	store       *store
	mux         *http.ServeMux
	defects     Defects

	mu    sync.Mutex
	down  bool
	delay time.Duration
	log   *retain.Log[Request]
}

// New indexes the records by each of the database's keys.
func New(opts Options) (*Server, error) {
	switch {
	case opts.DB.ID == "":
		return nil, errors.New("nationaldb: database without id")
	case len(opts.DB.Keys) == 0:
		return nil, errors.New("nationaldb " + opts.DB.ID + ": database without keys")
	case opts.InternalKey == "":
		// An open database would hide a gateway that forgets the key.
		return nil, errors.New("nationaldb " + opts.DB.ID + ": empty internal key")
	}
	st, err := newStore(opts.DB, opts.Records)
	if err != nil {
		return nil, err
	}
	db := opts.DB
	db.Keys, db.Fields = slices.Clone(db.Keys), slices.Clone(db.Fields)
	s := &Server{db: db, internalKey: opts.InternalKey, store: st, mux: http.NewServeMux(), defects: opts.Defects,
		log: retain.NewLog[Request](cmp.Or(opts.MaxLog, DefaultMaxLog))}
	s.mux.HandleFunc("/records", s.handleRecords)
	s.mux.HandleFunc("/healthz", s.handleHealth)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// Not "not_found": that code means "no record", and a gateway pointed at a
		// wrong path must not mistake it for an unknown person.
		httpx.Error(w, http.StatusNotFound, "no_such_endpoint", "no such endpoint", "Không có điểm cuối này", "")
	})
	return s, nil
}

// ServeHTTP serves the database and logs the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	entry := Request{At: time.Now(), Method: r.Method, Path: r.URL.Path, RequestID: r.Header.Get(gwapi.HeaderRequestID)}
	if q := r.URL.Query(); len(q) == 1 {
		for k, v := range q {
			entry.Key, entry.Value = k, v[0]
		}
	}
	entry.Status = httplog.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.isDown() {
			httpx.Error(w, http.StatusServiceUnavailable, "unavailable",
				"database "+s.db.ID+" is down", "Cơ sở dữ liệu "+s.db.ID+" không hoạt động", "")
			return
		}
		s.mux.ServeHTTP(w, r)
	}), w, r)
	s.mu.Lock()
	s.log.Add(entry)
	s.mu.Unlock()
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if !allowGet(w, r) {
		return
	}
	httpx.JSON(w, http.StatusOK, gwapi.Health{Status: "ok", System: "nationaldb", Version: "mock-1", Database: s.db.ID})
}

// allowGet answers 405 for anything but GET (and HEAD, which net/http
// derives from GET).
func allowGet(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	httpx.Error(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here", "Phương thức không được hỗ trợ", "")
	return false
}
