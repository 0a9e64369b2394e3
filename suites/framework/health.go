package framework

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/dvcqa/dvcqa/internal/netreason"
	"github.com/dvcqa/dvcqa/vocab"
)

// HealthEntry is the report entry name of a health check (JSON list).
const HealthEntry = vocab.EntryHealth

// Health statuses. Only evidence makes a system "down": connection refused,
// timeout, TLS failure or a 5xx, on its probe or on a spec's own request. A
// 404, an answer that is not a health document, or no probe at all is
// "unknown": the report never blames a system it could not prove down.
const (
	HealthOK      = vocab.HealthOK
	HealthSlow    = vocab.HealthSlow
	HealthDown    = vocab.HealthDown
	HealthUnknown = vocab.HealthUnknown
)

// SystemHealth is one dependency's health, as the report builder reads it.
type SystemHealth struct {
	System  string `json:"system"` // sso, portal, gateway, db:<id>, dvcqg, payment
	Status  string `json:"status"` // ok | slow | down | unknown
	Version string `json:"version,omitempty"`
	Detail  string `json:"detail,omitempty"`
	// Source is SourceRequest when a spec's own request proved the system
	// down; "" for a probe. A probe that the run's passing specs contradict
	// blames nothing (reports/readiness.go); a failing request always does.
	Source string `json:"source,omitempty"`
}

// SourceRequest marks health learnt from a spec's own request.
const SourceRequest = "request"

// CheckHealth probes every system of the target in parallel, each within
// its own request budget, so that one outage is reported as one cause
// (BLOCKED) rather than as many unexplained failures, and a slow system
// does not eat the others' time.
func (e *Env) CheckHealth(ctx context.Context) []SystemHealth {
	u := e.Target.URLs
	probes := []struct{ system, base string }{
		{"sso", u.SSO}, {"portal", u.Portal}, {"dvcqg", u.DVCQG}, {"payment", u.Payment},
	}
	out := make([]SystemHealth, len(probes))
	var gw []SystemHealth
	var wg sync.WaitGroup
	for i, p := range probes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = e.probe(ctx, p.system, e.Target.Health.Probe(p.system, p.base))
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		gw = e.probeGateway(ctx)
	}()
	wg.Wait()
	return append(out, gw...)
}

// probe GETs a system's health URL; the SSO's is its discovery document.
func (e *Env) probe(ctx context.Context, system, url string) SystemHealth {
	h := SystemHealth{System: system, Status: HealthUnknown}
	if url == "" {
		h.Detail = "no health probe (target profile: none)"
		return h
	}
	ctx, cancel := context.WithTimeout(ctx, e.Target.Timeouts.Request)
	defer cancel()
	var body struct{ Status, Version, Issuer string }
	a := e.getProbe(ctx, url, &body)
	shape := body.Status != ""
	if system == "sso" {
		shape = body.Issuer != ""
	}
	h.Status, h.Detail = judgeProbe(system, a, shape, body.Status, e.Target.Timeouts.Request)
	h.Version = body.Version
	return h
}

// probeGateway asks the gateway for its own health and that of every
// national database behind it.
func (e *Env) probeGateway(ctx context.Context) []SystemHealth {
	url := e.Target.Health.Probe("gateway", e.Target.URLs.Gateway)
	gw := SystemHealth{System: "gateway", Status: HealthUnknown}
	if url == "" {
		gw.Detail = "no health probe (target profile: none)"
		return []SystemHealth{gw}
	}
	ctx, cancel := context.WithTimeout(ctx, e.Target.Timeouts.Request)
	defer cancel()
	var body struct {
		Status, Version string
		Databases       map[string]string
	}
	a := e.getProbe(ctx, url, &body)
	gw.Status, gw.Detail = judgeProbe("gateway", a, body.Status != "", body.Status, e.Target.Timeouts.Request)
	gw.Version = body.Version
	var out []SystemHealth
	if a.err == nil && a.code/100 == 2 {
		dbs := make([]string, 0, len(body.Databases))
		for db := range body.Databases {
			dbs = append(dbs, db)
		}
		sort.Strings(dbs)
		for _, db := range dbs {
			st, detail := gatewayDBStatus(body.Databases[db])
			out = append(out, SystemHealth{System: "db:" + db, Status: st, Detail: detail})
		}
	}
	return append(out, gw)
}

