package framework

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2"
)

// HealthEntry is the report entry name of a health check (JSON list).
const HealthEntry = "dvcqa.health"

// SystemHealth is one dependency's health, as the report builder reads it.
type SystemHealth struct {
	System  string `json:"system"` // sso, portal, gateway, db:<id>, dvcqg, payment
	Status  string `json:"status"` // ok | down
	Version string `json:"version,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// CheckHealth asks every system of the target whether it is up, over HTTP,
// so that one outage is reported as one cause (BLOCKED) rather than as many
// unexplained failures.
func (e *Env) CheckHealth(ctx context.Context) []SystemHealth {
	ctx, cancel := context.WithTimeout(ctx, e.Target.Timeouts.Request)
	defer cancel()
	u := e.Target.URLs
	out := []SystemHealth{
		e.probe(ctx, "sso", strings.TrimRight(u.SSO, "/")+"/.well-known/openid-configuration", strings.TrimRight(u.SSO, "/")+"/healthz"),
		e.probe(ctx, "portal", strings.TrimRight(u.Portal, "/")+"/healthz", ""),
		e.probe(ctx, "dvcqg", strings.TrimRight(u.DVCQG, "/")+"/healthz", ""),
		e.probe(ctx, "payment", strings.TrimRight(u.Payment, "/")+"/healthz", ""),
	}
	gw := SystemHealth{System: "gateway", Status: "ok"}
	h, err := e.Gateway.Health(ctx)
	if err != nil {
		gw.Status, gw.Detail = "down", err.Error()
	} else {
		gw.Version = h.Version
		if h.Status == "down" {
			gw.Status = "down"
		}
		var dbs []string
		for db := range h.Databases {
			dbs = append(dbs, db)
		}
		sort.Strings(dbs)
		for _, db := range dbs {
			st := "ok"
			if h.Databases[db] != "ok" {
				st = "down"
			}
			out = append(out, SystemHealth{System: "db:" + db, Status: st, Detail: h.Databases[db]})
		}
	}
	return append(out, gw)
}

// probe GETs url (the liveness check) and, when given, versionURL for a
// version; 2xx means up.
func (e *Env) probe(ctx context.Context, system, url, versionURL string) SystemHealth {
	h := SystemHealth{System: system, Status: "ok"}
	var body struct{ Status, Version string }
	code, err := getJSON(ctx, e.HTTP, url, &body)
	switch {
	case err != nil:
		h.Status, h.Detail = "down", err.Error()
	case code/100 != 2:
		h.Status, h.Detail = "down", fmt.Sprintf("HTTP %d", code)
	case body.Status == "down":
		h.Status = "down"
	}
	h.Version = body.Version
	if versionURL != "" && h.Status == "ok" {
		var v struct{ Version string }
		if _, err := getJSON(ctx, e.HTTP, versionURL, &v); err == nil {
			h.Version = v.Version
		}
	}
	return h
}

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

// ReportHealth attaches a health check to the current node's report.
func (e *Env) ReportHealth(ctx context.Context) {
	data, _ := json.Marshal(e.CheckHealth(ctx))
	ginkgo.AddReportEntry(HealthEntry, string(data), ginkgo.ReportEntryVisibilityNever)
}
