package portal

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
)

// The back office (docs/officers.md): the officers' side of the one-stop
// system (Một cửa điện tử), a JSON API under /backoffice/api/v1 and
// Vietnamese pages under /backoffice. In manual mode (Options.Officers) it
// is the only way a dossier moves; every action goes through the same
// transitions as the automatic officers (workflow.go).

// Officer modes (Options.Officers).
const (
	OfficersAutomatic = "automatic" // the portal's synthetic officers process every dossier on the world clock
	OfficersManual    = "manual"    // a dossier moves only when an officer acts in the back office
)

// States off the catalog's workflows that only officers lead to.
const (
	statusRejected            = "rejected"             // từ chối
	statusSupplementRequested = "supplement_requested" // yêu cầu bổ sung
)

// officerSessionTTL is how long an officer's login lasts, in real time
// like the citizens' sessions: the world clock runs too fast for a person.
const officerSessionTTL = time.Hour

// maxOfficerSessions and maxOfficerIdem bound the back office's memory on
// a long-running mock.
const (
	maxOfficerSessions = 1000
	maxOfficerIdem     = 1000
)

// manual reports whether officers act only through the back office.
func (s *Server) manual() bool { return s.opts.Officers == OfficersManual }

func checkOfficers(mode string) error {
	switch mode {
	case "", OfficersAutomatic, OfficersManual:
		return nil
	}
	return fmt.Errorf("portal: Officers %q: want %q or %q", mode, OfficersAutomatic, OfficersManual)
}

// officerAccount is the province's one officer login, canbo.<code>.
type officerAccount struct {
	username, password string
	officer            // name, title and unit in history entries; note unused
}

// OfficerUsername is the officer account of a province (docs/officers.md).
func OfficerUsername(province string) string { return "canbo." + province }

// newOfficerAccount names the province's officer: synthetic, stable for the
// province (the same hash as the automatic officers' names).
func newOfficerAccount(p fixtures.Province, password string) officerAccount {
	h := fnv.New32a()
	fmt.Fprint(h, "officer|", p.Code)
	n := h.Sum32()
	name := familyNames[n%uint32(len(familyNames))] + " " +
		middleNames[(n/16)%uint32(len(middleNames))] + " " +
		givenNames[(n/256)%uint32(len(givenNames))]
	if password == "" { // nobody can log in: no password was given
		password = randomID() + randomID()
	}
	return officerAccount{username: OfficerUsername(p.Code), password: password, officer: officer{
		name:  name,
		title: "Công chức một cửa",
		unit:  "Bộ phận Một cửa - Trung tâm Phục vụ hành chính công " + p.NameVI,
	}}
}

// officerOffice is a dossier's back-office state. Guarded by Server.mu.
type officerOffice struct {
	approved bool          // phê duyệt given; sign is allowed
	signed   *issuedResult // issued at sign, handed to the citizen at return
}

// backOffice holds the officers' sessions and idempotent answers.
type backOffice struct {
	account officerAccount
	base    string // path of the back office: the portal's base + "/backoffice"
	secure  bool
	now     func() time.Time // real time, for session expiry; tests move it

	mu        sync.Mutex
	sessions  map[string]time.Time // token (API) or cookie value (web) → expiry, real time
	idem      map[officerIdemKey]*officerIdem
	idemOrder []officerIdemKey // oldest first
}

func newBackOffice(opts Options, f *webFront) (*backOffice, error) {
	if err := checkOfficers(opts.Officers); err != nil {
		return nil, err
	}
	return &backOffice{
		account: newOfficerAccount(opts.Province, opts.OfficerPassword),
		base:    f.base + "/backoffice", secure: f.secure, now: time.Now,
		sessions: map[string]time.Time{}, idem: map[officerIdemKey]*officerIdem{},
	}, nil
}

// errBadLogin: a wrong username or password.
var errBadLogin = errors.New("wrong username or password")

// login checks the credentials and opens a session; its id is the API's
// bearer token and the web's cookie value.
func (b *backOffice) login(username, password string) (id string, expires time.Time, err error) {
	if username != b.account.username || !secretEqual(password, b.account.password) {
		return "", time.Time{}, errBadLogin
	}
	id = randomID() + randomID() // 128 bits
	now := b.now()
	expires = now.Add(officerSessionTTL)
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, exp := range b.sessions {
		if !now.Before(exp) {
			delete(b.sessions, k)
		}
	}
	if len(b.sessions) >= maxOfficerSessions { // drop the one ending first
		var oldest string
		for k, exp := range b.sessions {
			if oldest == "" || exp.Before(b.sessions[oldest]) {
				oldest = k
			}
		}
		delete(b.sessions, oldest)
	}
	b.sessions[id] = expires
	return id, expires, nil
}

// session reports whether id is a live session.
func (b *backOffice) session(id string) bool {
	if id == "" {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	exp, ok := b.sessions[id]
	if ok && !b.now().Before(exp) {
		delete(b.sessions, id)
		return false
	}
	return ok
}

func (b *backOffice) logout(id string) {
	b.mu.Lock()
	delete(b.sessions, id)
	b.mu.Unlock()
}

func secretEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