// gatewayDBStatus reads the gateway's word on one database behind it. Only
// "ok" and "down" (dvcqa's gateway contract, docs/contracts.md; a real
// gateway's words are unverified) mean anything:
// any other word ("degraded", "unknown", a dialect's own) proves nothing, so
// it is "unknown" and never blames the database.
func gatewayDBStatus(said string) (status, detail string) {
	switch {
	case strings.EqualFold(said, "ok"):
		return HealthOK, ""
	case strings.EqualFold(said, "down"):
		return HealthDown, "the gateway reports it down"
	}
	return HealthUnknown, fmt.Sprintf("the gateway reports %q (not ok or down)", said)
}

// probeAnswer is what a probe got: the status code, the wire failure (of
// the exchange, or of the answer's content type or JSON) and how long the
// whole answer took.
type probeAnswer struct {
	code    int
	err     error
	latency time.Duration
}

// probeBodyLimit bounds a health answer; health documents are small.
const probeBodyLimit = 1 << 20

// getProbe GETs url and, for a 2xx answer, decodes its JSON into out; an
// answer that is not JSON is a wire failure (wrong content type, malformed
// JSON), which judgeProbe tells apart from the system being down.
func (e *Env) getProbe(ctx context.Context, url string, out any) probeAnswer {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return probeAnswer{err: err}
	}
	req.Header.Set("Accept", "application/json")
	start := time.Now()
	resp, err := e.HTTP.Do(req)
	if err != nil {
		return probeAnswer{err: netreason.Transport(err), latency: time.Since(start)}
	}
	defer resp.Body.Close()
	body, err := netreason.Read(resp, probeBodyLimit)
	a := probeAnswer{code: resp.StatusCode, err: err, latency: time.Since(start)}
	if err == nil && resp.StatusCode/100 == 2 {
		a.err = netreason.Decode(body, out)
	}
	return a
}

// judgeProbe turns a probe's answer into a status with the wire detail: a
// 2xx that is not the system's health document (an HTML page, garbage, a
// JSON without its fields) proves nothing and is "unknown"; a right answer
// that took over half the request timeout is "slow", with its latency.
func judgeProbe(system string, a probeAnswer, shape bool, said string, timeout time.Duration) (status, detail string) {
	what := "health document (JSON with a status)"
	if system == "sso" {
		what = "discovery document (JSON with an issuer)"
	}
	switch {
	case a.err != nil && a.code == 0:
		if down, why := TransportFailure(a.err); down {
			return HealthDown, why
		}
		return HealthUnknown, a.err.Error()
	case a.code >= 500:
		return HealthDown, fmt.Sprintf("HTTP %d", a.code)
	case a.err != nil:
		if down, why := TransportFailure(a.err); down {
			return HealthDown, fmt.Sprintf("HTTP %d, then %s", a.code, why)
		}
		return HealthUnknown, fmt.Sprintf("wrong answer: HTTP %d is not a %s: %v", a.code, what, a.err)
	case a.code/100 != 2:
		return HealthUnknown, fmt.Sprintf("probe answered HTTP %d (not a health endpoint?)", a.code)
	case !shape:
		return HealthUnknown, fmt.Sprintf("wrong answer: HTTP %d JSON is not a %s", a.code, what)
	case strings.EqualFold(said, "down"):
		return HealthDown, "reports itself down"
	case timeout > 0 && a.latency > timeout/2:
		return HealthSlow, fmt.Sprintf("answered in %s, over half the %s request timeout", a.latency.Round(time.Millisecond), timeout)
	}
	return HealthOK, ""
}

// ReportHealth attaches a health check to the current node's report: the
// probes, and what the spec's own requests proved down.
func (e *Env) ReportHealth(ctx context.Context) {
	hs := mergeObserved(e.CheckHealth(ctx), e.wire.observed())
	data, _ := json.Marshal(hs)
	ginkgo.AddReportEntry(HealthEntry, string(data), ginkgo.ReportEntryVisibilityNever)
}

// mergeObserved marks down the systems a spec's own requests found down:
// the failing request is evidence, whatever the probe said.
func mergeObserved(hs []SystemHealth, seen []SystemHealth) []SystemHealth {
	for _, o := range seen {
		found := false
		for i := range hs {
			if hs[i].System == o.System {
				found = true
				// The request is the stronger evidence, even over a probe
				// that said down too.
				hs[i].Status, hs[i].Detail, hs[i].Source = HealthDown, o.Detail, o.Source
			}
		}
		if !found {
			hs = append(hs, o)
		}
	}
	return hs
}
