package framework

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/api/portal"
)

// Action is a data-mutating action a spec takes on the target: it leaves a
// record that officers, the national portal or the payment platform see.
type Action string

// The data-mutating actions, and the profile switch each needs (allow.*).
const (
	ActSubmit   Action = "submit"   // create a dossier, including one meant to be refused
	ActUpload   Action = "upload"   // store an attachment on the portal
	ActPay      Action = "pay"      // start or settle a payment, or tell the portal of one
	ActWithdraw Action = "withdraw" // withdraw a dossier (cleanup)
)

// allowWords is what each action needs and how the skip reason says it.
var allowWords = map[Action]struct{ doing, switchName string }{
	ActSubmit:   {"submitting dossiers", "allow.submit"},
	ActUpload:   {"uploading attachments", "allow.submit"},
	ActPay:      {"paying fees", "allow.pay"},
	ActWithdraw: {"withdrawing dossiers", "allow.submit"},
}

// Allowed says whether the target profile allows the action.
func (e *Env) Allowed(a Action) bool {
	if allowWords[a].switchName == "allow.pay" {
		return e.Target.Allow.Pay
	}
	return e.Target.Allow.Submit
}

// MustAllow is the one gate of every data-mutating call in the suites:
// called just before it, it skips the spec, naming the switch, when the
// target profile does not allow the action. A skipped check is never a
// pass: the report shows it NOT RUN and its item NOT VERIFIED. When it is
// allowed, the spec's API requests of that kind may go out (see
// allowGuard).
func (e *Env) MustAllow(a Action) {
	ginkgo.GinkgoHelper()
	w, ok := allowWords[a]
	if !ok {
		ginkgo.Fail(fmt.Sprintf("harness: unknown data-mutating action %q", a))
	}
	if !e.Allowed(a) {
		ginkgo.Skip(fmt.Sprintf("target profile does not allow %s (%s: false)", w.doing, w.switchName))
	}
	if e.allow != nil {
		e.allow.grant(a)
	}
}

// allowGuard is the backstop under MustAllow: a data-mutating request of
// the portal's API that no MustAllow of the running spec granted never
// leaves the harness; it fails as a harness bug. The payment platform's
// INIT and QUERY share one URL (told apart by the body), and the browser
// layer's requests come from Chromium, not through here: there MustAllow
// alone guards. Granted actions are forgotten before each spec.
type allowGuard struct {
	next   http.RoundTripper
	portal string // base URL, without a trailing slash

	// onCreated is told of every dossier a submit created (the run's
	// record, for `dvcqa cleanup`); nil = not recorded.
	onCreated func(portal.Dossier)

	mu      sync.Mutex
	granted map[Action]bool
}

func newAllowGuard(next http.RoundTripper, portal string) *allowGuard {
	return &allowGuard{next: next, portal: strings.TrimRight(portal, "/")}
}

func (g *allowGuard) grant(a Action) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.granted == nil {
		g.granted = map[Action]bool{}
	}
	g.granted[a] = true
}

func (g *allowGuard) reset() {
	if g == nil {
		return
	}
	g.mu.Lock()
	g.granted = nil
	g.mu.Unlock()
}

// actionOf is the data-mutating action a request takes, "" for none: the
// portal API's POSTs that create or change records. Logins, lookups and
// reads are not.
func (g *allowGuard) actionOf(r *http.Request) Action {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
		return ""
	}
	u := r.URL.Scheme + "://" + r.URL.Host + r.URL.Path
	p, ok := strings.CutPrefix(u, g.portal+"/api/v1/")
	if g.portal == "" || !ok {
		return ""
	}
	switch {
	case p == "attachments":
		return ActUpload
	case p == "dossiers":
		return ActSubmit
	case p == "payment/callback" || strings.HasPrefix(p, "dossiers/") && strings.HasSuffix(p, "/payment"):
		return ActPay
	case strings.HasPrefix(p, "dossiers/") && strings.HasSuffix(p, "/withdraw"):
		return ActWithdraw
	}
	return ""
}

// ErrNotAllowed is the answer to a data-mutating request without MustAllow.
type ErrNotAllowed struct {
	Action Action
	What   string
}

func (e *ErrNotAllowed) Error() string {
	return fmt.Sprintf("harness bug: %s is a data-mutating request (%s) that no MustAllow of the spec granted; not sent", e.What, e.Action)
}

func (g *allowGuard) RoundTrip(r *http.Request) (*http.Response, error) {
	if a := g.actionOf(r); a != "" {
		g.mu.Lock()
		ok := g.granted[a]
		g.mu.Unlock()
		if !ok {
			if r.Body != nil {
				r.Body.Close()
			}
			return nil, &ErrNotAllowed{Action: a, What: r.Method + " " + r.URL.Path}
		}
	}
	resp, err := g.next.RoundTrip(r)
	if err == nil && g.onCreated != nil && g.actionOf(r) == ActSubmit &&
		(resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK) {
		// Whatever the spec expected, a dossier now exists: record it, so
		// that even one a negative spec's submit wrongly created is cleaned
		// up. The body is read here and handed on unchanged.
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, createdBodyLimit))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		var d portal.Dossier
		if rerr == nil && json.Unmarshal(body, &d) == nil && d.ID != "" {
			g.onCreated(d)
		}
	}
	return resp, err
}

// createdBodyLimit bounds the dossier answer read to record it.
const createdBodyLimit = 8 << 20
