package framework

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/fixtures/openapi"
	"github.com/dvcqa/dvcqa/vocab"
)

// ContractEntry is the report entry name of a spec's contract validation
// (JSON ContractReport): how many portal exchanges were validated, and the
// violations.
const ContractEntry = vocab.EntryContract

// Sides of a contract violation: who broke it.
const (
	SideHarness = "harness" // the harness's request: a harness bug
	SidePortal  = "portal"  // the portal's answer: a portal defect
)

// Violation is one exchange that broke the contract.
type Violation struct {
	Side      string   `json:"side"`      // SideHarness or SidePortal
	Operation string   `json:"operation"` // "POST /api/v1/dossiers" (the contract's path)
	Status    int      `json:"status,omitempty"`
	Problems  []string `json:"problems"`
}

func (v Violation) Error() string {
	who := "harness request violates the contract"
	if v.Side == SidePortal {
		who = fmt.Sprintf("portal answer (HTTP %d) violates the contract", v.Status)
	}
	return who + ": " + v.Operation + ": " + strings.Join(v.Problems, "; ")
}

// ContractReport is what a spec's exchanges with the portal did to the
// contract.
type ContractReport struct {
	Contract   string  `json:"contract"`
	Validated  int     `json:"validated"`            // exchanges (request and answer) validated
	Deliberate int     `json:"deliberate,omitempty"` // requests the spec marked deliberately invalid
	Millis     float64 `json:"ms"`                   // time spent validating (not sending)
	// Operations counts the validated exchanges per operation, "POST
	// /api/v1/dossiers": what of the contract the spec exercised.
	Operations map[string]int `json:"operations,omitempty"`
	Violations []Violation    `json:"violations,omitempty"`
}

// Invalid names the part of a request a spec breaks on purpose.
type Invalid string

const (
	// InvalidAuth: the request carries no bearer token where the contract
	// requires one (unauthenticated calls). A garbage token is well-formed
	// and needs no marker: the validator never judges the token itself.
	InvalidAuth Invalid = "auth"
	// InvalidParams: a path, query or header parameter breaks its schema.
	InvalidParams Invalid = "params"
	// InvalidBody: the request body breaks its schema.
	InvalidBody Invalid = "body"
)

type invalidKey struct{}

// DeliberatelyInvalid marks the requests sent with the returned context as
// breaking the contract on purpose, in the named parts only: their
// violations there are counted, not blamed on the harness. Any other
// violation of the same request still fails the spec. Use it on the one
// call that needs it, never on a spec's whole context.
func DeliberatelyInvalid(ctx context.Context, parts ...Invalid) context.Context {
	set := map[Invalid]bool{}
	if prev, ok := ctx.Value(invalidKey{}).(map[Invalid]bool); ok {
		for p := range prev {
			set[p] = true
		}
	}
	for _, p := range parts {
		set[p] = true
	}
	return context.WithValue(ctx, invalidKey{}, set)
}

// contractCheck is an http.RoundTripper that validates every exchange with
// the portal that the contract describes: the request before it is sent
// (a violation is not sent: it is the harness's bug, and the portal must not
// be blamed for refusing it) and the answer (a violation is the portal's).
// Violations are kept for the running spec, which NewDefaultFramework fails
// with them. Exchanges with the other systems pass through untouched.
type contractCheck struct {
	next   http.RoundTripper
	name   string // the contract's file, for messages
	base   *url.URL
	router routers.Router
	opts   *openapi3filter.Options

	mu   sync.Mutex
	spec ContractReport
}

// maxValidatedBody bounds what is buffered to validate one body; a larger
// answer passes with its body unvalidated (no portal answer comes close).
const maxValidatedBody = 16 << 20

// unvalidated are contract operations left alone: health probes run outside
// specs and against systems that may be down, where the verdict is BLOCKED,
// not a contract violation.
var unvalidated = map[string]bool{"health": true}

var registerDecoders sync.Once

// newContractCheck loads the target's portal contract, or returns nil when
// the profile turns validation off.
func newContractCheck(ctx context.Context, t *fixtures.Target, next http.RoundTripper) (*contractCheck, error) {
	file, on := t.PortalContract()
	if !on {
		return nil, nil
	}
	var doc *openapi3.T
	var err error
	name := openapi.PortalFile
	if file == "" {
		doc, err = openapi.LoadPortal(ctx)
	} else {
		name = file
		doc, err = openapi.LoadFile(ctx, file)
	}
	if err != nil {
		return nil, err
	}
	return newContractCheckFor(doc, name, t.URLs.Portal, next)
}

// newContractCheckFor validates exchanges under baseURL against doc, whatever
// servers the document itself names (they are examples of where a portal
// lives, not the target's address).
func newContractCheckFor(doc *openapi3.T, name, baseURL string, next http.RoundTripper) (*contractCheck, error) {
	base, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("contract %s: portal URL %q: not an absolute URL", name, baseURL)
	}
	doc.Servers = openapi3.Servers{{URL: base.String()}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("contract %s: routes: %w", name, err)
	}
	registerDecoders.Do(func() {
		// Bodies the contract describes as strings or files: a PEM
		// certificate, the payment return page, uploaded documents.
		for _, ct := range []string{"application/x-pem-file", "text/html", "application/pdf", "image/jpeg", "image/png"} {
			if openapi3filter.RegisteredBodyDecoder(ct) == nil {
				openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
			}
		}
	})
	opts := &openapi3filter.Options{
		MultiError:         true,
		AuthenticationFunc: bearerPresent,
		// An answer with a status the operation does not list is a
		// violation too: the contract lists every answer a client must handle.
		IncludeResponseStatus: true,
	}
	return &contractCheck{next: next, name: name, base: base, router: router, opts: opts,
		spec: ContractReport{Contract: name}}, nil
}

