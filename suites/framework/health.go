package framework

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/onsi/ginkgo/v2"

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
	HealthDown    = vocab.HealthDown
	HealthUnknown = vocab.HealthUnknown
)

// SystemHealth is one dependency's health, as the report builder reads it.
type SystemHealth struct {
	System  string `json:"system"` // sso, portal, gateway, db:<id>, dvcqg, payment
	Status  string `json:"status"` // ok | down | unknown
	Version string `json:"version,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

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
	var body struct{ Status, Version string }
	code, err := getJSON(ctx, e.HTTP, url, &body)
	h.Status, h.Detail = judgeProbe(code, err, body.Status)
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
	code, err := getJSON(ctx, e.HTTP, url, &body)
	gw.Status, gw.Detail = judgeProbe(code, err, body.Status)
	gw.Version = body.Version
	var out []SystemHealth
	if code/100 == 2 {
		dbs := make([]string, 0, len(body.Databases))
		for db := range body.Databases {
			dbs = append(dbs, db)
		}
		sort.Strings(dbs)
		for _, db := range dbs {
			st := HealthOK
			if body.Databases[db] != "ok" {
				// The gateway's own word that its upstream is down.
				st = HealthDown
			}
			out = append(out, SystemHealth{System: "db:" + db, Status: st, Detail: body.Databases[db]})
		}
	}
	return append(out, gw)
}

// judgeProbe turns a probe's answer into a status with the wire detail.
func judgeProbe(code int, err error, said string) (status, detail string) {
	switch {
	case err != nil:
		if down, what := TransportFailure(err); down {
			return HealthDown, what
		}
		return HealthUnknown, err.Error()
	case code >= 500:
		return HealthDown, fmt.Sprintf("HTTP %d", code)
	case code/100 != 2:
		return HealthUnknown, fmt.Sprintf("probe answered HTTP %d (not a health endpoint?)", code)
	case strings.EqualFold(said, "down"):
		return HealthDown, "reports itself down"
	}
	return HealthOK, ""
}

// getJSON GETs url and decodes a JSON answer into out; an answer that is
// not JSON leaves out empty (the status code still counts).
func getJSON(ctx context.Context, c *http.Client, url string, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(resp.Body).Decode(out)
	return resp.StatusCode, nil
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
				if hs[i].Status != HealthDown {
					hs[i].Status, hs[i].Detail = HealthDown, o.Detail
				}
			}
		}
		if !found {
			hs = append(hs, o)
		}
	}
	return hs
}