// bearerPresent checks only that a bearer token is sent where the contract
// requires one: whether the token is good is the portal's to judge, and
// negative specs send forged and expired ones on purpose.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	if s == nil || s.Type != "http" || !strings.EqualFold(s.Scheme, "bearer") {
		return in.NewError(fmt.Errorf("security scheme %q: only http bearer is supported by dvcqa", in.SecuritySchemeName))
	}
	scheme, tok, _ := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return in.NewError(errors.New("no bearer token (Authorization: Bearer …)"))
	}
	return nil
}

func (c *contractCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	route, params, ok := c.find(req)
	if !ok {
		return c.next.RoundTrip(req)
	}
	if route == nil {
		v := Violation{Side: SideHarness, Operation: req.Method + " " + strings.TrimPrefix(req.URL.Path, c.base.Path),
			Problems: []string{"the contract does not list this method for this path"}}
		c.record(v)
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, v
	}
	op := req.Method + " " + route.Path
	// Buffer the body: the validator reads it, the target must get it whole.
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("validate %s: read request body: %w", op, err)
		}
	}
	in := &openapi3filter.RequestValidationInput{Request: withBody(req, body), PathParams: params, Route: route, Options: c.opts}
	start := time.Now()
	err := openapi3filter.ValidateRequest(req.Context(), in)
	c.spent(time.Since(start))
	problems, deliberate := splitDeliberate(req.Context(), err)
	if len(problems) > 0 {
		v := Violation{Side: SideHarness, Operation: op, Problems: problems}
		c.record(v)
		return nil, v
	}
	if deliberate {
		c.mu.Lock()
		c.spec.Deliberate++
		c.mu.Unlock()
	}
	in.Request = withBody(req, body) // the validator consumed its copy

	resp, err := c.next.RoundTrip(withBody(req, body))
	if err != nil {
		return resp, err
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxValidatedBody+1))
	if err != nil {
		resp.Body.Close()
		return nil, fmt.Errorf("validate %s: read answer: %w", op, err)
	}
	rest := resp.Body
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(data), rest), rest}
	opts := c.opts
	if len(data) > maxValidatedBody {
		o := *c.opts
		o.ExcludeResponseBody = true
		opts = &o
	}
	rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode,
		Header: resp.Header, Body: io.NopCloser(bytes.NewReader(data)), Options: opts}
	var v *Violation
	start = time.Now()
	err = openapi3filter.ValidateResponse(req.Context(), rin)
	c.spent(time.Since(start))
	if err != nil {
		v = &Violation{Side: SidePortal, Operation: op, Status: resp.StatusCode, Problems: describe(err)}
	}
	c.mu.Lock()
	c.spec.Validated++
	if c.spec.Operations == nil {
		c.spec.Operations = map[string]int{}
	}
	c.spec.Operations[op]++
	if v != nil {
		c.spec.Violations = append(c.spec.Violations, *v)
	}
	c.mu.Unlock()
	return resp, nil
}

// find routes a request to the contract's operation; ok is false for
// requests the contract does not describe (other systems, web pages,
// /admin), which pass unvalidated. A method the contract does not list on
// a path it describes gives a nil route with ok true.
func (c *contractCheck) find(req *http.Request) (*routers.Route, map[string]string, bool) {
	u := req.URL
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host || !strings.HasPrefix(u.Path, c.base.Path+"/") {
		return nil, nil, false
	}
	route, params, err := c.router.FindRoute(req)
	switch {
	case err == nil && unvalidated[route.Operation.OperationID]:
		return nil, nil, false
	case err == nil:
		return route, params, true
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return nil, nil, true
	}
	return nil, nil, false
}

// spent adds time the validator took to the spec's record.
func (c *contractCheck) spent(d time.Duration) {
	c.mu.Lock()
	c.spec.Millis += float64(d.Microseconds()) / 1000
	c.mu.Unlock()
}

func (c *contractCheck) record(v Violation) {
	c.mu.Lock()
	c.spec.Violations = append(c.spec.Violations, v)
	c.mu.Unlock()
}

// reset starts a new spec's record.
func (c *contractCheck) reset() {
	c.mu.Lock()
	c.spec = ContractReport{Contract: c.name}
	c.mu.Unlock()
}

// report is the running spec's record.
func (c *contractCheck) report() ContractReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.spec
	r.Violations = append([]Violation(nil), r.Violations...)
	r.Operations = maps.Clone(r.Operations)
	return r
}

// verify is the spec's last word on the contract, registered by
// NewDefaultFramework as a DeferCleanup: it records the count and fails the
// spec when an exchange broke the contract, even if the spec body passed.
func (c *contractCheck) verify() {
	r := c.report()
	data, _ := json.Marshal(r)
	ginkgo.AddReportEntry(ContractEntry, string(data), ginkgo.ReportEntryVisibilityNever)
	if msg := r.failure(); msg != "" {
		ginkgo.Fail(msg)
	}
}

// failure is the message a spec fails with, "" when no exchange broke the
// contract.
func (r ContractReport) failure() string {
	if len(r.Violations) == 0 {
		return ""
	}
	// The first line says who broke the contract: reports use it as the
	// headline.
	msgs := make([]string, len(r.Violations))
	for i, v := range r.Violations {
		msgs[i] = v.Error()
	}
	return fmt.Sprintf("%s\n(%d exchange(s) of this spec violate %s)", strings.Join(msgs, "\n"), len(msgs), r.Contract)
}

// withBody is a copy of req that sends body.
func withBody(req *http.Request, body []byte) *http.Request {
	r := req.Clone(req.Context())
	if body == nil {
		r.Body = http.NoBody
		return r
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return r
}
